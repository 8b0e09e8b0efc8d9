"""The department's hotline page: the calls ringing now with the caller's earlier appeals, and the week's KPIs.

Scoped like every department view: an officer sees the calls routed to their
department and, for each caller, only their own department's tickets (open ones
first); press and admin see every department's calls.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from healthpulse.appeals.calls.kpis import call_kpis
from healthpulse.core.domain import TicketStatus
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NO_DEPARTMENT, scope_of
from healthpulse.web.services.users import Principal
from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

RECENT_CALLS = timedelta(minutes=30)  # what an operator still has on the line, or just had
MAX_CALLS = 20
MAX_EARLIER = 10
KPI_DAYS = 7


def _earlier(s: Session, number: str | None, scope: str | None, exclude_appeal: str | None) -> list[dict[str, Any]]:
    if not number:
        return []
    q = (select(TicketRow, AppealRow.tracking_code).join(AppealRow, AppealRow.id == TicketRow.appeal_id)
         .where(AppealRow.contact_phone == number))
    if exclude_appeal:
        q = q.where(AppealRow.id != exclude_appeal)
    if scope is not None:
        q = q.where(TicketRow.department_id == scope)
    open_first = case((TicketRow.status == TicketStatus.CLOSED.value, 1), else_=0)
    rows = s.execute(q.order_by(open_first, TicketRow.created_at.desc()).limit(MAX_EARLIER)).all()
    return [{"id": t.id, "title": t.title, "status": t.status, "channel": t.channel, "created_at": t.created_at,
             "tracking_code": code, "open": t.status != TicketStatus.CLOSED.value} for t, code in rows]


def operator_screen(container: WebContext, principal: Principal) -> dict[str, Any]:
    scope = scope_of(principal)
    now = container.clock.now()
    with container.session() as s:
        q = select(CallRow).where(CallRow.offered_at >= now - RECENT_CALLS,
                                  or_(CallRow.direction.is_(None), CallRow.direction != "outbound"))
        if scope is not None:
            q = q.where(CallRow.department_id == scope)
        calls = [{"call_id": c.call_id, "from_number": c.from_number, "ivr": c.ivr, "topic": c.topic,
                  "department": c.department_id, "offered_at": c.offered_at, "answered_at": c.answered_at,
                  "ended_at": c.ended_at, "earlier": _earlier(s, c.from_number, scope, c.appeal_id)}
                 for c in s.scalars(q.order_by(CallRow.offered_at.desc()).limit(MAX_CALLS))]
        kpis = (call_kpis(s, scope, now - timedelta(days=KPI_DAYS), now)
                if scope is not None and scope != NO_DEPARTMENT else None)
    return {"calls": calls, "kpis": kpis, "refresh_seconds": 10}
