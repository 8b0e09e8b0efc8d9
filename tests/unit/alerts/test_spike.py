"""The spike rule: EWMA-Poisson baseline per topic × department, fires once, then recovers."""

import math

import pytest
from healthpulse.alerts.jobs import run_sweep
from healthpulse.alerts.rules.spike import poisson_sf
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.alerts import AlertRow, NotificationRow
from healthpulse.core.testing import make_container
from sqlalchemy import select

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
