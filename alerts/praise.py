"""Praise: a citizen's thanks goes to the department's praise list, not the incident queue.

An appeal whose analysis says sentiment positive and no incident opens no
ticket (no SLA, no alert); the appeal is closed at once, the department reads
it on its praise page and the KPIs count it (``praise_count``,
``praise_share_pct``).  Without an analysis (NLP off or failed) an appeal is
never taken for praise: it gets its ticket as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.domain import Channel, Document
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

APPEAL_CHANNELS = (Channel.VIDEO_APPEAL, Channel.TEXT_APPEAL, Channel.HOTLINE, Channel.EMAIL)
EXTRACT_CHARS = 1000


def is_praise(doc: Document) -> bool:
    """A citizen's appeal analysed as positive and not an incident."""
    a = doc.analysis
    return (doc.channel in APPEAL_CHANNELS and a is not None and a.sentiment is not None
            and a.sentiment.label == "positive" and not a.incident)


def _department() -> Any:
    """The citizen's chosen region wins over the place the NLP found, as for an appeal's ticket."""
    return func.coalesce(AppealRow.department_id, DocumentRow.department)


def _praise() -> ColumnElement[bool]:
    """``is_praise`` in SQL, for appeals that have no ticket."""
    return and_(DocumentRow.channel.in_([str(c) for c in APPEAL_CHANNELS]), DocumentRow.sentiment == "positive",
                or_(DocumentRow.incident.is_(None), DocumentRow.incident.is_(False)),
                ~exists().where(TicketRow.appeal_id == AppealRow.id))


def list_praise(session: Session, *, department_ids: list[str] | None = None, limit: int = 100,
                offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Praise newest first → ``(items, total)``; ``department_ids`` None = every department."""
    base = (select(AppealRow, DocumentRow, _department().label("department"))
            .join(DocumentRow, DocumentRow.id == AppealRow.document_id).where(_praise()))
    if department_ids is not None:
        base = base.where(_department().in_(department_ids))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(AppealRow.created_at.desc(), AppealRow.id)
                           .limit(max(1, min(limit, 1000))).offset(max(0, offset))).all()
    items = [{"appeal_id": appeal.id, "document_id": doc.id, "department": dep, "channel": appeal.channel,
              "language": doc.language or appeal.language, "received_at": appeal.created_at, "topic": appeal.topic,
              "title": doc.title, "text": doc.text[:EXTRACT_CHARS]} for appeal, doc, dep in rows]
    return items, total


def count_praise(session: Session, department_id: str | None, start: datetime, end: datetime) -> int:
    """Praise received in [start, end) by one department (None = no department: the triage queue)."""
    dep = _department()
    return session.scalar(
        select(func.count()).select_from(AppealRow).join(DocumentRow, DocumentRow.id == AppealRow.document_id)
        .where(_praise(), dep.is_(None) if department_id is None else dep == department_id,
               AppealRow.created_at >= start, AppealRow.created_at < end)) or 0
