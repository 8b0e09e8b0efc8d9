"""Which reports of an incident carry an official statement: read once, when a report joins, and kept.

The statement model (``nlp.official.OfficialResponseModel``) reads every sentence through the encoder, so
it runs at ingest, not on each incident page: for each document that joined an incident in this batch
(not the one that opened it — its comment is part of the first report), unless the incident already has
an earlier report with a statement (the response is the first one). The sentences found are kept in the
membership's signals (``statements``, an empty list when none) for ``incidents.service`` to read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from healthpulse.core.domain import Document
from healthpulse.core.models.incidents import IncidentDocumentRow
from sqlalchemy import select
from sqlalchemy.orm import Session

Finder = Callable[[str | None, str, str | None], list[str]]  # (title, text, language) -> statement sentences
STATEMENTS = "statements"


def record_statements(session: Session, docs: Sequence[Document], find: Finder) -> None:
    """Read the statements of ``docs`` that joined an incident before its first known statement."""
    by_id = {d.id: d for d in docs}
    joined = list(session.scalars(select(IncidentDocumentRow).where(
        IncidentDocumentRow.document_id.in_(list(by_id)), IncidentDocumentRow.linked_by == "merge")))
    if not joined:
        return
    incident_ids = {m.incident_id for m in joined}
    first_said: dict[int, datetime] = {}  # incident -> the event time of its earliest report with a statement
    for m in session.scalars(select(IncidentDocumentRow).where(IncidentDocumentRow.incident_id.in_(incident_ids))):
        if (m.signals or {}).get(STATEMENTS) and (m.incident_id not in first_said or m.event_at < first_said[m.incident_id]):
            first_said[m.incident_id] = m.event_at
    for m in sorted(joined, key=lambda row: row.event_at):
        if STATEMENTS in (m.signals or {}):
            continue  # read before (a retried stage)
        said = first_said.get(m.incident_id)
        if said is not None and said <= m.event_at:
            continue
        doc = by_id[m.document_id]
        found = find(doc.title, doc.text, doc.analysis.language if doc.analysis else None)
        m.signals = {**(m.signals or {}), STATEMENTS: found}
        if found:
            first_said[m.incident_id] = m.event_at
