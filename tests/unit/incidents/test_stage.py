"""Ingest → incident stage, through the real pipeline (documents come analysed, with vectors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Channel
from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from sqlalchemy import select

from tests.support.alerts import analysed_document
from tests.support.containers import make_container

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def hp(tmp_path):
    c = make_container(tmp_path, clock=FakeClock(T0 + timedelta(hours=31)), index=None)
    yield c
    c.close()


def _vector(seed: int, noise: float = 0.0, base: int | None = None) -> list[float]:
    """A unit vector; the same ``base`` with a little ``noise`` gives a near neighbour."""
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=32) + noise * rng.normal(size=32)
    return (v / np.linalg.norm(v)).tolist()


def _doc(doc_id, vector, *, department="surgut", topic="drug_supply", hours=0.0, incident=True,
         sentiment="negative", channel=Channel.NEWS, language="ru"):
    d = analysed_document(doc_id, department, "high", topic=topic, incident=incident, sentiment=sentiment,
                          channel=channel, language=language, published_at=T0 + timedelta(hours=hours))
    assert d.analysis is not None
    return d.model_copy(update={"analysis": d.analysis.model_copy(update={"embedding": vector})})


def _members(hp) -> dict[int, list[str]]:
    with hp.session() as s:
        out: dict[int, list[str]] = {}
        for row in s.scalars(select(IncidentDocumentRow).order_by(IncidentDocumentRow.document_id)):
            out.setdefault(row.incident_id, []).append(row.document_id)
        return out


def test_reports_of_one_event_across_channels_and_languages_become_one_incident(hp):
    hp.pipeline.ingest_many([
        _doc("post-ru", _vector(1, 0.0, base=7)),
        _doc("call-ru", _vector(2, 0.3, base=7), channel=Channel.HOTLINE, hours=3),
        _doc("news-en", _vector(3, 0.3, base=7), language="en", hours=20),
        _doc("other-city", _vector(4, 0.3, base=7), department="nizhnevartovsk", hours=1),
        _doc("unrelated", _vector(99), hours=2),
    ])
    groups = sorted(_members(hp).values())
    assert ["call-ru", "news-en", "post-ru"] in groups
    assert ["other-city"] in groups and ["unrelated"] in groups  # a different department never joins
    with hp.session() as s:
        call = s.get(IncidentDocumentRow, "call-ru")
        assert call is not None and call.linked_by == "merge"
        assert call.signals["department"] is True and call.signals["topics"] == ["drug_supply"]
        assert call.signals["cosine"] > 0.8 and call.score is not None and call.score >= call.signals["threshold"]
        incident = s.get(IncidentRow, call.incident_id)
        assert incident is not None and incident.first_seen_at == T0
        assert incident.last_seen_at == T0 + timedelta(hours=20)


def test_a_report_placed_in_no_department_neither_joins_nor_is_joined(hp):
    """Same words, same topic, same hour: without a department the reports could be from any country
    (the demo merged a Cairo post, a Saigon post and a Khanty-Mansiysk appeal), so each stays its own."""
    hp.pipeline.ingest_many([
        _doc("placed", _vector(1, 0.0, base=7)),
        _doc("nowhere-1", _vector(2, 0.05, base=7), department=None, hours=1),
        _doc("nowhere-2", _vector(3, 0.05, base=7), department=None, language="ar", hours=2),
        _doc("placed-later", _vector(4, 0.05, base=7), hours=3),
    ])
    groups = sorted(_members(hp).values())
    assert groups == [["nowhere-1"], ["nowhere-2"], ["placed", "placed-later"]]


def test_outside_the_time_window_a_report_opens_a_new_incident(hp):
    hp.pipeline.ingest(_doc("first", _vector(1, 0.0, base=7)))
    hp.pipeline.ingest(_doc("weeks-later", _vector(2, 0.1, base=7), hours=24 * 30))
    assert len(_members(hp)) == 2


def test_a_follow_up_joins_but_never_opens_and_reingest_changes_nothing(hp):
    resolved = _doc("resolved", _vector(5, 0.2, base=7), incident=False, sentiment="positive", hours=48)
    hp.pipeline.ingest(resolved)  # nothing open yet: a resolution opens no incident
    assert _members(hp) == {}
    hp.pipeline.ingest(_doc("report", _vector(1, 0.0, base=7)))
    hp.pipeline.ingest(resolved.model_copy(update={"id": "resolved-2"}))
    hp.pipeline.ingest(_doc("report", _vector(1, 0.0, base=7)))  # re-ingested: stays where it is
    assert sorted(_members(hp).values()) == [["report", "resolved-2"]]


def _tickets(hp):
    from healthpulse.alerts import service

    with hp.session() as s:
        return service.list_tickets(s, sort="id")[0]


def test_second_report_of_an_incident_joins_its_open_ticket_instead_of_opening_another(hp):
    """Different topics (the analyzer's primary topic of each report): alert grouping alone would open a second ticket."""
    hp.pipeline.ingest(_doc("post", _vector(1, 0.0, base=7), topic="drug_supply"))
    hp.pipeline.ingest(_doc("news", _vector(2, 0.05, base=7), topic="staff_conduct", hours=30, language="en"))
    hp.pipeline.ingest(_doc("other", _vector(99), topic="waiting_times", hours=30))
    tickets = _tickets(hp)
    assert len(tickets) == 2
    assert sorted(tickets[0]["document_ids"]) == ["news", "post"]
    from healthpulse.core.models.tickets import TicketEventRow

    with hp.session() as s:
        events = [(e.action, e.new_value) for e in s.scalars(select(TicketEventRow)
                                                              .where(TicketEventRow.ticket_id == tickets[0]["id"]))]
    assert ("incident_joined", f"#{_members_of(hp, 'post')}: news") in events


def test_a_citizens_appeal_keeps_its_own_ticket_but_joins_the_incident(hp):
    from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, link_document

    hp.pipeline.ingest(_doc("post", _vector(1, 0.0, base=7)))
    with hp.session() as s:
        appeal = create_appeal(s, channel=Channel.TEXT_APPEAL, now=hp.clock.now(), language="ru",
                               department_id="surgut", contact_phone="+7 900 000 00 00", consent=True)
        appeal_doc = appeal_document_id(appeal)
        link_document(appeal, appeal_doc)
    hp.pipeline.ingest(_doc(appeal_doc, _vector(3, 0.2, base=7), channel=Channel.TEXT_APPEAL, hours=2))
    tickets = _tickets(hp)
    origins = sorted(t["origin"] for t in tickets)
    assert origins == ["alert", "appeal"]
    assert _members_of(hp, appeal_doc) == _members_of(hp, "post")


def _members_of(hp, doc_id: str) -> int | None:
    with hp.session() as s:
        row = s.get(IncidentDocumentRow, doc_id)
        return row.incident_id if row is not None else None


def test_merging_a_batch_reads_the_database_a_fixed_number_of_times(hp):
    """One read each of the documents already placed, of the open incidents near the batch (their revisions,
    then those not held whole), of their members and of the members' vectors, and of the rows of the stored
    incidents joined, whatever the batch's size (benchmarks/scale.py: per-document reads were 41 % of ingest)."""
    from healthpulse.core.db import transaction
    from healthpulse.incidents.stage import merge_documents, merge_settings
    from healthpulse.ingest.store import upsert_documents
    from sqlalchemy import event

    hp.pipeline.ingest_many([_doc("old", _vector(1, 0.0, base=7))])  # an open incident the batches may join

    def selects(n: int, prefix: str) -> tuple[int, dict[str, int]]:
        docs = [_doc(f"{prefix}{i}", _vector(100 + i, 0.3, base=7 if i % 2 else 100 + i), hours=1 + i) for i in range(n)]
        seen: list[str] = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731 - (conn, cursor, statement, …)
        with transaction(hp.session_factory) as s:
            upsert_documents(s, docs, hp.clock.now())  # stored, as the pipeline does before its stages
            s.flush()
            event.listen(hp.engine, "before_cursor_execute", listener)
            try:
                placed = merge_documents(s, docs, merge_settings(hp), hp.clock.now())
            finally:
                event.remove(hp.engine, "before_cursor_execute", listener)
        return sum(1 for q in seen if q.lstrip().upper().startswith("SELECT")), placed

    small, placed_small = selects(4, "a")
    large, placed_large = selects(40, "b")
    assert small == large <= 6
    # the near copies of "old" joined its incident; every other one opened its own
    with hp.session() as s:
        old = s.get(IncidentDocumentRow, "old")
        assert old is not None
    assert {d for d, inc in placed_large.items() if inc == old.incident_id} == {f"b{i}" for i in range(1, 40, 2)}
    assert len(set(placed_large.values())) == 1 + 20 and len(placed_small) == 4



def test_an_incident_is_scored_on_its_latest_members_only(hp):
    """A long-running incident's latest MEMBERS_READ reports stand for it when a document is scored against
    it (every batch read all of an outbreak's hundreds of members before): the oldest are left unread."""
    from healthpulse.incidents.merge import MergeSettings
    from healthpulse.incidents.stage import merge_view_of
    from healthpulse.incidents.store import MEMBERS_READ, open_near

    n = MEMBERS_READ + 3
    docs = [_doc(f"m-{i:03d}", _vector(1000 + i, 0.05, base=7), hours=i * 0.25) for i in range(n)]
    hp.pipeline.ingest_many(docs[::-1])  # arrival order does not matter: the latest by event time are kept
    assert [len(g) for g in _members(hp).values()] == [n]  # one incident of n reports
    probe = _doc("probe", _vector(5000, 0.05, base=7), hours=n * 0.25)
    assert probe.analysis is not None
    with hp.session() as s:
        (state,) = open_near(s, [merge_view_of(probe, probe.analysis, probe.analysis.embedding)],
                             MergeSettings()).values()
    assert state.members == [d.id for d in docs][-MEMBERS_READ:]  # the latest, oldest first
    assert len(state.vectors) == MEMBERS_READ
    assert np.allclose(state.vectors[-1], np.asarray(docs[-1].analysis.embedding))


def test_members_vectors_are_read_once_across_batches_and_a_reingested_one_again(hp):
    """The stage remembers incident members' vectors between batches (a national crawl's batches each score
    against thousands of the same open incidents); membership is read fresh, and a document ingested again
    is read again, since its analysis may have changed."""
    stage = next(h for h in hp.hooks if hasattr(h, "member_vectors"))
    hp.pipeline.ingest_many([_doc("first", _vector(1, 0.0, base=7))])
    hp.pipeline.ingest_many([_doc("second", _vector(2, 0.05, base=7), hours=1)])
    reads = stage.member_vectors.reads
    assert reads == 1  # "first", the member the second batch scored against
    hp.pipeline.ingest_many([_doc("third", _vector(3, 0.05, base=7), hours=2)])
    assert stage.member_vectors.reads == reads + 1  # "second" is new there; "first" is remembered
    moved = _doc("first", _vector(99, 0.0), hours=0)  # re-analysed: another vector
    hp.pipeline.ingest_many([moved, _doc("fourth", _vector(4, 0.05, base=7), hours=3)])
    assert stage.member_vectors.reads == reads + 1 + 2  # "third" is new there; "first" was forgotten, read again
    assert sorted(_members(hp).values()) == [["first", "fourth", "second", "third"]]


def _known(hp):
    return next(h for h in hp.hooks if hasattr(h, "known_incidents")).known_incidents


def _revision(hp, doc_id: str) -> int:
    with hp.session() as s:
        member = s.get(IncidentDocumentRow, doc_id)
        assert member is not None
        incident = s.get(IncidentRow, member.incident_id)
        assert incident is not None
        return incident.revision


def test_a_batch_reads_whole_only_the_open_incidents_it_does_not_hold_at_their_revision(hp):
    """Batches of a stream score against the same open incidents: the next batch lists their revisions and
    reads whole only the new ones and those whose revision moved (one joined by the batch before)."""
    known = _known(hp)
    hp.pipeline.ingest_many([_doc("a", _vector(1, 0.0, base=7)), _doc("b", _vector(2, 0.0, base=8), hours=1),
                             _doc("c", _vector(3, 0.0, base=9), hours=2)])
    assert known.read == 0  # the first batch found no open incident
    hp.pipeline.ingest_many([_doc("d", _vector(4, 0.0, base=10), hours=3)])
    assert known.read == 3  # a, b and c's incidents, read once
    revision = _revision(hp, "a")
    hp.pipeline.ingest_many([_doc("a2", _vector(5, 0.05, base=7), hours=4)])  # joins a's incident
    assert known.read == 3 + 1  # d's incident only: the others were held at their revision
    assert _revision(hp, "a") == revision + 1  # joining moved it...
    hp.pipeline.ingest_many([_doc("e", _vector(6, 0.0, base=11), hours=5)])
    assert known.read == 3 + 1 + 1  # ...so it is read again, with a2 in it
    groups = sorted(_members(hp).values())
    assert ["a", "a2"] in groups and len(groups) == 5


def test_another_process_joining_or_staff_splitting_an_incident_is_seen_by_the_next_batch(tmp_path):
    """Two ingest processes on one database (two containers): what one joins, the other's next batch reads
    again (the revision moved in SQL), and a staff split is seen the same way."""
    from healthpulse.incidents.decisions import split

    clock = FakeClock(T0 + timedelta(hours=31))
    one = make_container(tmp_path / "one", clock=clock, index=None)
    url = one.settings.database_url
    two = make_container(tmp_path / "two", clock=clock, index=None, database_url=url)
    try:
        one.pipeline.ingest_many([_doc("a", _vector(1, 0.0, base=7)), _doc("x", _vector(9, 0.0, base=90), hours=1)])
        one.pipeline.ingest_many([_doc("b", _vector(2, 0.05, base=7), hours=2)])  # joins a; one now holds x
        two.pipeline.ingest_many([_doc("c", _vector(3, 0.05, base=7), hours=3)])  # the other process joins a
        # one's next batch: a's incident is read again, so a report near only c's vector finds it
        one.pipeline.ingest_many([_doc("d", _vector(4, 0.05, base=7), hours=4)])
        assert sorted(_members(one).values()) == [["a", "b", "c", "d"], ["x"]]
        with one.session() as s:
            member = s.get(IncidentDocumentRow, "d")
            assert member is not None
            incident = s.get(IncidentRow, member.incident_id)
            assert incident is not None
            before = incident.revision
            split(s, incident, "d", "staff", clock.now())
            s.commit()
        assert _revision(one, "a") == before + 1
        read = _known(one).read
        one.pipeline.ingest_many([_doc("e", _vector(5, 0.0, base=55), hours=5)])
        assert _known(one).read == read + 2  # a's incident (split) and d's new one
    finally:
        two.close()
        one.close()


def test_a_batch_joins_its_own_copy_of_an_incident_held_between_batches(hp):
    """Another thread's batch may be scoring against the very state held between batches: joining changes a
    copy, never the held one (which is then let go of, its revision having moved)."""
    known = _known(hp)
    hp.pipeline.ingest_many([_doc("a", _vector(1, 0.0, base=7))])
    hp.pipeline.ingest_many([_doc("x", _vector(2, 0.0, base=70), hours=1)])  # reads a's incident: now held
    (held,) = [s for _, s in known._items.values() if "a" in s.members]
    hp.pipeline.ingest_many([_doc("b", _vector(3, 0.05, base=7), hours=2)])  # joins a's incident
    assert held.members == ["a"] and len(held.vectors) == 1  # untouched
    assert ["a", "b"] in sorted(_members(hp).values())
    assert all("b" not in s.members for _, s in known._items.values())  # a's incident was let go of
