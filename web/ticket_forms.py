"""The ticket page's forms (Flask-WTF, CSRF) and the instance's time zone for the times staff type.

Staff type a contact's time as local wall-clock time in the instance's zone
(``settings.timezone``, named next to the field); ``local_to_utc`` turns it
into the UTC instant the database keeps.  The assignee is a choice among
the people who may work on the ticket, set per ticket by the view and
checked again by the service.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from healthpulse.web.datetimes import zone_name
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import current_language, list_separator, local_digits
from wtforms import DateTimeLocalField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def version_field() -> IntegerField:
    """The ticket version the page showed (hidden): a change made on an older one is refused (409)."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])


class VersionedForm(LocalisedForm):
    """A form that changes the ticket's state (status, assignee, close, reopen) carries the version it saw."""

    version = version_field()


class TextForm(LocalisedForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class ReopenForm(VersionedForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class TakeForm(VersionedForm):
    pass


class AssignForm(VersionedForm):
    # validate_choice off: the view checks the choice itself, with a message in the user's language.
    assignee = SelectField(validators=[DataRequired()], validate_choice=False)

    def set_people(self, usernames: list[str]) -> None:
        self.assignee.choices = [("", "—")] + [(u, u) for u in usernames]

    def check_choice(self, usernames: list[str]) -> bool:
        if self.assignee.data in usernames:
            return True
        self.assignee.errors = [*self.assignee.errors, _("Choose a person who works on this ticket's department.")]
        return False


class StatusForm(VersionedForm):
    status = SelectField(choices=[(s, s) for s in ("in_progress", "awaiting_citizen", "assigned")])


class ContactForm(LocalisedForm):
    channel = SelectField()
    outcome = SelectField()
    at = DateTimeLocalField(format=[LOCAL_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S"], validators=[Optional()])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])


class CloseForm(VersionedForm):
    resolution = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    internal_note = TextAreaField(validators=[Optional(), Length(max=5000)])


class EmptyForm(LocalisedForm):
    pass


def local_to_utc(wall_clock: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time typed in ``zone`` as a UTC instant (an hour skipped or repeated by DST: the first)."""
    return wall_clock.replace(tzinfo=zone).astimezone(UTC)


def zone_label(zone: ZoneInfo, now: datetime) -> str:
    """``Tehran, UTC+03:30`` / ``تهران، UTC+۰۳:۳۰``: the zone as the page names it elsewhere, and its offset now."""
    lang = current_language()
    offset = now.astimezone(zone).strftime("%z")
    return f"{zone_name(zone, lang)}{list_separator(lang)}UTC{local_digits(f'{offset[:3]}:{offset[3:]}', lang)}"


def local_input_value(now: datetime, zone: ZoneInfo) -> str:
    """``now`` as a datetime-local value in ``zone`` (the field's ``max``: contacts are not in the future)."""
    return now.astimezone(zone).strftime(LOCAL_INPUT_FORMAT)
