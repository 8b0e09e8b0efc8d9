"""The flatline rule: a source that normally publishes goes silent → one alert; it publishes again → recovery."""

from datetime import timedelta

import pytest
from healthpulse.alerts.jobs import run_sweep
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.alerts import AlertRow
from sqlalchemy import select

from tests.support.containers import make_container

from .conftest import make_doc

RULES = """
triage:
  email: ops@health.example
rules:
  - id: silence
    type: flatline
    key: source
    window_hours: 24
    history_days: 7
    min_history_count: 5
    severity: high
"""


@pytest.fixture
def quiet(tmp_path, fclock):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    c = make_container(tmp_path, clock=fclock, index=None, rules_file=rules)
    yield c
    c.close()


def _news(doc_id, source, published):
    return make_doc(doc_id, "surgut", None, incident=False, published_at=published).model_copy(update={"source": source})


def _alerts(c):
    with c.session() as s:
        rows = s.scalars(select(AlertRow).order_by(AlertRow.id)).all()
        s.expunge_all()
    return rows


def _sweep(c, clock):
    with c.session() as s:
        return run_sweep(s, AlertsRuntime.of(c), clock.now())


def test_a_regular_source_gone_silent_alerts_once_and_recovers_when_it_publishes(quiet, fclock):
    now = fclock.now()
    quiet.pipeline.ingest_many([_news(f"daily-{d}", "Surgut Daily", now - timedelta(days=d, hours=3)) for d in range(2, 9)]
                               + [_news("once", "One-off blog", now - timedelta(days=3))])
    _sweep(quiet, fclock)
    [alert] = _alerts(quiet)
    assert (alert.rule_type, alert.state, alert.department_id) == ("flatline", "open", None)
    assert alert.details["value"] == "Surgut Daily" and alert.details["history"] == 6  # 7 days back; the one-off blog is no regular
    fclock.advance(timedelta(hours=1))
    _sweep(quiet, fclock)
    assert len(_alerts(quiet)) == 1  # still silent: no second alert
    quiet.pipeline.ingest_many([_news("daily-back", "Surgut Daily", fclock.now() - timedelta(minutes=5))])
    [alert] = _alerts(quiet)
    assert alert.state == "resolved" and alert.resolved_by == "system:recovery"


def test_a_source_that_keeps_publishing_never_flatlines(quiet, fclock):
    now = fclock.now()
    quiet.pipeline.ingest_many([_news(f"d-{h}", "Surgut Daily", now - timedelta(hours=h * 12)) for h in range(0, 15)])
    _sweep(quiet, fclock)
    assert _alerts(quiet) == []
    fclock.advance(timedelta(hours=30))  # then nothing for 30 hours: silent
    _sweep(quiet, fclock)
    assert [a.rule_type for a in _alerts(quiet)] == ["flatline"]
