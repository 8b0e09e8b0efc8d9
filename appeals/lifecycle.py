"""Citizen appeals: creation with a tracking code, lookup, status transitions.

The tracking code is what the citizen keeps (printed, read over the phone):
short, unambiguous characters (no 0/O, 1/I/L), random from ``secrets``.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import datetime
from typing import Any, TypedDict, Unpack

from healthpulse.core.contacts import InvalidContact, validate_email, validate_phone
from healthpulse.core.domain import AppealStatus, Channel, stable_id
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.appeals import AppealRow
from healthpulse.text.normalize import to_ascii_digits
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Which statuses may follow which: a rejected or closed appeal does not silently come back.
TRANSITIONS: dict[str, set[str]] = {
    AppealStatus.RECEIVED: {AppealStatus.VALIDATING, AppealStatus.ANALYSED, AppealStatus.REJECTED, AppealStatus.TICKET_OPENED},
    AppealStatus.VALIDATING: {AppealStatus.TRANSCRIBING, AppealStatus.REJECTED},
    AppealStatus.TRANSCRIBING: {AppealStatus.ANALYSED, AppealStatus.REJECTED, AppealStatus.TRANSCRIBING},
    AppealStatus.ANALYSED: {AppealStatus.TICKET_OPENED, AppealStatus.CLOSED},
    AppealStatus.TICKET_OPENED: {AppealStatus.CLOSED},
    AppealStatus.CLOSED: {AppealStatus.TICKET_OPENED},  # a reopened ticket
    AppealStatus.REJECTED: set(),
}


class AppealError(HealthpulseError, ValueError):
    error_code = "invalid"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"HP-{raw[:4]}-{raw[4:]}"


MAX_CODE_CHARS = 64  # a code is 12 characters; room for spaces and a pasted prefix


def normalise_code(code: str) -> str:
    c = "".join(ch for ch in to_ascii_digits(code).upper() if ch.isalnum())  # a code typed with ۰-۹ / ٠-٩
    if c.startswith("HP"):
        c = c[2:]
    return f"HP-{c[:4]}-{c[4:]}" if len(c) == 8 else code.strip().upper()


class AppealDetails(TypedDict, total=False):
    """What a citizen may tell about an appeal besides its text; every intake passes these through."""

    language: str | None
    department_id: str | None
    topic: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None


def create_appeal(
    session: Session,
    *,
    channel: Channel | str,
    now: datetime,
    consent: bool,
    status: AppealStatus = AppealStatus.RECEIVED,
    **details: Unpack[AppealDetails],
) -> AppealRow:
    """Register an appeal and give it a unique tracking code. Consent is required."""
    if not consent:
        raise AppealError("consent to process the appeal is required")
    if str(channel) == Channel.NEWS:
        raise AppealError("news is not an appeal channel")
    details = _checked_contacts(details)
    for _ in range(10):
        code = new_tracking_code()
        if session.scalar(select(AppealRow.id).where(AppealRow.tracking_code == code)) is None:
            break
    else:  # pragma: no cover - 31^8 codes
        raise AppealError("could not allocate a tracking code")
    row = AppealRow(
        id=uuid.uuid4().hex, tracking_code=code, channel=str(channel), consent=True, status=str(status), **details,
        status_history=[{"status": str(status), "at": now.isoformat(), "note": None}],
        created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _checked_contacts(details: AppealDetails) -> AppealDetails:
    """Every intake's contacts through the one validator (core/contacts.py), normalised; a bad one is refused."""
    out = AppealDetails(**details)
    try:
        if (email := (details.get("contact_email") or "").strip()):
            out["contact_email"] = validate_email(email)
    except InvalidContact as err:
        raise AppealError(f"contact_email: {err}") from None
    try:
        if (phone := (details.get("contact_phone") or "").strip()):
            out["contact_phone"] = validate_phone(phone)
    except InvalidContact as err:
        raise AppealError(f"contact_phone: {err}") from None
    return out


def get_by_code(session: Session, code: str) -> AppealRow | None:
    """The appeal with this tracking code; None for anything that cannot be one (so a NUL byte or a
    megabyte of text from a URL never reaches the database)."""
    code = to_ascii_digits(code) if len(code) <= MAX_CODE_CHARS else code  # ۰-۹ / ٠-٩ typed by the citizen
    if len(code) > MAX_CODE_CHARS or not code.isascii() or not code.isprintable():
        return None
    return session.scalar(select(AppealRow).where(AppealRow.tracking_code == normalise_code(code)))


def get_by_document(session: Session, document_id: str) -> AppealRow | None:
    return session.scalar(select(AppealRow).where(AppealRow.document_id == document_id))


def set_status(session: Session, appeal: AppealRow, status: AppealStatus | str, now: datetime,
               note: str | None = None, *, reason: str | None = None) -> AppealRow:
    """Move an appeal to ``status``, appending to its visible history; illegal moves raise."""
    status = AppealStatus(status)
    current = AppealStatus(appeal.status)
    if status != current and status not in TRANSITIONS[current]:
        raise AppealError(f"appeal {appeal.tracking_code}: cannot go from {current} to {status}")
    history: list[dict[str, Any]] = list(appeal.status_history or [])
    history.append({"status": str(status), "at": now.isoformat(), "note": note})
    appeal.status_history = history
    appeal.status = str(status)
    if status == AppealStatus.REJECTED:
        appeal.rejection_reason = reason or note
    appeal.updated_at = now
    return appeal


def link_document(appeal: AppealRow, document_id: str) -> None:
    appeal.document_id = document_id


def appeal_document_id(appeal: AppealRow) -> str:
    """The id of the Document that carries an appeal's text (stable: re-submitting updates it)."""

    return stable_id("appeal", appeal.id)


def close_as_praise(session: Session, appeal_id: str, now: datetime) -> None:
    """A thank-you needs no ticket: the appeal is analysed and closed at once (it is on the praise list)."""
    appeal = session.get(AppealRow, appeal_id)
    if appeal is None or appeal.status in (AppealStatus.CLOSED, AppealStatus.REJECTED):
        return
    try:
        if appeal.status != AppealStatus.ANALYSED:
            set_status(session, appeal, AppealStatus.ANALYSED, now)
        set_status(session, appeal, AppealStatus.CLOSED, now)
    except AppealError as exc:
        log.warning("appeal %s not closed as praise: %s", appeal.id, exc)


def follow_ticket(session: Session, appeal_id: str, status: AppealStatus, now: datetime, note: str) -> None:
    """The appeal's ticket reached a milestone (opened, closed, reopened): show it in the appeal's history.

    A transcribing or validating appeal whose ticket opens counts as analysed first; a move the
    appeal's own rules refuse is logged, never raised into the ticket's transaction.
    """
    appeal = session.get(AppealRow, appeal_id)
    if appeal is None or appeal.status == status:
        return
    try:
        if status == AppealStatus.TICKET_OPENED and appeal.status in (AppealStatus.TRANSCRIBING, AppealStatus.VALIDATING):
            set_status(session, appeal, AppealStatus.ANALYSED, now)
        set_status(session, appeal, status, now, note)
    except AppealError as exc:
        log.warning("appeal %s status not synced: %s", appeal.id, exc)
