"""Train the official-response model (``nlp/models/official.npz``) and choose it by cross-validation on train.

Train data: ``tests/data/incidents/official_train/train.jsonl`` (419 texts in five languages, written by a
helper session that saw neither the code nor the evaluation set). Each sentence is an example: the one the
author marked as the response is positive, every sentence of a text without a response negative, and the
other sentences of a response text negative too (a second response sentence is rare). A text's score is its
best sentence's. Encoder depth, C and the threshold are chosen by 5-fold cross-validation grouped by text
(F1 of "this text reports a response"); the evaluation set (``tests/data/incidents/official``) is never read.

Usage: python -m healthpulse.nlp.training.official [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from healthpulse.nlp.features import E5Features
from healthpulse.nlp.official import DEFAULT_MODEL, load_official_lexicon, sentences
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

TRAIN = Path(__file__).resolve().parents[2] / "tests" / "data" / "incidents" / "official_train" / "train.jsonl"
LAYERS = (3, 6, 12)
CS = (3.0, 10.0, 30.0, 100.0)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def examples(rows: list[dict], layers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, sentence labels, text index) of every sentence of ``rows``."""
    lexicon = load_official_lexicon()
    parts, signals, labels, groups = [], [], [], []
    for i, r in enumerate(rows):
        marked = (r.get("response_sentence") or "").strip()
        lex = lexicon.lexicon_for(r["lang"])
        for s in sentences(r.get("title"), r["text"]):
            parts.append(s)
            signals.append(lex.signals(s))
            labels.append(int(bool(r["official_response"] and marked and (marked in s or s in marked))))
            groups.append(i)
    vectors = E5Features(2, layers).transform(parts)
    return np.hstack([vectors, np.asarray(signals, dtype=np.float32)]), np.asarray(labels), np.asarray(groups)


def text_scores(p: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n)
    np.maximum.at(out, groups, p)
    return out


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp, fp, fn = int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())
    return 2 * tp / max(1, 2 * tp + fp + fn)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_MODEL))
    args = ap.parse_args()
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = np.asarray([bool(r["official_response"]) for r in rows])
    best: tuple[float, int, float, float] | None = None
    cached: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for layers in LAYERS:
        x, y, g = cached[layers] = examples(rows, layers)
        for c in CS:
            oof = np.zeros(len(y))
            for tr, te in GroupKFold(5).split(x, y, g):
                model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x[tr], y[tr])
                oof[te] = model.predict_proba(x[te])[:, 1]
            scores = text_scores(oof, g, len(rows))
            for th in THRESHOLDS:
                score = f1(scores >= th, gold)
                print(f"layers {layers:>2}  C {c:>5}  threshold {th}: cross-validated F1 {score:.3f}")
                if best is None or score > best[0]:
                    best = (score, layers, c, th)
    assert best is not None
    score, layers, c, th = best
    x, y, _ = cached[layers]
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
    np.savez(args.out, coef=model.coef_[0].astype(np.float32), intercept=np.float32(model.intercept_[0]),
             threshold=np.float32(th), layers=np.int32(layers))
    print(f"chosen: layers {layers}, C {c}, threshold {th} (cross-validated F1 {score:.3f}) -> {args.out}")


if __name__ == "__main__":
    main()
