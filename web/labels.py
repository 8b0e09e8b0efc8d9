"""Translated labels for ids that the data layer stores (topics, statuses, channels...)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

TOPICS = {
    "drug_supply": _l("Drug supply"),
    "waiting_times": _l("Waiting times"),
    "staff_conduct": _l("Staff conduct"),
    "facility_conditions": _l("Facility conditions"),
    "emergency_care": _l("Emergency care"),
    "medical_error": _l("Medical error"),
    "infectious_disease": _l("Infectious disease"),
    "payment_insurance": _l("Payment and insurance"),
    "digital_services": _l("Digital services"),
    "maternal_child": _l("Mother and child care"),
}

APPEAL_STATUSES = {
    "received": _l("Received"),
    "validating": _l("Checking the recording"),
    "transcribing": _l("Transcribing"),
    "analysed": _l("Analysed"),
    "ticket_opened": _l("Passed to the department"),
    "rejected": _l("Rejected"),
    "closed": _l("Closed"),
}

TICKET_STATUSES = {
    "new": _l("New"),
    "assigned": _l("Assigned"),
    "in_progress": _l("In progress"),
    "awaiting_citizen": _l("Awaiting citizen"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
}

CHANNELS = {
    "news": _l("News"),
    "video_appeal": _l("Video appeal"),
    "text_appeal": _l("Text appeal"),
    "hotline": _l("Hotline"),
    "email": _l("E-mail"),
    "social": _l("Social media"),
}

SENTIMENTS = {"negative": _l("Negative"), "neutral": _l("Neutral"), "positive": _l("Positive")}
SEVERITIES = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High"), "critical": _l("Critical")}
ALERT_STATES = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved"),
                "past": _l("Past episode")}

INCIDENT_STATUSES = {"open": _l("Open"), "closed": _l("Closed"), "merged": _l("Merged into another incident")}

ROLES = {"department": _l("Department staff"), "press": _l("Press office"), "triage": _l("Triage desk"),
         "admin": _l("Administrator"), "pbx": _l("Telephone exchange (PBX)")}

TICKET_ACTIONS = {
    "created": _l("created the ticket"), "routed": _l("routed it"), "assigned": _l("assigned it"),
    "status": _l("changed the status"), "note": _l("added a note"), "public_reply": _l("replied to the citizen"),
    "contact": _l("recorded a contact"), "closed": _l("closed it"), "reopened": _l("reopened it"),
    "breached": _l("the deadline passed"), "due": _l("changed the deadline"), "severity": _l("changed the severity"),
    "correction": _l("corrected the analysis"), "survey": _l("sent the satisfaction survey"),
    "csat": _l("rated the handling"), "incident_joined": _l("joined it to an incident"),
}
ACTORS = {"system": _l("System"), "citizen": _l("Citizen")}  # any other actor is a user name, shown as it is

ALL = {
    "topic": TOPICS, "topics": TOPICS, "appeal_status": APPEAL_STATUSES, "ticket_status": TICKET_STATUSES,
    "channel": CHANNELS, "sentiment": SENTIMENTS, "severity": SEVERITIES, "alert_state": ALERT_STATES,
    "incident_status": INCIDENT_STATUSES, "role": ROLES, "ticket_action": TICKET_ACTIONS, "actor": ACTORS,
}


def language_name(code: str) -> str:
    """A document language's name in the reader's UI language ("ru" → "Russian", "русский"…), from CLDR via Babel."""
    locale = get_locale()
    name = locale.languages.get(code) if locale is not None else None
    return name[:1].upper() + name[1:] if name else code


def label(kind: str, key: object) -> str:
    """The translated label of ``key`` in ``kind``, or the key itself when unknown (never empty)."""
    if key is None:
        return "—"
    if kind == "language":
        return language_name(str(key))
    table = ALL.get(kind, {})
    value = table.get(str(key))
    return str(value) if value is not None else str(key)
