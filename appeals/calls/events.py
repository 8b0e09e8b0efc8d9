"""Call events in the "generic CTI" shape (newCall / answer / hangup) into the database.

A PBX repeats events and delivers them late or out of order: an event is stored
once per call and type (a repeat changes nothing and is still answered 200), and
the call's summary row takes each event's own fields whatever the order, so KPIs
computed from the events' own times do not depend on when they arrived.  The
call is routed by its IVR path (``DepartmentsFile.ivr_route``) as soon as the path
is known: before anyone listens to the recording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from healthpulse.core.contacts import normalize_phone
from healthpulse.core.context import CoreContext
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.ivr import MAX_IVR_CHARS, is_ivr_path, normalise_ivr
from healthpulse.core.models.calls import (
    CALL_EVENTS,
    DIRECTIONS,
    HANGUP_CAUSES,
    REFUSED_EVENT,
    CallEventRow,
    CallRow,
)
from healthpulse.text.unstorable import unstorable_problem
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

MAX_CALL_ID_CHARS = 128
CALLBACK_JOB = "calls.callback"  # an outbound call ended: record it as a contact on the caller's tickets
MAX_CLOCK_SKEW = timedelta(hours=1)  # an event "from the future" beyond this is a PBX clock error, refused


class CallEventInvalid(HealthpulseError, ValueError):
    """An event the API refuses; ``field`` names the parameter."""

    error_code = "invalid"

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    event: str
    at: datetime
    from_number: str | None = None
    to_number: str | None = None
    direction: str | None = None
    user: str | None = None
    queue: str | None = None
    answering_number: str | None = None
    cause: str | None = None
    ivr: str | None = None


def _text(fields: Mapping[str, object], key: str, max_len: int) -> str | None:
    value = fields.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a number sent as a JSON number
    if not isinstance(value, str):
        raise CallEventInvalid(f"'{key}' must be a string", key)
    value = value.strip()
    if len(value) > max_len:
        raise CallEventInvalid(f"'{key}' is longer than {max_len} characters", key)
    if problem := unstorable_problem(value):
        raise CallEventInvalid(f"'{key}' {problem}", key)
    return value or None


def _number(fields: Mapping[str, object], key: str) -> str | None:
    value = _text(fields, key, 64)
    return normalize_phone(value) if value else None


def _choice(fields: Mapping[str, object], key: str, allowed: tuple[str, ...]) -> str | None:
    value = _text(fields, key, 32)
    if value is not None and value not in allowed:
        raise CallEventInvalid(f"'{key}' must be one of {', '.join(allowed)}", key)
    return value


def _timestamp(fields: Mapping[str, object], now: datetime) -> datetime:
    raw = _text(fields, "timestamp", 64)
    if raw is None:
        return now
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise CallEventInvalid("'timestamp' must be ISO 8601 with a zone, e.g. 2026-11-30T09:15:02+03:00",
                               "timestamp") from None
    if at.tzinfo is None:
        raise CallEventInvalid("'timestamp' needs a zone (Z or +hh:mm): the PBX's local time is ambiguous",
                               "timestamp")
    if at - now > MAX_CLOCK_SKEW:
        raise CallEventInvalid("'timestamp' is more than an hour in the future: check the PBX's clock", "timestamp")
    return at.astimezone(now.tzinfo)


def parse_event(fields: Mapping[str, object], now: datetime) -> CallEvent:
    """A validated event from a JSON object or form fields (the generic CTI names), or ``CallEventInvalid``."""
    event = _text(fields, "event", 16) or _text(fields, "cmd", 16)
    if event is None:
        raise CallEventInvalid(f"'event' is required: one of {', '.join(CALL_EVENTS)}", "event")
    if event not in CALL_EVENTS:
        raise CallEventInvalid(f"'event' must be one of {', '.join(CALL_EVENTS)}", "event")
    call_id = _text(fields, "callId", MAX_CALL_ID_CHARS)
    if call_id is None:
        raise CallEventInvalid("'callId' is required", "callId")
    ivr_raw = _text(fields, "ivr", MAX_IVR_CHARS)
    if ivr_raw is not None and not is_ivr_path(ivr_raw):
        raise CallEventInvalid("'ivr' must be the digits the caller chose, e.g. 101 or 1-3", "ivr")
    cause = _choice(fields, "cause", HANGUP_CAUSES)
    return CallEvent(
        call_id=call_id, event=event, at=_timestamp(fields, now),
        from_number=_number(fields, "from"), to_number=_number(fields, "to"),
        direction=_choice(fields, "direction", DIRECTIONS), user=_text(fields, "user", 200),
        queue=_text(fields, "queue", 64), answering_number=_number(fields, "answeringNumber"),
        cause=cause, ivr=normalise_ivr(ivr_raw),
    )


def _fold(call: CallRow, ev: CallEvent, context: CoreContext, now: datetime) -> None:
    """Add one event's facts to the call; each event owns its own fields, so the order does not matter."""
    for attr in ("direction", "from_number", "to_number"):
        if getattr(call, attr) is None and getattr(ev, attr) is not None:
            setattr(call, attr, getattr(ev, attr))
    if ev.ivr is not None and call.ivr is None:
        call.ivr = ev.ivr
        call.department_id, call.topic = context.departments.ivr_route(ev.ivr)
    if ev.event == "newCall":
        call.offered_at = ev.at
    elif ev.event == "answer":
        call.answered_at = ev.at
        call.answered_by = ev.user or ev.answering_number
    elif ev.event == "hangup":
        call.ended_at = ev.at
        call.cause = ev.cause
        if ev.user and call.answered_by is None and call.answered_at is not None:
            call.answered_by = ev.user
    call.updated_at = now


def _was_refused(s: Session, call_id: str) -> bool:
    return s.scalar(select(CallEventRow.id).where(CallEventRow.call_id == call_id,
                                                  CallEventRow.event == REFUSED_EVENT)) is not None


def _store(s: Session, context: CoreContext, ev: CallEvent, reported_by: str, now: datetime) -> bool:
    if s.scalar(select(CallEventRow.id).where(CallEventRow.call_id == ev.call_id, CallEventRow.event == ev.event)):
        return False
    if ev.event != "newCall" and s.get(CallRow, ev.call_id) is None and _was_refused(s, ev.call_id):
        return False  # the hang-up of a call we refused: no call row (it would count as abandoned)
    s.add(CallEventRow(call_id=ev.call_id, event=ev.event, at=ev.at, received_at=now, from_number=ev.from_number,
                       to_number=ev.to_number, direction=ev.direction, user=ev.user, queue=ev.queue,
                       answering_number=ev.answering_number, cause=ev.cause, ivr=ev.ivr, reported_by=reported_by))
    call = s.get(CallRow, ev.call_id)
    if call is None:
        call = CallRow(call_id=ev.call_id, updated_at=now)
        s.add(call)
    _fold(call, ev, context, now)  # no IVR path (yet): department None, the triage queue
    if ev.event == "hangup" and call.direction == "outbound":
        context.jobs.enqueue(CALLBACK_JOB, {"call_id": ev.call_id}, idempotency_key=f"{CALLBACK_JOB}:{ev.call_id}",
                             session=s)
    s.flush()
    return True


def record_refused(context: CoreContext, ev: CallEvent, reported_by: str) -> None:
    """Remember that this call was refused (its id and time, not the caller's number), so the events the
    exchange still sends for it are recognised and make neither a call nor an entry in the KPIs."""
    try:
        with context.session() as s:
            if not _was_refused(s, ev.call_id):
                s.add(CallEventRow(call_id=ev.call_id, event=REFUSED_EVENT, at=ev.at,
                                   received_at=context.clock.now(), cause="blocked", reported_by=reported_by))
    except IntegrityError:
        pass  # a concurrent copy of the same refusal was stored first


def record_event(context: CoreContext, ev: CallEvent, reported_by: str) -> bool:
    """Store one event (True) or recognise a repeat (False); a concurrent copy of the same event loses cleanly."""
    now = context.clock.now()
    for attempt in range(3):
        try:
            with context.session() as s:
                return _store(s, context, ev, reported_by, now)
        except IntegrityError:
            if attempt == 2:
                raise
    return False
