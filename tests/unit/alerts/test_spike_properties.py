"""Property tests of the spike maths on event time: the order documents arrive in does not matter.

Random series (Poisson-ish noise over three weeks, sometimes a burst) with event times in random
order: one batch in any order, or a live day-by-day feed, finds exactly the episodes the pure
maths (``spike_math.episodes``) finds over the final counts; a bucket's verdict depends only on it
and the buckets before it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import count

from healthpulse.alerts.rules.base import RuleContext
from healthpulse.alerts.rules.spike import SpikeRule, SpikeRuleConfig
from healthpulse.alerts.rules.spike_math import SpikeParams, bucket_index, episodes, verdict
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.models import Base
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.support.alerts import analysed_document

DAY0 = datetime(2026, 2, 2, tzinfo=UTC)
PARAMS = SpikeParams(bucket_hours=24, min_count=4, alpha=0.001, ewma_alpha=0.3, min_history=5, min_rate=0.5)
RULE = SpikeRuleConfig(id="s", type="spike", bucket_hours=24, min_count=4, alpha=0.001, ewma_alpha=0.3,
                       min_history=5, min_rate=0.5)

event_times = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=40)
bursts = st.lists(st.tuples(st.integers(5, 20), st.integers(0, 12)), max_size=2)


def _series(noise, burst_list) -> list[datetime]:
    times = [DAY0 + timedelta(days=d, hours=h, minutes=m) for d, h, m in noise]
    for day, size in burst_list:
        times += [DAY0 + timedelta(days=day, hours=8, minutes=7 * i) for i in range(size)]
    return times


def _docs(times):
    return [analysed_document(f"d{i}", "surgut", None, incident=False, topic="drug_supply", published_at=t)
            for i, t in enumerate(times)]


def _fired_buckets(feeds: list[tuple[datetime, list]]) -> set[int]:
    """Run the rule over ``feeds`` ((clock, documents) pairs) in a fresh database; the buckets it fired on."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    rule, ids, fired = SpikeRule(RULE), count(1), set()
    with Session(engine) as s:
        for now, docs in feeds:
            ctx = RuleContext(s, now, DepartmentsFile())
            for f in rule.tick(ctx) + rule.evaluate(ctx, docs):
                if f.kind == "fire" and f.alert_id is None:
                    fired.add(bucket_index(f.event_start, 24))
                    f.on_alert(next(ids))
    engine.dispose()
    return fired


def _expected(times) -> set[int]:
    counts: dict[int, int] = {}
    for t in times:
        counts[bucket_index(t, 24)] = counts.get(bucket_index(t, 24), 0) + 1
    return {start for start, _ in episodes(counts, min(counts), max(counts), PARAMS)}


@settings(max_examples=25, deadline=None)
@given(event_times, bursts, st.randoms(use_true_random=False))
def test_one_batch_in_any_order_finds_the_episodes_of_the_final_counts(noise, burst_list, rnd):
    times = _series(noise, burst_list)
    docs = _docs(times)
    rnd.shuffle(docs)
    end = max(times) + timedelta(minutes=1)
    assert _fired_buckets([(end, docs)]) == _expected(times)


@settings(max_examples=15, deadline=None)
@given(event_times, bursts, st.randoms(use_true_random=False))
def test_a_live_day_by_day_feed_finds_the_same_episodes(noise, burst_list, rnd):
    times = _series(noise, burst_list)
    docs = _docs(times)
    feeds = []
    for day in sorted({bucket_index(t, 24) for t in times}):
        todays = [d for d in docs if bucket_index(d.published_at, 24) == day]
        rnd.shuffle(todays)
        feeds.append((max(d.published_at for d in todays) + timedelta(minutes=1), todays))
    assert _fired_buckets(feeds) == _expected(times)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(0, 30), st.integers(0, 15), min_size=1), st.integers(0, 30),
       st.dictionaries(st.integers(0, 30), st.integers(0, 15)), st.integers(0, 10))
def test_a_verdict_reads_only_its_bucket_and_the_ones_before(counts, b, later, more):
    first = min(counts)
    changed = {**counts, **{k: v for k, v in later.items() if k > b}}
    assert verdict(changed, b, first, PARAMS) == verdict(counts, b, first, PARAMS)
    # More documents in a bucket never turn an anomaly into a normal bucket.
    if verdict(counts, b, first, PARAMS).anomalous:
        assert verdict({**counts, b: counts.get(b, 0) + more}, b, first, PARAMS).anomalous


def test_shuffled_event_times_give_the_same_counts_and_verdicts():
    rnd = random.Random(5)
    times = _series([(d, rnd.randrange(24), 0) for d in range(20) for _ in range(rnd.randrange(3))], [(18, 9)])
    assert _expected(times) == _expected(list(reversed(times))) == {bucket_index(DAY0 + timedelta(days=18), 24)}
