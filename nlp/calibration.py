"""Scores that mean what they say: calibration fitted on cross-validation folds, and its measures.

Why: the heads are logistic regressions trained with balanced class weights, so their raw
probabilities are shifted towards the rarer class and over-confident on text unlike the training
data. Each head is calibrated on its *out-of-fold* logits (never on the rows it was fitted on):
Platt scaling (a·z + b through a sigmoid) per class for binary and multi-label heads, one
temperature for the softmax of multiclass heads. Thresholds are then chosen on calibrated scores.

Measures reported by ``healthpulse evaluate`` and held by tests: expected calibration error (ECE,
10 equal-width bins over the confidence of the label given) and the share of labels given with
confidence ≥ 0.9 that are wrong.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression


def fit_platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) so that sigmoid(a·z + b) is calibrated on these out-of-fold logits."""
    y = np.asarray(y).astype(int)
    if y.min() == y.max():
        return 1.0, 0.0
    m = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000).fit(np.asarray(z).reshape(-1, 1), y)
    return float(m.coef_[0, 0]), float(m.intercept_[0])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(z: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that minimises the log-loss of out-of-fold logits ``z`` (n×k)."""
    idx = np.arange(len(y))

    def nll(log_t: float) -> float:
        p = _softmax(z / np.exp(log_t))
        return float(-np.log(np.clip(p[idx, y], 1e-12, 1.0)).mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(res.x))


def binary_confidence(p: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(label given, confidence of that label) for a binary score with a decision threshold."""
    label = p >= threshold
    return label, np.where(label, p, 1.0 - p)


def ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over the confidence of the labels given."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    if not len(confidence):
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.sum() / len(confidence) * abs(confidence[m].mean() - correct[m].mean())
    return float(total)


def confident_error_share(confidence: np.ndarray, correct: np.ndarray, level: float = 0.9) -> float:
    """Share of labels given with confidence ≥ ``level`` that are wrong (0 when none are that sure)."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, bool)
    sure = confidence >= level
    return float((~correct[sure]).mean()) if sure.any() else 0.0
