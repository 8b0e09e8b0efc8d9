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


def _tiny_data_with(tmp_path, folder: str, relabel, limit: int):
    """The tiny training fixture copied to tmp_path/data, plus ``folder``/en.jsonl holding ``limit`` of its
    rows relabelled by ``relabel`` (None drops a row); returns the data folder and the added rows."""
    import json
    import shutil
    from pathlib import Path

    tiny = Path(__file__).resolve().parents[2] / "fixtures" / "nlp_tiny"
    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    (data / folder).mkdir()
    rows = [json.loads(line) for line in (tiny / "train.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    extra = [r for r in (relabel(r) for r in rows) if r is not None][:limit]
    (data / folder / "en.jsonl").write_text("".join(json.dumps(r) + "\n" for r in extra), encoding="utf-8")
    return data, extra


def test_topic_only_items_train_the_topic_head_and_nothing_else(tmp_path):
    """topic_only/ data (a topic editor's texts) reaches the topic head; every other head is trained as without it."""
    from healthpulse.nlp.training.train import train

    data, extra = _tiny_data_with(tmp_path, "topic_only", lambda r: {
        **r, "id": f"topic-{r['id']}", "scenario": None, "topics": ["digital_services"]} if r["health_related"] else None, 12)
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


def test_social_posts_train_health_severity_and_the_screen_only(tmp_path):
    """social_posts/ reaches the heads chosen for it; incident, sentiment and topics train as without it."""
    from healthpulse.nlp.training.train import POSTS_HEADS, train

    # Posts that contradict their texts' labels, so a head that reads them must move.
    data, _ = _tiny_data_with(tmp_path, "social_posts", lambda r: {
        **r, "id": f"post-{r['id']}", "scenario": None, "health_related": True, "incident": True,
        "severity": "critical", "sentiment": "positive", "topics": ["digital_services"]}, 16)
    kw = dict(feature_set="cues", data_dir=data, second_read=False, topic_only=False)
    with_posts = train(out=tmp_path / "with", **kw)
    without = train(out=tmp_path / "without", social_posts=False, **kw)
    assert with_posts["training"]["social_posts_items"] == 16 and without["training"]["social_posts_items"] == 0
    assert with_posts["training"]["social_posts_files"] == ["social_posts/en.jsonl"]
    assert set(with_posts["training"]["social_posts_heads"]) == set(POSTS_HEADS)
    a, b = load_bundle(str(tmp_path / "with")).heads, load_bundle(str(tmp_path / "without")).heads
    for name in ("incident", "sentiment", "topics", "screen_sentiment"):
        assert np.array_equal(a[name].W, b[name].W), name
    for name in ("health", "severity", "screen"):
        assert not np.array_equal(a[name].W, b[name].W), name


def test_retired_dev_sets_train_every_head_but_sentiment(tmp_path):
    """The retired dev sets (independent/dev.jsonl, second_dev/) reach every head but the sentiment heads."""
    from healthpulse.nlp.training.train import RETIRED_DEV_TONELESS, train

    # Texts labelled against their own training labels, so a head that reads them must move.
    data, _ = _tiny_data_with(tmp_path, "independent", lambda r: {
        **r, "id": f"dv-{r['id']}", "scenario": None, "health_related": not r["health_related"],
        "incident": not r["health_related"], "severity": None if r["health_related"] else "critical",
        "sentiment": "positive" if r["health_related"] else "negative",
        "topics": [] if r["health_related"] else ["digital_services"]}, 24)
    (data / "independent" / "en.jsonl").rename(data / "independent" / "dev.jsonl")
    kw = dict(feature_set="cues", data_dir=data, second_read=False, topic_only=False, social_posts=False)
    with_dev = train(out=tmp_path / "with", **kw)
    without = train(out=tmp_path / "without", retired_dev=False, **kw)
    assert with_dev["training"]["retired_dev_items"] == 24 and without["training"]["retired_dev_items"] == 0
    assert with_dev["training"]["retired_dev_files"] == ["independent/dev.jsonl"]
    assert set(with_dev["training"]["retired_dev_toneless_heads"]) == set(RETIRED_DEV_TONELESS)
    a, b = load_bundle(str(tmp_path / "with")).heads, load_bundle(str(tmp_path / "without")).heads
    for name in ("sentiment", "screen_sentiment"):
        assert np.array_equal(a[name].W, b[name].W), name
    for name in ("health", "incident", "topics", "screen"):
        assert not np.array_equal(a[name].W, b[name].W), name


def test_the_screen_reads_tone_through_its_own_features(tmp_path):
    """The screen's sentiment head is trained on, and applied to, the word-block features named in the bundle;
    its relevance head keeps the screen's own features (what the screen stops does not depend on the words)."""
    from pathlib import Path

    from healthpulse.nlp.screen import Screen
    from healthpulse.nlp.state import DocState
    from healthpulse.nlp.training.train import SCREEN_FEATURES, SCREEN_SENTIMENT_FEATURES, train

    tiny = Path(__file__).resolve().parents[2] / "fixtures" / "nlp_tiny"
    meta = train(out=tmp_path / "m", feature_set="cues", data_dir=tiny, second_read=False, topic_only=False,
                 social_posts=False)
    assert meta["screen"]["features"] == SCREEN_FEATURES
    assert meta["screen"]["sentiment_features"] == SCREEN_SENTIMENT_FEATURES
    bundle = load_bundle(str(tmp_path / "m"))
    screen = Screen.from_bundle(bundle)
    assert screen is not None and screen.tone is not None
    assert bundle.heads["screen_sentiment"].W.shape[0] == screen.tone.build(["t"], ["x"]).X.shape[1]
    assert bundle.heads["screen"].W.shape[0] == screen.builder.build(["t"], ["x"]).X.shape[1]
    assert screen.tone.build(["t"], ["x"]).X.shape[1] > screen.builder.build(["t"], ["x"]).X.shape[1]
    screen.threshold, screen.tone_min = 2.0, 0.0  # stop everything, so every state gets the screen's sentiment
    states = [DocState(title=None, body="The football club lost its third match in a row; fans are furious."),
              DocState(title=None, body="A wonderful sunny weekend brought record crowds to the city's new park.")]
    screen.apply(states)
    assert all(s.screened_out and s.sentiment and s.sentiment[0] in bundle.heads["screen_sentiment"].classes
               for s in states)
    # a bundle from before the screen had its own tone features reads the relevance features for both heads
    del bundle.meta["screen"]["sentiment_features"], bundle.meta["screen"]["tone_min"]
    old = Screen.from_bundle(bundle)
    assert old is not None and old.tone is None and old.tone_min == 0.0
    width = old.builder.build(["t"], ["x"]).X.shape[1]
    old.sentiment.W = np.zeros((width, len(old.sentiment.classes)), np.float32)
    old.sentiment.b = np.zeros(len(old.sentiment.classes), np.float32)
    kept = [DocState(title=None, body="Traffic jams again on the ring road this morning.")]
    old.threshold = 2.0
    old.apply(kept)
    assert kept[0].screened_out and kept[0].sentiment is not None


def test_the_screen_does_not_stop_a_text_whose_tone_it_is_unsure_of(tmp_path):
    """Below the bundle's ``tone_min`` the screen's sentiment head is not trusted: the text is read in full."""
    from pathlib import Path

    from healthpulse.nlp.screen import Screen
    from healthpulse.nlp.state import DocState
    from healthpulse.nlp.training.train import SCREEN_TONE_MIN, train

    tiny = Path(__file__).resolve().parents[2] / "fixtures" / "nlp_tiny"
    meta = train(out=tmp_path / "m", feature_set="cues", data_dir=tiny, second_read=False, topic_only=False,
                 social_posts=False)
    assert meta["screen"]["tone_min"] == SCREEN_TONE_MIN > 0
    screen = Screen.from_bundle(load_bundle(str(tmp_path / "m")))
    assert screen is not None and screen.tone_min == SCREEN_TONE_MIN
    screen.threshold = 2.0  # every text is one the screen would stop
    body = "The football club lost its third match in a row; fans are furious."
    sure, unsure = DocState(title=None, body=body), DocState(title=None, body=body)
    screen.tone_min = 0.0
    screen.apply([sure])
    confidence = sure.sentiment[1] if sure.sentiment else 0.0
    assert sure.screened_out and 0 < confidence < 1
    screen.tone_min = confidence + 1e-6  # the same text, now just under the cut
    screen.apply([unsure])
    assert not unsure.screened_out and unsure.sentiment is None and unsure.health_score is None
    assert "screen" not in unsure.components
