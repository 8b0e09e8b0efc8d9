"""Calibration fitted out of fold makes scores mean what they say; its measures are right."""

from __future__ import annotations

import numpy as np
from healthpulse.nlp.calibration import binary_confidence, confident_error_share, ece, fit_platt, fit_temperature
from healthpulse.nlp.heads import LinearHead


def test_platt_repairs_overconfident_logits():
    rng = np.random.default_rng(0)
    true_logit = rng.normal(0, 1.5, 4000)
    y = rng.random(4000) < 1 / (1 + np.exp(-true_logit))
    z = 4.0 * true_logit + 1.0  # over-confident and shifted, as a balanced-weight model is
    a, b = fit_platt(z, y)
    assert abs(a - 0.25) < 0.05 and abs(b + 0.25) < 0.15
    raw = 1 / (1 + np.exp(-z))
    cal = 1 / (1 + np.exp(-(a * z + b)))
    lab_raw, conf_raw = binary_confidence(raw, 0.5)
    lab_cal, conf_cal = binary_confidence(cal, 0.5)
    assert ece(conf_cal, lab_cal == y) < ece(conf_raw, lab_raw == y) / 2


def test_temperature_softens_overconfident_softmax():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 1, (3000, 3))
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    t = fit_temperature(5.0 * z, y)
    assert 4.0 < t < 6.0


def test_ece_and_confident_errors():
    conf = np.array([0.95, 0.95, 0.95, 0.95, 0.6, 0.6])
    ok = np.array([True, True, True, False, True, False])
    assert abs(ece(conf, ok) - (4 / 6 * 0.2 + 2 / 6 * 0.1)) < 1e-9
    assert confident_error_share(conf, ok) == 0.25
    assert confident_error_share(np.array([0.5]), np.array([False])) == 0.0


def test_heads_apply_their_calibration():
    W, b = np.ones((2, 1), dtype=np.float32), np.zeros(1, dtype=np.float32)
    X = np.array([[1.0, 1.0]], dtype=np.float32)
    raw = LinearHead("incident", "binary", ["incident"], W, b)
    cal = LinearHead("incident", "binary", ["incident"], W, b, calibration={"platt": {"incident": [0.5, -1.0]}})
    assert abs(raw.scores(X)[0, 0] - 1 / (1 + np.exp(-2))) < 1e-6
    assert abs(cal.scores(X)[0, 0] - 0.5) < 1e-6
    mc = LinearHead("s", "multiclass", ["a", "b"], np.eye(2, dtype=np.float32), np.zeros(2, np.float32),
                    calibration={"temperature": 2.0})
    p = mc.scores(np.array([[2.0, 0.0]], dtype=np.float32))[0]
    assert abs(p[0] - 1 / (1 + np.exp(-1))) < 1e-6
