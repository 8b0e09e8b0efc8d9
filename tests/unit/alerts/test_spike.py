"""The spike rule: EWMA-Poisson baseline per topic × department, fires once, then recovers."""

import math

import pytest
from healthpulse.alerts.jobs import run_sweep
from healthpulse.alerts.rules.spike import poisson_sf
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.alerts import AlertRow, NotificationRow
from sqlalchemy import select

from tests.support.containers import make_container

from .conftest import hours, make_doc

RULES = """
rules:
  - id: spike
    type: spike
    bucket_hours: 24
    min_count: 4
    alpha: 0.001
    ewma_alpha: 0.3
    min_history: 5
    negative_only: true
    severity: high
"""


@pytest.fixture
def spiky(tmp_path, fclock):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    c = make_container(tmp_path, clock=fclock, index=None, rules_file=rules)
    yield c
    c.close()


def test_poisson_tail():
    assert poisson_sf(0, 2.0) == 1.0
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2))
    assert poisson_sf(10, 1.0) < 1e-6


def _day(c, clock, n, prefix, **kw):
    c.pipeline.ingest_many([make_doc(f"{prefix}-{i}", "surgut", None, incident=False, topic="drug_supply", **kw)
                            for i in range(n)])
    clock.advance(hours(24))


def _alerts(c):
    with c.session() as s:
        return s.scalars(select(AlertRow).order_by(AlertRow.id)).all()


def test_no_alert_without_enough_history(spiky, fclock):
    _day(spiky, fclock, 12, "d0")
    assert _alerts(spiky) == []


def test_fires_once_then_recovers(spiky, fclock):
    for d in range(6):  # baseline ≈ 1 per day
        _day(spiky, fclock, 1, f"base{d}")
    assert _alerts(spiky) == []
    spiky.pipeline.ingest_many([make_doc(f"burst-{i}", "surgut", None, incident=False, topic="drug_supply")
                                for i in range(8)])
    alerts = _alerts(spiky)
    assert len(alerts) == 1 and alerts[0].rule_type == "spike" and alerts[0].department_id == "surgut"
    assert alerts[0].details["count"] >= 4 and alerts[0].document_count >= 4
    spiky.pipeline.ingest_many([make_doc(f"burst2-{i}", "surgut", None, incident=False, topic="drug_supply")
                                for i in range(5)])
    assert len(_alerts(spiky)) == 1  # fires once per episode
    fclock.advance(hours(24))
    _day(spiky, fclock, 1, "calm")      # the next full bucket is back to normal
    rt = AlertsRuntime.of(spiky)
    with spiky.session() as s:
        out = run_sweep(s, rt, fclock.now())
    assert out["recovered"] == [alerts[0].id]
    with spiky.session() as s:
        assert s.get(AlertRow, alerts[0].id).state == "resolved"
        events = [n.event for n in s.scalars(select(NotificationRow).where(NotificationRow.channel == "email"))]
    assert events == ["alert", "breach", "recovery"]  # its ticket (high, 24 h) also passed its deadline


def test_positive_volume_is_ignored_when_negative_only(spiky, fclock):
    for d in range(6):
        _day(spiky, fclock, 1, f"b{d}")
    spiky.pipeline.ingest_many([make_doc(f"p-{i}", "surgut", None, incident=False, topic="drug_supply",
                                         sentiment="positive") for i in range(10)])
    assert _alerts(spiky) == []


def test_a_busy_series_needs_more_to_spike(spiky, fclock):
    for d in range(6):  # baseline ≈ 10 per day
        _day(spiky, fclock, 10, f"busy{d}")
    spiky.pipeline.ingest_many([make_doc(f"x-{i}", "surgut", None, incident=False, topic="drug_supply") for i in range(14)])
    assert _alerts(spiky) == []  # 14 vs 10: not anomalous
    spiky.pipeline.ingest_many([make_doc(f"y-{i}", "surgut", None, incident=False, topic="drug_supply") for i in range(12)])
    assert len(_alerts(spiky)) == 1  # 26 vs 10: a spike


def test_quiet_noise_does_not_fire_but_a_burst_does(tmp_path):
    """60 days of Poisson(3) noise (fixed seed): no false alarm; a day of 15 fires once, then recovers."""
    import random
    from datetime import UTC, datetime, timedelta

    from healthpulse.alerts.rules.base import RuleContext
    from healthpulse.alerts.rules.spike import SpikeRule, SpikeRuleConfig
    from healthpulse.core.departments import DepartmentsFile
    from healthpulse.core.models import Base
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    Base.metadata.create_all(engine)
    rule = SpikeRule(SpikeRuleConfig(id="s", type="spike", min_count=5, min_history=7))
    rng = random.Random(7)

    def poisson(lam):
        k, p, limit = 0, 1.0, math.exp(-lam)
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    day0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
    fired, recovered, n = [], [], 0
    counts = [poisson(3.0) for _ in range(60)] + [15] + [poisson(3.0) for _ in range(3)]
    with Session(engine) as s:
        for d, count in enumerate(counts):
            ctx = RuleContext(s, day0 + timedelta(days=d), DepartmentsFile())
            for f in rule.tick(ctx):
                recovered.append((d, f.alert_id))
            docs = []
            for _ in range(count):
                n += 1
                docs.append(make_doc(f"d{n}", "surgut", None, incident=False, topic="drug_supply"))
            for f in rule.evaluate(ctx, docs):
                fired.append(d)
                f.on_alert(1000 + d)
    assert fired == [60]
    assert recovered == [(62, 1060)]
