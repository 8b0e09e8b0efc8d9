"""ingest: store + index through the outbox + hooks, with a real FTS5 index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore
from healthpulse.core.models.documents import DocumentRow, IndexOutboxRow
from healthpulse.indexes.base import IndexUnavailable
from healthpulse.indexes.query import SearchQuery
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex
from sqlalchemy import func, select

from tests.support.containers import make_container


class SwitchableIndex:
    """Fault injection around the real FTS5 index: ``down=True`` makes it unreachable."""

    def __init__(self, inner):
        self.inner = inner
        self.down = False
        self.name = inner.name

    def __getattr__(self, item):
        return getattr(self.inner, item)

    def upsert(self, docs):
        if self.down:
            raise IndexUnavailable("connection refused (test: node down)")
        return self.inner.upsert(docs)


def analysed(doc_id: str, text: str, **kw) -> Document:
    a = Analysis(language=kw.pop("lang", "en"), sentiment=Sentiment(label="negative", score=0.9),
                 topics=[TopicScore(id="drug_supply", score=0.8)], department=kw.pop("department", "surgut"),
                 health_related=True, incident=True, severity="high", components=["test"])
    return Document(id=doc_id, text=text, analysis=a, **kw)


@pytest.fixture
def flaky(tmp_path, clock):
    idx = SwitchableIndex(SqliteFtsIndex(tmp_path / "search.db"))
    c = make_container(tmp_path, clock=clock, index=idx)
    idx.inner.ensure_ready()
    yield c, idx
    c.close()


def outbox_count(c) -> int:
    with c.session() as s:
        return s.scalar(select(func.count()).select_from(IndexOutboxRow))


def test_ingest_stores_indexes_and_is_idempotent(flaky):
    c, idx = flaky
    r = c.pipeline.ingest(analysed("ext-1", "Insulin shortage in Surgut pharmacies", title="Insulin"))
    assert r.created and r.changed
    assert idx.search(SearchQuery(text="insulin")).total == 1
    again = c.pipeline.ingest(analysed("ext-1", "Insulin shortage in Surgut pharmacies", title="Insulin"))
    assert not again.created and not again.changed
    with c.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 1
        row = s.get(DocumentRow, "ext-1")
        assert row.department == "surgut" and row.incident is True and row.sentiment == "negative"
    assert idx.count() == 1 and outbox_count(c) == 0


def test_index_down_keeps_documents_and_indexes_them_later(flaky, clock):
    c, idx = flaky
    idx.down = True
    for i in range(5):
        c.pipeline.ingest(analysed(f"d{i}", f"ambulance delay number {i}"))
    assert c.pipeline.count_documents() == 5  # the source of truth has them all
    assert idx.count() == 0 and outbox_count(c) == 5
    idx.down = False
    assert c.pipeline.drain_outbox() == 0  # backoff: not due yet
    clock.advance(minutes=10)
    assert c.pipeline.drain_outbox() == 5
    assert idx.count() == 5 and outbox_count(c) == 0
    assert idx.search(SearchQuery(text="ambulance")).total == 5


def test_backoff_grows_while_the_index_stays_down(flaky, clock):
    c, idx = flaky
    idx.down = True
    c.pipeline.ingest(analysed("x", "text"))
    delays = []
    for _ in range(3):
        with c.session() as s:
            row = s.scalars(select(IndexOutboxRow)).one()
            delays.append(row.next_attempt_at - clock.now())
        clock.advance(delays[-1] + timedelta(seconds=1))
        c.pipeline.drain_outbox()
    assert delays[0] < delays[1] < delays[2]


def test_updated_document_is_reindexed(flaky):
    c, idx = flaky
    c.pipeline.ingest(analysed("u1", "first version about measles"))
    c.pipeline.ingest(analysed("u1", "second version about dengue"))
    assert idx.search(SearchQuery(text="dengue")).total == 1
    assert idx.search(SearchQuery(text="measles")).total == 0


class RecordingHook:
    def __init__(self, container):
        self.seen: list[str] = []
        self.fail_next = False

    def on_ingested(self, session, stored):
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("hook exploded")
        self.seen += [sd.document.id for sd in stored]


def test_hooks_see_changed_documents_and_a_failed_hook_is_retried(flaky):
    c, idx = flaky
    hook = RecordingHook(c)
    c.__dict__["hooks"] = [hook]
    c.pipeline.ingest(analysed("h1", "a"))
    c.pipeline.ingest(analysed("h1", "a"))  # unchanged: no second call
    assert hook.seen == ["h1"]
    hook.fail_next = True
    c.pipeline.ingest(analysed("h2", "b"))
    assert hook.seen == ["h1"]
    assert c.pipeline.count_documents() == 2  # the document is stored even though the hook failed
    c.worker.run_until_idle()
    assert hook.seen == ["h1", "h2"]


def test_reindex_rebuilds_from_the_database(flaky):
    c, idx = flaky
    for i in range(3):
        c.pipeline.ingest(analysed(f"r{i}", f"clinic queue {i}", channel=Channel.HOTLINE))
    idx.inner.rebuild([])
    assert idx.count() == 0
    assert c.pipeline.reindex() == 3
    assert idx.search(SearchQuery(text="clinic", channels=["hotline"])).total == 3


def test_document_without_analyzer_is_stored_without_made_up_fields(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, analyzer=None)
    r = c.pipeline.ingest(Document(id="plain", text="no analyzer configured"))
    assert r.analysis is None
    with c.session() as s:
        row = s.get(DocumentRow, "plain")
        assert row.analysis is None and row.sentiment is None and row.incident is None
    c.close()


class TicketTouchingHook:
    """A post-ingest stage that escalates a ticket; on its first run staff change that ticket meanwhile."""

    def __init__(self, container, ticket_id):
        self.c, self.ticket_id, self.runs = container, ticket_id, 0

    def on_ingested(self, session, stored):
        from healthpulse.alerts.tickets import lifecycle
        from healthpulse.core.models.tickets import TicketRow

        self.runs += 1
        t = session.get(TicketRow, self.ticket_id)
        if self.runs == 1:  # another process commits a state change after this stage read the ticket
            with self.c.session() as other:
                lifecycle.assign(other, other.get(TicketRow, self.ticket_id), "officer", "officer", self.c.clock.now())
        lifecycle.raise_severity(session, t, "critical", 4, self.c.clock.now())


def test_a_stage_that_lost_a_ticket_race_runs_again_at_once(flaky):
    """Issue 17.2: the ticket's version refuses the stale write (StaleDataError); the stage reruns, nothing is lost."""
    from healthpulse.alerts.tickets import lifecycle
    from healthpulse.core.models.documents import JobRow
    from healthpulse.core.models.tickets import TicketRow

    c, _idx = flaky
    with c.session() as s:
        tid = lifecycle.open_ticket(s, origin="alert", severity="low", title="t", now=c.clock.now(), sla_hours=48).id
    hook = TicketTouchingHook(c, tid)
    c.__dict__["hooks"] = [hook]
    c.pipeline.ingest(analysed("race", "insulin"))
    assert hook.runs == 2
    with c.session() as s:
        t = s.get(TicketRow, tid)
        assert (t.assignee, t.severity, t.version) == ("officer", "critical", 3)  # both changes kept
        assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "pipeline.post_ingest")) == 0
