"""Messages of the lower layers (ticket rules, alert reasons, appeal history, surveys) in the reader's language.

alerts/, appeals/, ingest/ and the web services speak English: the CLI, the
API and the logs show their messages as they are, and some are stored (an
alert's reason, a note in an appeal's history).  Pages show them through
``server_message``: each known message shape is a pattern whose named parts
fill a translated template (ids in it — a status, a severity — become their
labels, numbers the reader's digits).  A message no pattern knows is shown
unchanged, so a new English message is never lost, only untranslated; the
tests build the messages with the real code, so a changed wording fails them.
"""

from __future__ import annotations

import re

from flask_babel import gettext
from healthpulse.alerts.rules import reasons
from healthpulse.web.datetimes import format_local
from healthpulse.web.i18n import current_language, local_digits, local_number
from healthpulse.web.labels import label
from healthpulse.web.zones import page_zone


def _l(msgid: str) -> str:
    """Marks a template for the catalogue (``pybabel extract -k _l``); it is translated when shown."""
    return msgid


# Parts of a message that are ids: shown as their translated labels.
_LABELS = {"status": "ticket_status", "old": "ticket_status", "new": "ticket_status", "severity": "severity",
           "topic": "topic"}
_CLOSE_HINT = (r"Call the citizen back and record the contact \(channel, time, outcome\) first — or record "
               r"(?P<attempts>\d+) unsuccessful attempts \((?P<count>\d+) so far\)\.")
_CALLBACK_HINT = (r"Call the number back \(the exchange records the call\) or record a phone contact with its outcome "
                  r"— or (?P<attempts>\d+) unanswered callbacks \((?P<count>\d+) so far\)\.")

MESSAGES: list[tuple[str, str]] = [
    # a ticket's first history line (alerts/tickets/lifecycle.open_ticket): the deadline as a local date
    (r"\w+ ticket, severity (?P<severity>\w+), due (?P<due>\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?)",
     _l("Ticket opened: severity %(severity)s, due %(due)s")),
    # ticket lifecycle (alerts/tickets/lifecycle.py, alerts/service.py)
    (r"ticket #(?P<number>\d+) cannot be closed: no contact with the citizen has been recorded yet\. " + _CLOSE_HINT,
     _l("Ticket #%(number)s cannot be closed: no contact with the citizen has been recorded yet. Call the citizen "
        "back and record the contact (channel, time, outcome) first — or record %(attempts)s unsuccessful "
        "attempts (%(count)s so far).")),
    (r"ticket #(?P<number>\d+) cannot be closed: no contact with the citizen has been recorded since it was "
     r"reopened\. " + _CLOSE_HINT,
     _l("Ticket #%(number)s cannot be closed: no contact with the citizen has been recorded since it was reopened. "
        "Call the citizen back and record the contact (channel, time, outcome) first — or record %(attempts)s "
        "unsuccessful attempts (%(count)s so far).")),
    (r"ticket #(?P<number>\d+) came from a hotline call and cannot be closed before the caller is called back: "
     r"no callback has been recorded yet\. " + _CALLBACK_HINT,
     _l("Ticket #%(number)s came from a hotline call: it cannot be closed before the caller is called back, and no "
        "callback has been recorded yet. Call the number back or record a phone contact with its outcome — or "
        "%(attempts)s unanswered callbacks (%(count)s so far).")),
    (r"ticket #(?P<number>\d+) came from a hotline call and cannot be closed before the caller is called back: "
     r"no callback has been recorded since it was reopened\. " + _CALLBACK_HINT,
     _l("Ticket #%(number)s came from a hotline call: it cannot be closed before the caller is called back, and no "
        "callback has been recorded since it was reopened. Call the number back or record a phone contact with its "
        "outcome — or %(attempts)s unanswered callbacks (%(count)s so far).")),
    (r"ticket #(?P<number>\d+) cannot be closed without a resolution text",
     _l("Ticket #%(number)s cannot be closed without a resolution text.")),
    (r"ticket #(?P<number>\d+) is already closed", _l("Ticket #%(number)s is already closed.")),
    (r"ticket #(?P<number>\d+) is not closed \(status (?P<status>\w+)\)",
     _l("Ticket #%(number)s is not closed (status: %(status)s).")),
    (r"ticket #(?P<number>\d+) is closed; reopen it before assigning",
     _l("Ticket #%(number)s is closed; reopen it before assigning it.")),
    (r"ticket #(?P<number>\d+): cannot go from (?P<old>\w+) to (?P<new>\w+)",
     _l("Ticket #%(number)s cannot go from “%(old)s” to “%(new)s”.")),
    (r"use close_ticket to close \(it checks the citizen contact\)",
     _l("Close the ticket with the closing form: it checks the contact with the citizen.")),
    (r"use reopen_ticket to reopen", _l("Reopen the ticket with the reopening form.")),
    (r"a note cannot be empty", _l("A note cannot be empty.")),
    (r"a reply cannot be empty", _l("A reply cannot be empty.")),
    (r"a contact cannot be recorded in the future", _l("A contact cannot be recorded in the future.")),
    (r"assignee is required", _l("Choose who the ticket is assigned to.")),
    (r"a reason is required to reopen a ticket", _l("A reason is required to reopen a ticket.")),
    # alert reasons (alerts/rules/*.py), stored with the alert
    (reasons.INCIDENT.pattern, _l("incident reported (severity: %(severity)s)")),
    (reasons.SPIKE.pattern,
     _l("spike: %(count)s documents against a usual %(baseline)s (p = %(p)s)")),
    (r"volume fell back to the baseline \(≈(?P<baseline>[\d.]+) per (?P<hours>[\d.]+) h\)",
     _l("volume fell back to the usual level (about %(baseline)s per %(hours)s h)")),
    (r"watchlist: (?P<terms>.+)", _l("watchlist: %(terms)s")),
    # alert titles of the volume rules (alerts/rules/spike.py, flatline.py), stored with the alert
    (r"(?P<topic>[a-z_]+): spike over (?P<hours>[\d.]+) h \(baseline ≈(?P<baseline>[\d.]+)\)",
     _l("%(topic)s: spike over %(hours)s h (usually about %(baseline)s)")),
    (r"\w+ (?P<value>\S+): (?P<recent>\d+) documents in (?P<hours>[\d.]+) h \(usually ≈(?P<usual>[\d.]+)\)",
     _l("%(value)s: %(recent)s documents in %(hours)s h (usually about %(usual)s)")),
    (r"\w+ (?P<value>\S+): publishing again", _l("%(value)s: publishing again")),
    # an appeal's history (alerts/tickets/lifecycle.py, video_intake/jobs.py)
    (r"ticket #(?P<number>\d+)", _l("ticket #%(number)s")),
    (r"reopened: (?P<reason>.*)", _l("reopened: %(reason)s")),
    (r"survey sent, expires (?P<due>\S+)", _l("the survey link is valid until %(due)s")),
    (r"automatic transcription failed", _l("automatic transcription failed; staff will watch the video")),
    # surveys (web/services/tickets.py, alerts/tickets/csat.py)
    (r"score must be 1-5|score must be a whole number from 1 to 5", _l("Choose a score from 1 to 5.")),
    (r"there is no open survey for this appeal", _l("There is no open survey for this appeal.")),
    (r"this survey has already been answered — thank you", _l("This survey has already been answered. Thank you!")),
    (r"this survey link has expired", _l("This survey link has expired.")),
    (r"this survey link is not valid", _l("This survey link is not valid.")),
    # users (web/services/users.py)
    (r"password must be at least (?P<n>\d+) characters", _l("The password must be at least %(n)s characters long.")),
    (r"a pbx account has no password: the exchange authenticates with its API token or its HMAC secret",
     _l("A telephone exchange (pbx) account has no password: the exchange authenticates with its API token or its "
        "HMAC secret.")),
    (r"user '(?P<name>.+)' already exists", _l("The user “%(name)s” already exists.")),
    (r"username must be 1-64 characters", _l("The username must be 1 to 64 characters long.")),
    (r"a department user needs (?:--department|a department)", _l("A department user needs a department.")),
    (r"unknown department '(?P<id>.+)'", _l("Unknown department “%(id)s”.")),
    (r"role '(?P<role>\w+)' is not scoped to a department", _l("The role “%(role)s” has no department.")),
    # corrections and place aliases (ingest/corrections.py, ingest/place_aliases.py)
    (r"a severity needs an incident: set 'incident': true, or 'severity': null",
     _l("A severity needs an incident: mark it as an incident, or remove the severity.")),
    (r"nothing to correct: give at least one of .+", _l("Nothing to correct: change at least one field.")),
    (r"'note' is longer than (?P<n>\d+) characters", _l("The note is longer than %(n)s characters.")),
    (r"the place text must be 1-(?P<n>\d+) characters", _l("The place text must be 1 to %(n)s characters long.")),
    (r"the place text must contain letters", _l("The place text must contain letters.")),
    (r"SLA for (?P<severity>\w+) must be between 0 and 8760 hours, got (?P<value>.+)",
     _l("The SLA for %(severity)s must be between 0 and 8760 hours (got %(value)s).")),
]

_COMPILED: list[tuple[re.Pattern[str], str]] = [(re.compile(rf"{p}\Z"), t) for p, t in MESSAGES]
_PART_SEPARATOR = " — "  # the alerts engine joins the reasons of merged firings with it


def _param(name: str, value: str) -> str:
    if name == "due":  # a moment: the reader's calendar, digits and the instance's zone, like every date on a page
        return format_local(value, current_language(), page_zone(), "short")
    kind = _LABELS.get(name)
    if kind:
        return label(kind, value)
    if re.fullmatch(r"-?\d*\.\d+", value):  # "≈0.5": the reader's decimal separator ("۰٫۵"); whole numbers
        return local_number(float(value))    # stay ungrouped (ticket numbers are identifiers)
    return local_digits(value) if re.fullmatch(r"[\d.,e+-]+", value) else value


def _one(text: str) -> str | None:
    for pattern, template in _COMPILED:
        m = pattern.match(text)
        if m:
            params = {k: _param(k, v) for k, v in m.groupdict().items()}
            return gettext(template, **params) if params else gettext(template)
    return None


def server_message(message: object) -> str:
    """``message`` in the reader's language when its shape is known (parts joined by " — " each), else unchanged."""
    if message is None:
        return ""
    text = str(message)
    whole = _one(text)
    if whole is not None:
        return whole
    parts = text.split(_PART_SEPARATOR)
    if len(parts) > 1:
        return _PART_SEPARATOR.join(_one(p) or p for p in parts)
    return text
