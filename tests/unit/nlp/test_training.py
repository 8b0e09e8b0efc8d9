"""The topic decision rule chosen in training is the one the analyzer applies, and it survives saving."""

from __future__ import annotations

import numpy as np
from healthpulse.nlp.heads import HeadBundle, LinearHead, load_bundle, save_bundle
from healthpulse.nlp.training.train import FALLBACKS, micro_f1, topic_decisions, tune_topic_rule


def _problem(seed: int = 3, n: int = 300, k: int = 5):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, k)) < 0.25).astype(int)
    Y[np.arange(n), rng.integers(0, k, n)] = 1  # every text has a topic
    P = np.clip(0.35 * Y + rng.normal(0.3, 0.18, (n, k)), 0, 1)  # informative, noisy scores
    return P, Y


def test_joint_tuning_never_scores_below_its_starting_point():
    P, Y = _problem()
    start = [0.8] * Y.shape[1]
    tuned, fallback, score = tune_topic_rule(P, Y, start)
    assert fallback in FALLBACKS
    assert score == micro_f1(Y, topic_decisions(P, tuned, fallback))
    assert score >= micro_f1(Y, topic_decisions(P, np.array(start))) + 0.05  # high start: recall recovered


def test_fallback_zero_always_keeps_one_topic():
    P, _ = _problem()
    pred = topic_decisions(P, np.full(P.shape[1], 1.5), fallback=0.0)
    assert (pred.sum(axis=1) == 1).all()
    assert (pred.argmax(axis=1) == P.argmax(axis=1)).all()
    assert not topic_decisions(P, np.full(P.shape[1], 2.5), fallback=0.5).any()  # best never reaches 1.25


def test_the_fallback_share_round_trips_and_is_used(tmp_path, analyzer):
    head = LinearHead("topics", "multilabel", ["a", "b"], np.eye(2, dtype=np.float32), np.zeros(2, np.float32),
                      {"a": 0.7, "b": 0.8}, fallback=0.25)
    save_bundle(HeadBundle({"features": {"set": "cues"}}, {"topics": head}), tmp_path)
    loaded = load_bundle(str(tmp_path)).heads["topics"]
    assert loaded.fallback == 0.25 and loaded.thresholds == {"a": 0.7, "b": 0.8}
    shipped = analyzer.bundle.heads["topics"]
    assert shipped.fallback in FALLBACKS
    assert analyzer.bundle.meta["training"]["cv"]["topics"]["fallback"] == shipped.fallback


def test_topic_only_items_train_the_topic_head_and_nothing_else(tmp_path):
    """topic_only/ data (a topic editor's texts) reaches the topic head; every other head is trained as without it."""
    import json
    import shutil
    from pathlib import Path

    from healthpulse.nlp.training.train import train

    tiny = Path(__file__).resolve().parents[2] / "fixtures" / "nlp_tiny"
    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    (data / "topic_only").mkdir()
    rows = [json.loads(line) for line in (tiny / "train.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    extra = [{**r, "id": f"topic-{r['id']}", "scenario": None, "topics": ["digital_services"]}
             for r in rows if r["health_related"]][:12]
    (data / "topic_only" / "en.jsonl").write_text("".join(json.dumps(r) + "\n" for r in extra), encoding="utf-8")
    kw = dict(feature_set="cues", data_dir=data, screen=False, second_read=False)
    with_topic = train(out=tmp_path / "with", **kw)
    without = train(out=tmp_path / "without", topic_only=False, **kw)
    assert with_topic["training"]["topic_only_items"] == len(extra) == 12
    assert with_topic["training"]["topic_only_files"] == ["topic_only/en.jsonl"]
    assert without["training"]["topic_only_items"] == 0
    a, b = load_bundle(str(tmp_path / "with")).heads, load_bundle(str(tmp_path / "without")).heads
    for name in ("health", "incident", "sentiment", "severity"):
        assert np.array_equal(a[name].W, b[name].W), name
    assert not np.array_equal(a["topics"].W, b["topics"].W)
    assert with_topic["training"]["data_sha256"] != without["training"]["data_sha256"]
