"""The post-ingest stage that merges each health document into an open incident, or opens one.

Runs after appeals' tickets and before the alert rules, so an alert about a document already
knows its incident (``alerts.engine`` then joins the incident's open alert instead of opening a
second ticket).  Incremental: each document is compared with the open incidents of its department
within the time window (``incidents.merge``); a document already in an incident stays there (a
re-ingest or a retried stage changes nothing, a staff split is not undone).  An incident-flagged or
negative document may open an incident; any other health document (a follow-up, the official
resolution) only joins one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import numpy as np
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import Analysis, Document
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.incidents import IncidentRow
from healthpulse.core.stages import StoredDocument
from healthpulse.core.vectors import unpack_vector
from healthpulse.incidents.known import KnownIncidents
from healthpulse.incidents.member_vectors import MemberVectors, unit
from healthpulse.incidents.merge import (
    IncidentPool,
    IncidentState,
    MergeDocument,
    MergeScore,
    MergeSettings,
    best_match,
)
from healthpulse.incidents.statements import record_statements
from healthpulse.incidents.store import (
    add_member,
    bump_revisions,
    incident_by_document,
    incident_title,
    open_incident,
    open_near,
)
from healthpulse.nlp.official import OfficialResponseModel, load_official_model
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Keys of incidents opened in this batch until its flush gives them ids: above any id, in the order opened, so
# pools sorted by key keep "lowest id first" (merge.best_match breaks ties by it) as real ids would.
NEW_INCIDENT_KEYS = 1 << 62


def merge_settings(context: CoreContext) -> MergeSettings:
    jobs = context.settings.jobs
    return MergeSettings(threshold=jobs.incident_merge_threshold, window_days=jobs.incident_window_days)


def merge_documents(session: Session, docs: list[Document], settings: MergeSettings, now: datetime,
                    vectors: MemberVectors | None = None, known: KnownIncidents | None = None) -> dict[str, int]:
    """Put each of ``docs`` (in event-time order) into its incident, joined or opened; {document id: incident}.

    One read of the documents already in incidents and of stored vectors; then, per stretch of the
    batch (at most a merge window long), one read of the open incidents its documents could join,
    pooled per department and kept current as documents join or open incidents (a later document joins
    an incident an earlier one opened), and one read of the rows of the stored incidents joined, after
    the loop. Documents are taken in event-time order, as one at a time. A batch of a crawl costs a few
    reads, not five per document nor one per department and stretch (benchmarks/scale.py: merging was
    41 % of pre-analysed ingest time); stretches keep a backfill that spans a year from reading a year.
    ``vectors`` and ``known`` (the stage's, across batches) remember incident members' vectors and the open
    incidents read at their revisions; this batch's documents are forgotten in ``vectors`` first (a re-ingest
    may bring a new vector), the incidents it changes in ``known`` after it, and their revisions move.
    """
    if vectors is not None:
        vectors.forget(d.id for d in docs)
    health = [(d, d.analysis) for d in docs if d.analysis is not None and d.analysis.health_related]
    placed = incident_by_document(session, [d.id for d, _ in health])
    touched: set[int] = set(placed.values())  # incidents changed here; a member analysed again changes its own
    try:
        placed = _place(session, health, placed, settings, now, vectors, known, touched)
        bump_revisions(session, touched)
    finally:
        if known is not None:  # merging changed them in memory, whether or not the batch commits
            known.forget(touched)
    return placed


def _place(session: Session, health: list[tuple[Document, Analysis]], placed: dict[str, int],
           settings: MergeSettings, now: datetime, vectors: MemberVectors | None, known: KnownIncidents | None,
           touched: set[int]) -> dict[str, int]:
    """``merge_documents``' pass over the batch; ``touched`` gains each stored incident a document joins."""
    stored = stored_vectors(session, [d.id for d, a in health if a.embedding is None and d.id not in placed])
    views = {d.id: merge_view_of(d, a, a.embedding if a.embedding is not None else stored.get(d.id))
             for d, a in health if d.id not in placed}
    rows: dict[int, IncidentRow] = {}  # held, so the session keeps them (its identity map holds rows weakly)
    states: dict[int, IncidentState] = {}  # one object per incident, shared by every pool that holds it
    new_rows: dict[str, IncidentRow] = {}  # document id -> the incident it joined or opened in this batch
    joins: list[tuple[int, MergeDocument, Analysis, MergeScore]] = []  # documents joining stored incidents
    joined: set[str] = set()
    owned: set[int] = set()  # stored incidents this batch joined, as its own copies
    for stretch in _stretches([(d, a) for d, a in health if d.id not in placed], views, settings):
        pools: dict[str | None, IncidentPool] = {}  # department -> the incidents its documents may join
        near: set[int] | None = None  # the open incidents any document of the stretch may join: one read
        opened: set[int] = set()  # incidents this stretch opened before that read
        for doc, a in stretch:
            if doc.id in placed or doc.id in new_rows or doc.id in joined:  # a second copy in this batch
                continue
            md = views[doc.id]
            match = None
            if md.vector is not None and md.department is not None:  # else it joins nothing (merge.score): no read
                if near is None:
                    read = open_near(session, [views[d.id] for d, _ in stretch
                                               if views[d.id].vector is not None and views[d.id].department],
                                     settings, vectors, known)
                    for key, state in read.items():
                        states.setdefault(key, state)  # one already held is as current as the database
                    near = set(read) | opened
                if md.department not in pools:  # lowest id first, as read; the window rule is merge.score's
                    pools[md.department] = IncidentPool(
                        states[key] for key in sorted(near) if states[key].department == md.department)
                match = best_match(md, pools[md.department], settings)
            if match is not None:
                state, scored = match
                if state.key not in rows and state.key not in owned:  # a stored incident, maybe held between
                    own = state.copy()                               # batches and threads: join a copy
                    states[state.key] = own
                    pools[md.department].swap(state, own)
                    owned.add(state.key)
                    state = own
                state.add(md)
                pools[md.department].grew(state, md.vector)
                if state.key not in rows:  # a stored incident: its row is read with the others after the loop
                    touched.add(state.key)
                    joins.append((state.key, md, a, scored))
                    joined.add(doc.id)
                    continue
                row = rows[state.key]
                add_member(session, row, md, a, scored, "merge", now)
            elif md.opens:
                row = open_incident(session, md, a, incident_title(doc.title, doc.text), now)
                key = NEW_INCIDENT_KEYS + len(new_rows)  # its id comes at the flush below
                rows[key], states[key] = row, IncidentState.opened_by(key, md)
                opened.add(key)
                if near is not None:
                    near.add(key)  # for the pools of departments not met yet in this stretch
                if md.department in pools:  # whoever could have read it, had it been there
                    pools[md.department].add(states[key])
            else:
                continue
            new_rows[doc.id] = row
    if joins:  # the stored incidents joined, in one read (open_near read columns, not rows)
        held = {r.id: r for r in session.scalars(select(IncidentRow).where(
            IncidentRow.id.in_(sorted({key for key, *_ in joins}))))}
        for key, md, a, scored in joins:
            add_member(session, held[key], md, a, scored, "merge", now)
            new_rows[md.id] = held[key]
    session.flush()  # the batch's new incidents in one multi-row INSERT, then its memberships
    placed.update((doc_id, row.id) for doc_id, row in new_rows.items())
    return placed


def _stretches(docs: list[tuple[Document, Analysis]], views: dict[str, MergeDocument],
               settings: MergeSettings) -> list[list[tuple[Document, Analysis]]]:
    """``docs`` (in event-time order) cut where a document comes more than a merge window after the first
    of its stretch."""
    window = timedelta(days=settings.window_days)
    out: list[list[tuple[Document, Analysis]]] = []
    for doc, a in docs:
        if not out or views[doc.id].event_at - views[out[-1][0][0].id].event_at > window:
            out.append([])
        out[-1].append((doc, a))
    return out


def stored_vectors(session: Session, document_ids: list[str]) -> dict[str, list[float]]:
    """The stored vectors of documents that arrive without one (a stage retried as a job reads the
    document back from JSON, which leaves the vector out)."""
    if not document_ids:
        return {}
    rows = session.execute(select(DocumentRow.id, DocumentRow.embedding).where(DocumentRow.id.in_(document_ids)))
    return {doc_id: unpack_vector(blob) for doc_id, blob in rows if blob}


def merge_view_of(doc: Document, a: Analysis, vector: list[float] | None) -> MergeDocument:
    """What merging reads of an analysed document; also how the offline measurements see the analyzer's output."""
    negative = a.sentiment is not None and a.sentiment.label == "negative"
    event_at = doc.published_at or doc.fetched_at
    if event_at.tzinfo is None:
        event_at = event_at.replace(tzinfo=UTC)
    return MergeDocument(id=doc.id, event_at=event_at, department=a.department,
                         topics=frozenset(a.topic_ids), facilities=frozenset(a.facilities),
                         vector=unit(np.asarray(vector, dtype=np.float64)) if vector is not None else None,
                         opens=bool(a.incident) or negative)


class IncidentStage:
    """Merging, then (``read_statements``) the statement model over the reports that joined."""

    def __init__(self, context: CoreContext, read_statements: bool = False):
        self.context = context
        self.read_statements = read_statements
        self.member_vectors = MemberVectors()  # across batches: most open incidents' members were read before
        self.known_incidents = KnownIncidents()  # and most open incidents themselves, at the same revision

    def on_ingested(self, session: Session, stored: list[StoredDocument]) -> None:
        settings = merge_settings(self.context)
        now = self.context.clock.now()
        docs = sorted((sd.document for sd in stored), key=lambda d: d.published_at or d.fetched_at)
        merge_documents(session, docs, settings, now, self.member_vectors, self.known_incidents)
        if self.read_statements:
            session.flush()
            record_statements(session, docs, self._statement_model().statements)

    def _statement_model(self) -> OfficialResponseModel:
        settings = self.context.settings
        return load_official_model(settings.nlp_threads, str(settings.model_cache_dir or "") or None)


def post_ingest_stages(context: CoreContext, read_statements: bool = False) -> list[IncidentStage]:
    return [IncidentStage(context, read_statements)]
