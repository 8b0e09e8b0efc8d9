"""A document's changes in the audit trail of every ticket it belongs to.

A staff correction of a document's analysis (``ingest.corrections``) changes
what a ticket was opened on, so each ticket that holds the document — as an
alert's source or as a citizen appeal's own document — gets one
``correction`` event per corrected field: who, when, old → new (JSON) and
the staff's note.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from healthpulse.alerts.tickets.lifecycle import audit
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from sqlalchemy import or_, select
from sqlalchemy.orm import Session


def tickets_of_document(session: Session, document_id: str) -> list[TicketRow]:
    via_docs = select(TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id == document_id)
    via_appeal = select(AppealRow.id).where(AppealRow.document_id == document_id)
    return list(session.scalars(select(TicketRow).where(or_(TicketRow.id.in_(via_docs),
                                                           TicketRow.appeal_id.in_(via_appeal))).order_by(TicketRow.id)))


def ticket_departments(session: Session, document_id: str) -> set[str]:
    """Departments of the tickets that hold the document (they may see and correct it)."""
    return {t.department_id for t in tickets_of_document(session, document_id) if t.department_id}


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def audit_corrections(session: Session, document_id: str, changes: Sequence[tuple[str, Any, Any]], actor: str,
                      now: datetime, note: str | None = None) -> int:
    """One ``correction`` event per (field, old, new) on each ticket of the document; returns the event count."""
    n = 0
    for t in tickets_of_document(session, document_id):
        for field, old, new in changes:
            audit(session, t, actor, "correction", now, field=field, old=_show(old), new=_show(new), text=note)
            n += 1
    return n
