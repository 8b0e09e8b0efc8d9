"""One-use CSAT surveys (score 1–5 + comment) sent to the citizen when a ticket closes.

The link carries a random token; only its SHA-256 is stored, so a database
leak does not hand out working links.  A survey can be answered once and
expires after ``tickets.survey_days``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from healthpulse.core.errors import ErrorCode, HealthpulseError
from healthpulse.core.models.tickets import SurveyRow, TicketRow
from sqlalchemy import select, update
from sqlalchemy.orm import Session


class SurveyError(HealthpulseError, LookupError):
    error_code: ClassVar[ErrorCode] = "not_found"


class SurveyNotFound(SurveyError):
    pass


class SurveyUsed(SurveyError):
    error_code = "conflict"


class SurveyExpired(SurveyError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_survey(session: Session, ticket: TicketRow, now: datetime, days: float, language: str = "en") -> tuple[SurveyRow, str]:
    """A new survey for ``ticket``; returns the row and the raw token (only ever shown in the link)."""
    token = secrets.token_urlsafe(24)
    row = SurveyRow(ticket_id=ticket.id, token_hash=token_hash(token), language=language, created_at=now,
                    expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    return row, token


def find_survey(session: Session, token: str, now: datetime) -> SurveyRow:
    """The open survey for ``token``; raises SurveyNotFound / SurveyUsed / SurveyExpired."""
    row = session.scalar(select(SurveyRow).where(SurveyRow.token_hash == token_hash(token or "")))
    if row is None:
        raise SurveyNotFound("this survey link is not valid")
    if row.used_at is not None:
        raise SurveyUsed("this survey has already been answered — thank you")
    if now >= row.expires_at:
        raise SurveyExpired("this survey link has expired")
    return row


def submit_survey(session: Session, token: str, score: int, comment: str | None, now: datetime) -> SurveyRow:
    row = find_survey(session, token, now)
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValueError("score must be a whole number from 1 to 5")
    text = (comment or "").strip()[:4000] or None
    # Compare-and-set: of two simultaneous submissions only one wins.
    res = session.execute(update(SurveyRow).where(SurveyRow.id == row.id, SurveyRow.used_at.is_(None))
                          .values(score=score, comment=text, used_at=now))
    if res.rowcount != 1:  # type: ignore[attr-defined]
        raise SurveyUsed("this survey has already been answered — thank you")
    session.refresh(row)
    return row
