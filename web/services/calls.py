"""The department's hotline page: the calls ringing now with the caller's earlier appeals, and the week's KPIs.

Scoped like every department view: an officer sees the calls routed to their
department and, for each caller, only their own department's tickets (open ones
first); press and admin see every department's calls.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from healthpulse.alerts.tickets.lifecycle import MIN_FAILED_ATTEMPTS, SUCCESSFUL_OUTCOMES, has_callback_number
from healthpulse.appeals.calls.kpis import ANSWER_TARGET_S, call_kpis
from healthpulse.core.domain import TicketStatus
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.tickets import CitizenContactRow, TicketRow
from healthpulse.video_intake.privacy import mask_contacts
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NO_DEPARTMENT, scope_of
from healthpulse.web.services.users import Principal
from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

RECENT_CALLS = timedelta(minutes=30)  # what an operator still has on the line, or just had
MAX_CALLS = 20
MAX_EARLIER = 10
KPI_DAYS = 7
CALLBACK_RETRY = timedelta(hours=2)  # the default of settings.callback_retry_minutes


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


def callbacks_due(s: Session, scope: str | None, *, retry: timedelta = CALLBACK_RETRY,
                  max_attempts: int = MIN_FAILED_ATTEMPTS) -> list[dict[str, Any]]:
    """Open hotline tickets still waiting for a callback that reached the caller, the most overdue first.

    The schedule: the first attempt is due when the ticket opens, each next one ``retry`` after an unanswered
    attempt (``alerts.tickets.callback_retry`` queues it again then); after ``max_attempts`` unanswered attempts
    the ticket leaves the list.  A ticket without the caller's number is never listed: there is no one to call
    (it closes by the general contact rule, ``closure_problem``).
    """
    q = (select(TicketRow, AppealRow.contact_phone).join(AppealRow, AppealRow.id == TicketRow.appeal_id)
         .where(TicketRow.channel == "hotline", TicketRow.status != TicketStatus.CLOSED.value,
                has_callback_number()))
    if scope is not None:
        q = q.where(TicketRow.department_id == scope)
    due = []
    for t, phone in s.execute(q):
        attempts = list(s.scalars(select(CitizenContactRow).where(
            CitizenContactRow.ticket_id == t.id, CitizenContactRow.channel == "phone").order_by(CitizenContactRow.at)))
        if any(a.outcome in SUCCESSFUL_OUTCOMES for a in attempts) or len(attempts) >= max_attempts:
            continue
        next_at = attempts[-1].at + retry if attempts else t.created_at
        due.append({"id": t.id, "title": t.title, "phone": phone, "attempts": len(attempts), "next_at": next_at})
    return sorted(due, key=lambda d: d["next_at"])


def operator_screen(container: WebContext, principal: Principal) -> dict[str, Any]:
    """The calls routed to the viewer's department; numbers are shown to that department's officers only."""
    scope = scope_of(principal)

    def shown(number: str | None) -> str | None:
        return number if principal.role == "department" or not number else mask_contacts(number)

    now = container.clock.now()
    with container.session() as s:
        q = select(CallRow).where(CallRow.offered_at >= now - RECENT_CALLS,
                                  or_(CallRow.direction.is_(None), CallRow.direction != "outbound"))
        if scope is not None:
            q = q.where(CallRow.department_id == scope)
        calls = [{"call_id": c.call_id, "from_number": shown(c.from_number), "ivr": c.ivr, "topic": c.topic,
                  "department": c.department_id, "offered_at": c.offered_at, "answered_at": c.answered_at,
                  "ended_at": c.ended_at, "earlier": _earlier(s, c.from_number, scope, c.appeal_id)}
                 for c in s.scalars(q.order_by(CallRow.offered_at.desc()).limit(MAX_CALLS))]
        kpis = (call_kpis(s, scope, now - timedelta(days=KPI_DAYS), now)
                if scope is not None and scope != NO_DEPARTMENT else None)
        jobs = container.settings.jobs
        callbacks = [{**cb, "phone": shown(cb["phone"])} for cb in callbacks_due(
            s, scope, retry=timedelta(minutes=jobs.callback_retry_minutes), max_attempts=jobs.callback_max_attempts)]
    return {"calls": calls, "kpis": kpis, "answer_target_s": int(ANSWER_TARGET_S), "callbacks": callbacks,
            "refresh_seconds": 10}
