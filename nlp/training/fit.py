"""Fitting one head: regularisation and thresholds by grouped cross-validation, calibration on its folds.

(``C`` below is the L2 strength ``alpha`` of the SGD logistic regression: smaller = less regularised.)

Every choice (C, thresholds, the topic fallback share, Platt/temperature calibration) is made on
out-of-fold predictions of a GroupKFold over the train data (a group = one situation with all its
variants and translations), then the head is refitted on all train data. Evaluation sets are
never read here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from healthpulse.nlp.calibration import fit_platt, fit_temperature
from healthpulse.nlp.heads import DEFAULT_FALLBACK, LinearHead, sigmoid, softmax
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold

# L2 strength of the logistic regression (SGD): about 1 / (C · n) of the liblinear heads before.
C_GRID = (3e-6, 1e-5, 3e-5)
TOPIC_C_GRID = (1e-5, 3e-5)
EPOCHS = 30
# Every head is the average of this many SGD fits with different seeds (a linear model again): one SGD
# fit's dev-set F1 moved by ±0.02 with the seed alone; the average is steadier and no slower to apply.
SEEDS = 3
THRESHOLD_GRID = np.arange(0.15, 0.86, 0.025)
FALLBACKS = (DEFAULT_FALLBACK, 0.25, 0.0)


def _lr(alpha: float, seed: int) -> SGDClassifier:
    """Logistic regression fitted by SGD: ~10x faster than liblinear on the dense + n-gram matrix at the
    same quality (measured on the dev set), which makes 5-fold model selection affordable on 2 cores."""
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=EPOCHS, tol=None, class_weight="balanced",
                         random_state=seed)


def fit_ovr(X, Y: np.ndarray, C: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One binary logistic regression per column of the 0/1 matrix Y → (W d×k, b k), seed-averaged."""
    W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.full(Y.shape[1], -30.0, dtype=np.float32)
    for j in range(Y.shape[1]):
        if 0 < Y[:, j].sum() < len(Y):
            fits = [_lr(C, seed + k).fit(X, Y[:, j].astype(int)) for k in range(SEEDS)]
            W[:, j] = np.mean([m.coef_[0] for m in fits], axis=0)
            b[j] = float(np.mean([m.intercept_[0] for m in fits]))
    return W, b


def oof_logits(X, Y: np.ndarray, groups, C: float, seed: int, folds: int = 5) -> np.ndarray:
    """Out-of-fold logits of the one-vs-rest models (same shape as Y)."""
    out = np.zeros(Y.shape, dtype=np.float64)
    for tr, va in GroupKFold(n_splits=folds).split(X, Y[:, 0], groups):
        W, b = fit_ovr(X[tr], Y[tr], C, seed)
        out[va] = np.asarray(X[va] @ W) + b
    return out


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The grid threshold with the best F1 (sklearn's F1 with zero_division=0, computed at once for the grid:
    sklearn's per-call checks made this most of the time of a small training run)."""
    pos = np.asarray(y, bool)
    pred = np.asarray(p)[None, :] >= THRESHOLD_GRID[:, None]
    tp = (pred & pos).sum(axis=1)
    denom = pred.sum(axis=1) + pos.sum()
    f1 = np.where(tp > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    best = (0.5, -1.0)
    for t, f in zip(THRESHOLD_GRID, f1, strict=True):
        if f > best[1] + 1e-9:
            best = (round(float(t), 3), float(f))
    return best


def recall_threshold(y: np.ndarray, p: np.ndarray, recall: float) -> float:
    """The highest threshold that keeps at least ``recall`` of the positives (for a screening stage)."""
    pos = np.sort(p[np.asarray(y, bool)])
    if not len(pos):
        return 0.5
    k = int(np.floor((1.0 - recall) * len(pos)))
    return float(max(0.0, pos[k] - 1e-6))


def _platt_all(z: np.ndarray, Y: np.ndarray, classes: list[str]) -> tuple[dict[str, list[float]], np.ndarray]:
    platt, P = {}, np.zeros_like(z)
    for j, c in enumerate(classes):
        a, b = fit_platt(z[:, j], Y[:, j])
        platt[c] = [round(a, 6), round(b, 6)]
        P[:, j] = sigmoid(a * z[:, j] + b)
    return platt, P


def train_binary(name: str, X, y: np.ndarray, groups, seed: int, grid=C_GRID) -> tuple[LinearHead, dict, np.ndarray]:
    """(head, report, calibrated out-of-fold scores)."""
    Y = y.astype(int).reshape(-1, 1)
    best: Any = None
    for C in grid:
        z = oof_logits(X, Y, groups, C, seed)
        platt, P = _platt_all(z, Y, [name])
        t, f = best_threshold(y, P[:, 0])
        if best is None or f > best[2]:
            best = (C, t, f, platt, P[:, 0])
    C, t, f, platt, p = best
    W, b = fit_ovr(X, Y, C, seed)
    head = LinearHead(name, "binary", [name], W, b, {name: t}, calibration={"platt": platt})
    return head, {"C": C, "threshold": t, "cv_f1": round(f, 4)}, p


def train_multiclass(name: str, X, labels: list[str], classes: list[str], groups, seed: int,
                     grid=C_GRID) -> tuple[LinearHead, dict, np.ndarray]:
    y = np.array([classes.index(v) for v in labels])
    Y = np.eye(len(classes), dtype=int)[y]
    best: Any = None
    for C in grid:
        z = oof_logits(X, Y, groups, C, seed)
        acc = float((z.argmax(1) == y).mean())
        if best is None or acc > best[1]:
            best = (C, acc, z)
    C, acc, z = best
    temperature = fit_temperature(z, y)
    W, b = fit_ovr(X, Y, C, seed)
    head = LinearHead(name, "multiclass", classes, W, b, calibration={"temperature": round(temperature, 6)})
    return head, {"C": C, "cv_accuracy": round(acc, 4), "temperature": round(temperature, 4)}, softmax(z / temperature)


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


def tune_topic_rule(P: np.ndarray, Y: np.ndarray, ths: list[float]) -> tuple[np.ndarray, float, float]:
    """Thresholds and fallback share jointly on micro-F1 (coordinate ascent from the per-topic optimum).

    Per-topic F1 thresholds ignore that the topics share one micro-F1 and the "never empty" rule,
    which leaves recall on the table; this starts from them and moves one threshold at a time.
    """
    start = np.array(ths, dtype=float)
    best: tuple[np.ndarray, float, float] = (start, DEFAULT_FALLBACK, micro_f1(Y, topic_decisions(P, start)))
    for fb in FALLBACKS:
        t = start
        score = micro_f1(Y, topic_decisions(P, t, fb))
        for _ in range(3):
            for j in range(len(t)):
                for v in THRESHOLD_GRID:
                    trial = t.copy()
                    trial[j] = v
                    f = micro_f1(Y, topic_decisions(P, trial, fb))
                    if f > score + 1e-9:
                        t, score = trial, f
        if score > best[2] + 1e-9:
            best = (np.round(t, 3), fb, score)
    return best


def train_multilabel(name: str, X, label_sets: list[list[str]], classes: list[str], groups, seed: int,
                     scored: np.ndarray, grid=TOPIC_C_GRID) -> tuple[LinearHead, dict]:
    """Topics: one C for all (micro-F1 out of fold), Platt per topic, then thresholds + fallback jointly.

    Scored as the evaluation counts: over ``scored`` texts (the health texts; the others get no
    topics at inference), including health texts with no topic.
    """
    Y = np.array([[c in s for c in classes] for s in label_sets]).astype(int)
    best: Any = None
    for C in grid:
        z = oof_logits(X, Y, groups, C, seed)
        platt, P = _platt_all(z, Y, classes)
        ths = [best_threshold(Y[:, j], P[:, j])[0] if Y[:, j].any() else 0.99 for j in range(len(classes))]
        f = micro_f1(Y[scored], topic_decisions(P[scored], np.array(ths)))
        if best is None or f > best[1]:
            best = (C, f, ths, P, platt)
    C, _f, ths, P, platt = best
    tuned, fallback, f = tune_topic_rule(P[scored], Y[scored], ths)
    W, b = fit_ovr(X, Y, C, seed)
    thresholds = {c: float(tuned[j]) for j, c in enumerate(classes)}
    head = LinearHead(name, "multilabel", classes, W, b, thresholds, fallback, calibration={"platt": platt})
    return head, {"C": C, "cv_micro_f1": round(float(f), 4), "fallback": fallback, "thresholds": thresholds}
