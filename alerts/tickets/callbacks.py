"""Callbacks on hotline tickets: an outbound call to the caller's number is the contact the closure rule asks for.

When a PBX reports the hang-up of an outbound call (``appeals.calls.events``
enqueues ``calls.callback``), every open ticket whose citizen gave that number
gets a ``phone`` contact at the call's own time: ``reached`` when the call was
answered, ``no_answer`` (or ``wrong_number`` when the exchange said the number
does not exist) otherwise — so the closure rule (``lifecycle.closure_problem``)
counts it like a contact an officer typed in.  Idempotent: a contact carries the
call id in its note and is not recorded twice.
"""

from __future__ import annotations

import logging
from typing import Any

from healthpulse.alerts.tickets.callback_retry import schedule_retry
from healthpulse.alerts.tickets.lifecycle import record_contact
from healthpulse.appeals.calls.events import CALLBACK_JOB
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import TicketStatus
from healthpulse.core.jobs import PermanentJobError, job_handler
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.tickets import CitizenContactRow, TicketRow
from sqlalchemy import select

log = logging.getLogger(__name__)


def callback_note(call_id: str) -> str:
    return f"hotline callback, call {call_id}"


def _outcome(call: CallRow) -> str:
    if call.answered_at is not None:
        return "reached"
    return "wrong_number" if call.cause == "notFound" else "no_answer"


@job_handler(CALLBACK_JOB)
def record_callback(container: CoreContext, payload: dict[str, Any]) -> None:
    call_id = payload.get("call_id")
    if not isinstance(call_id, str):
        raise PermanentJobError(f"bad payload {payload!r}")
    now = container.clock.now()
    with container.session() as s:
        call = s.get(CallRow, call_id)
        if call is None or call.direction != "outbound" or not call.to_number:
            return
        tickets = s.scalars(select(TicketRow).join(AppealRow, AppealRow.id == TicketRow.appeal_id).where(
            AppealRow.contact_phone == call.to_number, TicketRow.status != TicketStatus.CLOSED.value)).all()
        note = callback_note(call_id)
        for t in tickets:
            if s.scalar(select(CitizenContactRow.id).where(CitizenContactRow.ticket_id == t.id,
                                                           CitizenContactRow.note == note)):
                continue
            when = min(call.ended_at or call.answered_at or now, now)
            record_contact(s, t, "phone", _outcome(call), call.answered_by or "hotline", now, at=when, note=note)
            schedule_retry(s, container.jobs, t, container.settings)  # unanswered: the next attempt comes back
            log.info("ticket %s: hotline callback %s recorded (%s)", t.id, call_id, _outcome(call))
