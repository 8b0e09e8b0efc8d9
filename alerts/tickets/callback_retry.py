"""Unanswered hotline callbacks come back by themselves: after an unanswered attempt a job waits
``callback_retry_minutes`` and puts the callback back in the department's queue, up to ``callback_max_attempts``.

Seed 001 (the 937 rule) closes a call's ticket only after the caller was called back; an operator whose first
attempt went unanswered must not have to remember the second.  When an unanswered ``phone`` contact is
recorded on an open hotline ticket (the exchange's outbound call, or one typed in by staff), ``schedule_retry``
queues ``calls.callback_retry`` for the attempt's time plus the retry delay.  When it runs and nothing happened
since (no new attempt, not reached, not closed), it writes a ``callback_due`` event on the ticket: the inbox
shows such a ticket as "callback due" until the next attempt is recorded.  One job per ticket and attempt
count, so repeats and concurrent contacts queue nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from healthpulse.alerts.tickets.lifecycle import SUCCESSFUL_OUTCOMES, audit
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import TicketStatus
from healthpulse.core.jobs import JobQueue, PermanentJobError, job_handler
from healthpulse.core.models.tickets import CitizenContactRow, TicketEventRow, TicketRow
from healthpulse.core.settings import Settings
from sqlalchemy import func, select
from sqlalchemy.orm import Session

CALLBACK_RETRY_JOB = "calls.callback_retry"
CALLBACK_DUE = "callback_due"  # the ticket event that puts the callback back in the queue


def _phone_attempts(session: Session, ticket_id: int) -> list[CitizenContactRow]:
    return list(session.scalars(select(CitizenContactRow).where(
        CitizenContactRow.ticket_id == ticket_id, CitizenContactRow.channel == "phone").order_by(CitizenContactRow.at)))


def retry_delay(settings: Settings) -> timedelta:
    return timedelta(minutes=float(settings.jobs.callback_retry_minutes))


def schedule_retry(session: Session, jobs: JobQueue, ticket: TicketRow, settings: Settings) -> int | None:
    """Queue the next callback of an open hotline ticket whose last phone attempt went unanswered (else None)."""
    if ticket.channel != "hotline" or ticket.status == TicketStatus.CLOSED.value:
        return None
    session.flush()
    attempts = _phone_attempts(session, ticket.id)
    if not attempts or any(a.outcome in SUCCESSFUL_OUTCOMES for a in attempts):
        return None
    if len(attempts) >= settings.jobs.callback_max_attempts:
        return None
    n = len(attempts)
    return jobs.enqueue(CALLBACK_RETRY_JOB, {"ticket_id": ticket.id, "after_attempts": n},
                        idempotency_key=f"{CALLBACK_RETRY_JOB}:{ticket.id}:{n}",
                        run_after=attempts[-1].at + retry_delay(settings), session=session)


@job_handler(CALLBACK_RETRY_JOB)
def requeue_callback(container: CoreContext, payload: dict[str, Any]) -> None:
    ticket_id, after = payload.get("ticket_id"), payload.get("after_attempts")
    if not isinstance(ticket_id, int) or not isinstance(after, int):
        raise PermanentJobError(f"bad payload {payload!r}")
    now = container.clock.now()
    with container.session() as s:
        t = s.get(TicketRow, ticket_id)
        if t is None or t.status == TicketStatus.CLOSED.value:
            return
        attempts = _phone_attempts(s, t.id)
        if len(attempts) != after or any(a.outcome in SUCCESSFUL_OUTCOMES for a in attempts):
            return  # someone called again (or reached the caller) meanwhile: that attempt schedules its own retry
        audit(s, t, "hotline", CALLBACK_DUE, now, field="callback", new=after + 1,
              text=f"callback attempt {after + 1} of {container.settings.jobs.callback_max_attempts} due")


def callbacks_requeued(session: Session, ticket_ids: list[int]) -> dict[int, int]:
    """Of these tickets, those whose callback was put back in the queue and not tried since: id → attempt due."""
    if not ticket_ids:
        return {}
    last_due: dict[int, datetime] = dict(session.execute(select(TicketEventRow.ticket_id, func.max(TicketEventRow.at)).where(
        TicketEventRow.ticket_id.in_(ticket_ids), TicketEventRow.action == CALLBACK_DUE)
        .group_by(TicketEventRow.ticket_id)).all())
    out: dict[int, int] = {}
    for tid, due_at in last_due.items():
        attempts = _phone_attempts(session, tid)
        if attempts and attempts[-1].recorded_at > due_at or any(a.outcome in SUCCESSFUL_OUTCOMES for a in attempts):
            continue
        out[tid] = len(attempts) + 1
    return out
