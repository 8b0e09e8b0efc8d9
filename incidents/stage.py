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
from healthpulse.core.models.incidents import IncidentRow
from healthpulse.core.stages import StoredDocument
from healthpulse.core.vectors import unpack_vector
from healthpulse.incidents.merge import MergeDocument, MergeSettings, best_match
from healthpulse.incidents.store import add_member, candidates, incident_of, open_incident, unit
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def merge_settings(context: CoreContext) -> MergeSettings:
    jobs = context.settings.jobs
    return MergeSettings(threshold=jobs.incident_merge_threshold, window_days=jobs.incident_window_days)


def merge_document(session: Session, doc: Document, settings: MergeSettings, now: datetime) -> int | None:
    """Put ``doc`` into its incident (joined or opened); the incident id, or None when it has none."""
    a = doc.analysis
    if a is None or not a.health_related:
        return None
    known = incident_of(session, doc.id)
    if known is not None:
        return known
    md = merge_view(session, doc, a)
    match = best_match(md, candidates(session, md, settings), settings)
    if match is not None:
        state, scored = match
        row = session.get(IncidentRow, state.key)
        assert row is not None  # noqa: S101 - candidates() just read it in this transaction
        add_member(session, row, md, a, scored, "merge", now)
        return row.id
    if not md.opens:
        return None
    return open_incident(session, md, a, doc.title or doc.text[:200], now).id


def merge_view(session: Session, doc: Document, a: Analysis) -> MergeDocument:
    vector = a.embedding
    if vector is None:  # a stage retried as a job reads the document back: the vector lives in its row
        blob = session.scalar(select(DocumentRow.embedding).where(DocumentRow.id == doc.id))
        vector = unpack_vector(blob) if blob else None
    return merge_view_of(doc, a, vector)


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
        for doc in docs:
            merge_document(session, doc, settings, now)
            session.flush()


def post_ingest_stages(context: CoreContext) -> list[IncidentStage]:
    return [IncidentStage(context)]
