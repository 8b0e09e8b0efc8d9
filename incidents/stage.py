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
from datetime import UTC, datetime

import numpy as np
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import Analysis, Document
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.stages import StoredDocument
from healthpulse.core.vectors import unpack_vector
from healthpulse.incidents.merge import IncidentState, MergeDocument, MergeSettings, best_match
from healthpulse.incidents.store import add_member, incident_by_document, joinable, open_incident, open_near, unit
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def merge_settings(context: CoreContext) -> MergeSettings:
    jobs = context.settings.jobs
    return MergeSettings(threshold=jobs.incident_merge_threshold, window_days=jobs.incident_window_days)


def merge_documents(session: Session, docs: list[Document], settings: MergeSettings, now: datetime) -> dict[str, int]:
    """Put each of ``docs`` (in event-time order) into its incident, joined or opened; {document id: incident}.

    One read of the documents already in incidents, of stored vectors, and of the open incidents the
    batch could join, kept current as its documents join or open incidents (so a later document of the
    batch can join an incident an earlier one opened): a fixed number of reads a batch, not five a
    document (benchmarks/scale.py: merging was 41 % of pre-analysed ingest time).
    """
    health = [(d, d.analysis) for d in docs if d.analysis is not None and d.analysis.health_related]
    placed = incident_by_document(session, [d.id for d, _ in health])
    stored = stored_vectors(session, [d.id for d, a in health if a.embedding is None and d.id not in placed])
    views = {d.id: merge_view_of(d, a, a.embedding if a.embedding is not None else stored.get(d.id))
             for d, a in health if d.id not in placed}
    near = open_near(session, list(views.values()), settings)
    rows = {key: row for key, (row, _) in near.items()}
    incidents = {key: state for key, (_, state) in near.items()}
    for doc, a in health:
        if doc.id in placed:  # already in an incident (a re-ingest, a retried stage, a copy in this batch)
            continue
        md = views[doc.id]
        match = best_match(md, joinable(incidents, md, settings), settings)
        if match is not None:
            state, scored = match
            row = rows[state.key]
            add_member(session, row, md, a, scored, "merge", now)
            state.add(md)
        elif md.opens:
            row = open_incident(session, md, a, doc.title or doc.text[:200], now)
            rows[row.id], incidents[row.id] = row, IncidentState.opened_by(row.id, md)
        else:
            continue
        placed[doc.id] = row.id
        session.flush()
    return placed


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
    def __init__(self, context: CoreContext):
        self.context = context

    def on_ingested(self, session: Session, stored: list[StoredDocument]) -> None:
        settings = merge_settings(self.context)
        now = self.context.clock.now()
        docs = sorted((sd.document for sd in stored), key=lambda d: d.published_at or d.fetched_at)
        merge_documents(session, docs, settings, now)


def post_ingest_stages(context: CoreContext) -> list[IncidentStage]:
    return [IncidentStage(context)]
