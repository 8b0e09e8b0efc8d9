"""Alerts on event time (issue 21): spikes and grouping follow when things were published, not processed.

The issue's series (16 quiet days with a shortage report every third day, then 9 reports in ten
hours) ingested in one go, out of order, day by day, as a backfill of the past, and again.
"""

import random
from datetime import timedelta

import pytest
from healthpulse.alerts import service
from healthpulse.alerts.engine import process_documents
from healthpulse.alerts.jobs import run_sweep
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow, NotificationRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import func, select

from tests.support.alerts import SERIES_NOW, shortage_series
from tests.support.containers import make_container

pytestmark = pytest.mark.integration


@pytest.fixture
def make(tmp_path, fclock):
    made = []

    def build(name: str, **kw):
        (tmp_path / name).mkdir()
        c = make_container(tmp_path / name, clock=fclock if not made else kw.pop("clock", fclock), index=None, **kw)
        made.append(c)
        return c

    yield build
    for c in made:
        c.close()


def _alerts(c, rule_type=None):
    with c.session() as s:
        q = select(AlertRow).order_by(AlertRow.id)
        if rule_type:
            q = q.where(AlertRow.rule_type == rule_type)
        rows = s.scalars(q).all()
        docs = {a.id: frozenset(s.scalars(select(AlertDocumentRow.document_id)
                                          .where(AlertDocumentRow.alert_id == a.id))) for a in rows}
        s.expunge_all()
    return rows, docs


def _identity(c):
    """What was alerted, independent of when it was processed: rule, department, topic, documents."""
    rows, docs = _alerts(c)
    return sorted((a.rule_id, a.department_id, a.topic, tuple(sorted(docs[a.id]))) for a in rows)


def _notifications(c):
    with c.session() as s:
        return s.scalar(select(func.count()).select_from(NotificationRow))


def test_series_in_one_batch_raises_exactly_one_fresh_spike(make, fclock):
    fclock.set(SERIES_NOW)
    c = make("batch")
    c.pipeline.ingest_many(shortage_series())
    spikes, docs = _alerts(c, "spike")
    assert [(a.department_id, a.topic, a.state) for a in spikes] == [("surgut", "drug_supply", "open")]
    assert docs[spikes[0].id] == {f"series-burst-{i:02d}" for i in range(1, 10)}  # the quiet days: no spike
    assert spikes[0].event_start == SERIES_NOW.replace(hour=0) and spikes[0].details["count"] == 9
    # Incidents group on event time: the quiet reports, days apart, stay apart; those older than the
    # freshness window (48 h) are on record only; the report of yesterday joins the burst.
    incidents, idocs = _alerts(c, "incident")
    assert len(incidents) == 6
    past = [a for a in incidents if a.state == "past"]
    assert sorted(d for a in past for d in idocs[a.id]) == [f"series-quiet-0{i}" for i in range(1, 6)]
    [fresh] = [a for a in incidents if a.state == "open"]
    assert "series-quiet-06" in idocs[fresh.id] and len(idocs[fresh.id]) == 10
    with c.session() as s:
        noticed = set(s.scalars(select(NotificationRow.alert_id)))
        ticketed = set(s.scalars(select(TicketRow.alert_id)))
    assert noticed == ticketed == {spikes[0].id, fresh.id}


def test_out_of_order_in_one_batch_gives_the_alerts_of_a_day_by_day_feed(make, fclock):
    docs = shortage_series()
    by_day = sorted(docs, key=lambda d: d.published_at)
    live = make("live")
    rt = AlertsRuntime.of(live)
    for day in sorted({d.published_at.date() for d in by_day}):
        todays = [d for d in by_day if d.published_at.date() == day]
        fclock.set(max(d.published_at for d in todays) + timedelta(minutes=5))
        live.pipeline.ingest_many(todays)
        with live.session() as s:
            run_sweep(s, rt, fclock.now())
    fclock.set(SERIES_NOW)
    shuffled = docs[:]
    random.Random(21).shuffle(shuffled)
    batch = make("batch")
    batch.pipeline.ingest_many(shuffled)
    assert _identity(batch) == _identity(live)
    assert [a.topic for a in _alerts(batch, "spike")[0]] == ["drug_supply"]


def test_backfill_older_than_freshness_is_a_past_episode_and_sends_nothing(wired, smtp_server, fclock):
    fclock.set(SERIES_NOW)
    wired.pipeline.ingest_many(shortage_series(shift=-timedelta(days=10)))
    wired.worker.run_until_idle()
    spikes, _ = _alerts(wired, "spike")
    assert [(a.department_id, a.topic, a.state) for a in spikes] == [("surgut", "drug_supply", "past")]
    assert {a.state for a in _alerts(wired)[0]} == {"past"}
    assert _notifications(wired) == 0 and smtp_server.messages == []
    with wired.session() as s:
        assert s.scalar(select(func.count()).select_from(TicketRow)) == 0
        listed, _ = service.list_alerts(s)
        with_past, _ = service.list_alerts(s, include_past=True)
        raised = service.kpis(s, "surgut", SERIES_NOW - timedelta(days=30), SERIES_NOW + timedelta(days=1))
    assert listed == [] and spikes[0].id in {a["id"] for a in with_past}
    assert raised["alerts_raised"] == 0 and raised["tickets_created"] == 0
    # The sweep ends the past episode (the next bucket is not anomalous) without telling anyone.
    fclock.advance(timedelta(hours=1))
    with wired.session() as s:
        run_sweep(s, AlertsRuntime.of(wired), fclock.now())
    wired.worker.run_until_idle()
    assert _notifications(wired) == 0 and smtp_server.messages == []


def test_re_ingesting_the_same_documents_never_fires_twice(make, fclock):
    fclock.set(SERIES_NOW)
    c = make("again")
    docs = shortage_series()
    c.pipeline.ingest_many(docs)
    before, sent = _identity(c), _notifications(c)
    rt = AlertsRuntime.of(c)
    fclock.advance(timedelta(minutes=30))
    with c.session() as s:  # the rules run over the very same documents again (a retried stage, a re-import)
        process_documents(s, rt, docs, fclock.now())
    c.pipeline.ingest_many([d.model_copy(update={"title": d.title + " (updated)"}) for d in docs])
    assert _identity(c) == before and _notifications(c) == sent


def test_a_late_document_joins_the_bucket_it_belongs_to(make, fclock):
    fclock.set(SERIES_NOW)
    c = make("late")
    docs = shortage_series()
    c.pipeline.ingest_many(docs)
    [spike], _ = _alerts(c, "spike")
    fclock.advance(timedelta(hours=3))  # a delayed feed: published during the burst, arriving three hours later
    late = docs[-1].model_copy(update={"id": "series-late", "published_at": SERIES_NOW - timedelta(hours=2)})
    c.pipeline.ingest_many([late])
    spikes, sdocs = _alerts(c, "spike")
    assert [a.id for a in spikes] == [spike.id] and "series-late" in sdocs[spike.id]


@pytest.mark.slow
def test_done_when_the_series_through_the_real_analyzer_raises_one_fresh_spike(make, fclock):
    """Issue 21's "done when": the series, analysed by the bundled NLP and ingested in one batch with the
    default rules, raises exactly one fresh spike alert for Surgut × drug_supply and none for the quiet days."""
    fclock.set(SERIES_NOW)
    c = make("nlp", analyzer="auto")
    results = c.pipeline.ingest_many(shortage_series(analysed=False))
    assert all(r.analysis.department == "surgut" and "drug_supply" in r.analysis.topic_ids for r in results)
    spikes, docs = _alerts(c, "spike")
    assert [(a.department_id, a.topic, a.state) for a in spikes] == [("surgut", "drug_supply", "open")]
    assert all(d.startswith("series-burst-") for d in docs[spikes[0].id])
    assert spikes[0].event_start == SERIES_NOW.replace(hour=0)


def test_an_episode_spans_anomalous_buckets_and_ends_at_the_first_normal_finished_one(make, fclock):
    fclock.set(SERIES_NOW)
    c = make("episode")
    docs = shortage_series()
    c.pipeline.ingest_many(docs)
    [spike], _ = _alerts(c, "spike")
    day2 = SERIES_NOW + timedelta(hours=14)  # the next day's bucket: the shortage goes on
    fclock.set(day2 + timedelta(hours=1))
    c.pipeline.ingest_many([docs[-1].model_copy(update={"id": f"day2-{i}", "published_at": day2 + timedelta(minutes=i)})
                            for i in range(8)])
    spikes, sdocs = _alerts(c, "spike")
    assert [a.id for a in spikes] == [spike.id] and {f"day2-{i}" for i in range(8)} <= sdocs[spike.id]
    rt = AlertsRuntime.of(c)
    fclock.set(SERIES_NOW.replace(hour=0) + timedelta(days=2, minutes=30))  # day 2 finished, anomalous: goes on
    with c.session() as s:
        assert run_sweep(s, rt, fclock.now())["recovered"] == []
    fclock.advance(timedelta(days=1))  # day 3 finished with nothing: the episode is over
    with c.session() as s:
        assert run_sweep(s, rt, fclock.now())["recovered"] == [spike.id]
        events = [n.event for n in s.scalars(select(NotificationRow).where(NotificationRow.alert_id == spike.id,
                                                                            NotificationRow.channel == "email"))]
    assert events.count("alert") == 1 and events[-1] == "recovery"
