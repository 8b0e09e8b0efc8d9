"""Text appeals from the portal and the API, and the public view of an appeal.

A text appeal becomes a ``Document`` (channel ``text_appeal``) that goes
through the same ``pipeline.ingest`` as everything else; the alerts
post-ingest hook opens the ticket.  The public view exposes only what the
citizen may see: statuses, the department's public reply and the survey.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from healthpulse.appeals import intake as appeal_intake
from healthpulse.appeals import lifecycle as core_appeals
from healthpulse.core.contacts import InvalidContact, validate_email, validate_phone
from healthpulse.core.domain import Channel
from healthpulse.core.errors import HealthpulseError
from healthpulse.web.services import tickets
from healthpulse.web.services.context import WebContext

log = logging.getLogger(__name__)

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5000


class AppealInputError(HealthpulseError, ValueError):
    """The appeal cannot be accepted; ``field`` names the offending input."""
    error_code = "invalid"

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass
class TextAppeal:
    language: str
    topic: str
    department_id: str
    description: str
    consent: bool
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


@dataclass
class PublicAppeal:
    tracking_code: str
    status: str
    channel: str
    topic: str | None
    department_id: str | None
    created_at: Any
    history: list[dict[str, Any]] = field(default_factory=list)
    public_reply: str | None = None
    rejection_reason: str | None = None
    survey: dict[str, Any] | None = None  # {"available": bool, "answered": bool, "score": int|None}

    def to_json(self) -> dict[str, Any]:
        return {
            "tracking_code": self.tracking_code, "status": self.status, "channel": self.channel,
            "topic": self.topic, "department": self.department_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "history": self.history, "public_reply": self.public_reply,
            "rejection_reason": self.rejection_reason, "survey": self.survey,
        }


def validate(appeal: TextAppeal, topics: list[str], departments: list[str], languages: list[str]) -> None:
    """Refuse what cannot be accepted (``AppealInputError`` naming the field); contacts are normalised in place."""
    if appeal.language not in languages:
        raise AppealInputError("language", f"language must be one of {', '.join(languages)}")
    if appeal.topic not in topics:
        raise AppealInputError("topic", "unknown category")
    if appeal.department_id not in departments:
        raise AppealInputError("department", "unknown region")
    text = appeal.description.strip()
    if len(text) < MIN_DESCRIPTION or len(text) > MAX_DESCRIPTION:
        raise AppealInputError("description", f"description must be {MIN_DESCRIPTION}-{MAX_DESCRIPTION} characters")
    if not appeal.consent:
        raise AppealInputError("consent", "consent to process the appeal is required")
    # The shared validator (core/contacts.py); the appeal keeps the normalised values.
    try:
        if _clean(appeal.contact_email):
            appeal.contact_email = validate_email(appeal.contact_email or "")
    except InvalidContact as err:
        raise AppealInputError("contact_email", str(err)) from None
    try:
        if _clean(appeal.contact_phone):
            appeal.contact_phone = validate_phone(appeal.contact_phone or "")
    except InvalidContact as err:
        raise AppealInputError("contact_phone", str(err)) from None


def submit_text_appeal(container: WebContext, appeal: TextAppeal) -> str:
    """Register, ingest and route a text appeal (core intake); returns its tracking code."""
    return appeal_intake.submit_text_appeal(
        container, text=appeal.description, consent=appeal.consent, channel=Channel.TEXT_APPEAL,
        language=appeal.language, department_id=appeal.department_id, topic=appeal.topic,
        contact_name=_clean(appeal.contact_name), contact_phone=_clean(appeal.contact_phone),
        contact_email=_clean(appeal.contact_email),
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def public_view(container: WebContext, code: str) -> PublicAppeal | None:
    with container.session() as s:
        row = core_appeals.get_by_code(s, code)
        if row is None:
            return None
        view = PublicAppeal(
            tracking_code=row.tracking_code, status=row.status, channel=row.channel, topic=row.topic,
            department_id=row.department_id, created_at=row.created_at,
            history=[{"status": h.get("status"), "at": h.get("at"), "note": h.get("note")}
                     for h in (row.status_history or [])],
            public_reply=row.public_reply, rejection_reason=row.rejection_reason,
        )
        view.survey = _survey_state(s, row)
    return view


def _survey_state(session: Any, row: Any) -> dict[str, Any] | None:
    return tickets.survey_for_appeal(session, row)
