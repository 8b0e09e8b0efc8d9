"""Ticket lifecycle with an audit trail: open, assign, status, notes, replies, citizen contact, close, reopen.

Statuses: new → assigned → in_progress → awaiting_citizen → closed (+ reopened).
Closing a ticket that has a citizen needs a recorded contact since it was
(re)opened — the 937 rule: a case is closed only after calling the citizen
back — either a contact that reached the citizen, or ``MIN_FAILED_ATTEMPTS``
documented unsuccessful attempts.  Tickets are never deleted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar

from healthpulse.appeals.lifecycle import follow_ticket
from healthpulse.core.domain import SEVERITY_ORDER, AppealStatus, TicketStatus
from healthpulse.core.errors import ErrorCode, HealthpulseError
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.tickets import CitizenContactRow, TicketDocumentRow, TicketEventRow, TicketRow
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

S = TicketStatus
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_CITIZEN, S.CLOSED},
    S.ASSIGNED: {S.IN_PROGRESS, S.AWAITING_CITIZEN, S.CLOSED},
    S.IN_PROGRESS: {S.AWAITING_CITIZEN, S.CLOSED, S.ASSIGNED},
    S.AWAITING_CITIZEN: {S.IN_PROGRESS, S.CLOSED, S.ASSIGNED},
    S.CLOSED: {S.REOPENED},
    S.REOPENED: {S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_CITIZEN, S.CLOSED},
}
CONTACT_CHANNELS = ("phone", "email", "sms", "in_person", "video_call", "letter", "tracking_page")
CONTACT_OUTCOMES = ("reached", "resolved", "no_answer", "voicemail", "wrong_number", "declined")
SUCCESSFUL_OUTCOMES = ("reached", "resolved", "declined")
MIN_FAILED_ATTEMPTS = 3
HOTLINE = "hotline"  # tickets from calls close only after a callback (a phone contact) when a number was left
RESPONSE_STATUSES = (S.IN_PROGRESS, S.AWAITING_CITIZEN, S.CLOSED)


class TicketError(HealthpulseError, ValueError):
    """A request about a ticket that cannot be honoured; the message says why."""
    error_code: ClassVar[ErrorCode] = "invalid"


class TicketNotFound(HealthpulseError, LookupError):
    error_code = "not_found"


class InvalidTransition(TicketError):
    error_code = "conflict"


class ClosureRefused(TicketError):
    error_code = "conflict"


class TicketChanged(TicketError):
    """The caller acted on an older version of the ticket: someone else changed it meanwhile.

    Nothing was written; ``current_version`` is the version now stored (the client reloads and decides again).
    """
    error_code = "conflict"

    def __init__(self, ticket_id: int, expected: int | None, current_version: int | None):
        super().__init__(f"ticket #{ticket_id} was changed by someone else (version {current_version}, "
                         f"you acted on version {expected}); reload it and submit again")
        self.ticket_id, self.expected, self.current_version = ticket_id, expected, current_version


def check_version(t: TicketRow, expected: int | None) -> None:
    """Refuse a change made on a stale copy of the ticket; ``None`` (a client that sends no version):
    last writer wins, as before versions existed."""
    if expected is not None and int(expected) != t.version:
        raise TicketChanged(t.id, int(expected), t.version)


def changed(t: TicketRow) -> None:
    """Count a state change (status, assignee, severity, department): the row's next version.

    The UPDATE still carries ``WHERE version = <the version read>`` (``version_id_col``), so of two
    writers that read the same version only the first commits; the other gets ``StaleDataError``.
    """
    t.version = (t.version or 1) + 1


def audit(session: Session, ticket: TicketRow, actor: str, action: str, now: datetime, *, field: str | None = None,
          old: Any = None, new: Any = None, text: str | None = None, public: bool = False) -> TicketEventRow:
    """Append one audit event (who, when, what) and touch the ticket."""
    ev = TicketEventRow(ticket_id=ticket.id, at=now, actor=actor, action=action, field=field,
                        old_value=None if old is None else str(old), new_value=None if new is None else str(new),
                        text=text, public=public)
    session.add(ev)
    ticket.updated_at = now
    return ev


def attach_documents(session: Session, ticket: TicketRow, document_ids: list[str], now: datetime) -> int:
    have = set(session.scalars(select(TicketDocumentRow.document_id).where(TicketDocumentRow.ticket_id == ticket.id)))
    added = 0
    for doc_id in dict.fromkeys(document_ids):
        if doc_id not in have:
            session.add(TicketDocumentRow(ticket_id=ticket.id, document_id=doc_id, added_at=now))
            added += 1
    return added


def open_ticket(session: Session, *, origin: str, severity: str, title: str, now: datetime, sla_hours: float,
                department_id: str | None = None, alert_id: int | None = None, appeal_id: str | None = None,
                channel: str | None = None, topic: str | None = None, has_citizen: bool = False,
                citizen_language: str | None = None, document_ids: list[str] | None = None,
                actor: str = "system") -> TicketRow:
    t = TicketRow(origin=origin, alert_id=alert_id, appeal_id=appeal_id, department_id=department_id,
                  title=title[:1000], channel=channel, topic=topic, severity=severity, status=S.NEW.value,
                  has_citizen=has_citizen, citizen_language=citizen_language, created_at=now, updated_at=now,
                  due_at=now + timedelta(hours=sla_hours), breached=False, reopen_count=0, contact_count=0)
    session.add(t)
    session.flush()
    audit(session, t, actor, "created", now, text=f"{origin} ticket, severity {severity}, due {t.due_at.isoformat()}")
    if document_ids:
        attach_documents(session, t, document_ids, now)
    if appeal_id:
        sync_appeal(session, t, AppealStatus.TICKET_OPENED, now, f"ticket #{t.id}")
    return t


def raise_severity(session: Session, t: TicketRow, severity: str, sla_hours: float, now: datetime, actor: str = "system") -> bool:
    """Escalate an open ticket's severity; the deadline moves earlier if the new SLA is shorter."""
    if SEVERITY_ORDER[severity] <= SEVERITY_ORDER[t.severity] or t.status == S.CLOSED:
        return False
    audit(session, t, actor, "severity", now, field="severity", old=t.severity, new=severity)
    t.severity = severity
    changed(t)
    due = t.created_at + timedelta(hours=sla_hours)
    if due < t.due_at:
        audit(session, t, actor, "due", now, field="due_at", old=t.due_at.isoformat(), new=due.isoformat())
        t.due_at = due
    return True


def sync_appeal(session: Session, t: TicketRow, status: AppealStatus, now: datetime, note: str) -> None:
    """Mirror a ticket milestone on the citizen's appeal (its tracking page shows the history)."""
    if t.appeal_id:
        follow_ticket(session, t.appeal_id, status, now, note)


def _responded(t: TicketRow, now: datetime) -> None:
    if t.first_response_at is None:
        t.first_response_at = now


def assign(session: Session, t: TicketRow, assignee: str, actor: str, now: datetime) -> TicketRow:
    if t.status == S.CLOSED:
        raise InvalidTransition(f"ticket #{t.id} is closed; reopen it before assigning")
    audit(session, t, actor, "assigned", now, field="assignee", old=t.assignee, new=assignee)
    t.assignee = assignee
    changed(t)
    if t.status in (S.NEW, S.REOPENED):
        audit(session, t, actor, "status", now, field="status", old=t.status, new=S.ASSIGNED.value)
        t.status = S.ASSIGNED.value
    return t


def set_status(session: Session, t: TicketRow, status: str, actor: str, now: datetime, note: str | None = None) -> TicketRow:
    """Move to ``status`` (closing and reopening have their own functions with their checks)."""
    try:
        new = TicketStatus(status)
    except ValueError:
        raise TicketError(f"unknown status {status!r}; one of {', '.join(s.value for s in TicketStatus)}") from None
    if new == S.CLOSED:
        raise TicketError("use close_ticket to close (it checks the citizen contact)")
    if new == S.REOPENED:
        raise TicketError("use reopen_ticket to reopen")
    if new.value == t.status:
        return t
    if new not in TRANSITIONS[TicketStatus(t.status)]:
        raise InvalidTransition(f"ticket #{t.id}: cannot go from {t.status} to {new.value}")
    audit(session, t, actor, "status", now, field="status", old=t.status, new=new.value, text=note)
    t.status = new.value
    changed(t)
    if new in RESPONSE_STATUSES:
        _responded(t, now)
    return t


def add_note(session: Session, t: TicketRow, text: str, actor: str, now: datetime) -> TicketEventRow:
    if not text.strip():
        raise TicketError("a note cannot be empty")
    return audit(session, t, actor, "note", now, text=text.strip())


def reply_to_citizen(session: Session, t: TicketRow, text: str, actor: str, now: datetime) -> TicketEventRow:
    """A public reply: shown on the citizen's tracking page (stored on the appeal too)."""
    if not text.strip():
        raise TicketError("a reply cannot be empty")
    ev = audit(session, t, actor, "public_reply", now, text=text.strip(), public=True)
    t.public_reply = text.strip()
    _responded(t, now)
    if t.appeal_id:
        appeal = session.get(AppealRow, t.appeal_id)
        if appeal is not None:
            appeal.public_reply = text.strip()
            appeal.updated_at = now
    return ev


def record_contact(session: Session, t: TicketRow, channel: str, outcome: str, actor: str, now: datetime,
                   at: datetime | None = None, note: str | None = None) -> CitizenContactRow:
    if channel not in CONTACT_CHANNELS:
        raise TicketError(f"unknown contact channel {channel!r}; one of {', '.join(CONTACT_CHANNELS)}")
    if outcome not in CONTACT_OUTCOMES:
        raise TicketError(f"unknown contact outcome {outcome!r}; one of {', '.join(CONTACT_OUTCOMES)}")
    when = at or now
    if when > now + timedelta(minutes=5):
        raise TicketError("a contact cannot be recorded in the future")
    c = CitizenContactRow(ticket_id=t.id, channel=channel, outcome=outcome, note=note, actor=actor, at=when, recorded_at=now)
    session.add(c)
    t.contact_count = (t.contact_count or 0) + 1
    audit(session, t, actor, "contact", now, field="contact", new=f"{channel}:{outcome}", text=note)
    _responded(t, when if t.first_response_at is None else now)
    return c


def _last_reopened_at(session: Session, t: TicketRow) -> datetime | None:
    return session.scalar(
        select(TicketEventRow.at).where(TicketEventRow.ticket_id == t.id, TicketEventRow.action == "reopened")
        .order_by(TicketEventRow.at.desc()).limit(1)
    )


def has_callback_number() -> ColumnElement[bool]:
    """SQL: the appeal left a number to call back — the same test as ``_can_call_back`` (blank is no number)."""
    return and_(AppealRow.contact_phone.is_not(None), func.trim(AppealRow.contact_phone) != "")


def _can_call_back(session: Session, t: TicketRow) -> bool:
    """Whether the call left a number to call back (a withheld number, or a call typed in without one, did not)."""
    appeal = session.get(AppealRow, t.appeal_id) if t.appeal_id else None
    return bool(appeal is not None and (appeal.contact_phone or "").strip())


def closure_problem(session: Session, t: TicketRow) -> str | None:
    """Why this ticket may not be closed yet, or None."""
    if t.status == S.CLOSED:
        return f"ticket #{t.id} is already closed"
    if not t.has_citizen:
        return None
    since = _last_reopened_at(session, t) or t.created_at
    contacts = session.scalars(select(CitizenContactRow).where(
        CitizenContactRow.ticket_id == t.id, CitizenContactRow.at >= since)).all()
    callback = t.channel == HOTLINE and _can_call_back(session, t)
    if callback:  # the caller is called back: an e-mail or a tracking-page reply is not a callback
        contacts = [c for c in contacts if c.channel == "phone"]
    if any(c.outcome in SUCCESSFUL_OUTCOMES for c in contacts):
        return None
    if len(contacts) >= MIN_FAILED_ATTEMPTS:
        return None
    what = "since it was reopened" if since != t.created_at else "yet"
    if callback:
        return (f"ticket #{t.id} came from a hotline call and cannot be closed before the caller is called back: "
                f"no callback has been recorded {what}. Call the number back (the exchange records the call) or "
                f"record a phone contact with its outcome — or {MIN_FAILED_ATTEMPTS} unanswered callbacks "
                f"({len(contacts)} so far).")
    return (f"ticket #{t.id} cannot be closed: no contact with the citizen has been recorded {what}. "
            f"Call the citizen back and record the contact (channel, time, outcome) first — or record "
            f"{MIN_FAILED_ATTEMPTS} unsuccessful attempts ({len(contacts)} so far).")


def close(session: Session, t: TicketRow, actor: str, resolution: str, now: datetime) -> TicketRow:
    if not resolution or not resolution.strip():
        raise ClosureRefused(f"ticket #{t.id} cannot be closed without a resolution text")
    problem = closure_problem(session, t)
    if problem:
        raise ClosureRefused(problem)
    audit(session, t, actor, "closed", now, field="status", old=t.status, new=S.CLOSED.value, text=resolution.strip())
    t.status = S.CLOSED.value
    changed(t)
    t.resolution = resolution.strip()
    t.closed_at = now
    if t.first_closed_at is None:
        t.first_closed_at = now
    _responded(t, now)
    sync_appeal(session, t, AppealStatus.CLOSED, now, resolution.strip())
    return t


def reopen(session: Session, t: TicketRow, actor: str, reason: str, now: datetime) -> TicketRow:
    if t.status != S.CLOSED:
        raise InvalidTransition(f"ticket #{t.id} is not closed (status {t.status})")
    audit(session, t, actor, "reopened", now, field="status", old=t.status, new=S.REOPENED.value, text=reason)
    t.status = S.REOPENED.value
    changed(t)
    t.closed_at = None
    t.reopen_count = (t.reopen_count or 0) + 1
    sync_appeal(session, t, AppealStatus.TICKET_OPENED, now, f"reopened: {reason}")
    return t
