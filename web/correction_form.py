"""The inbox's "Correct the analysis" form: one per document on a ticket page, prefilled with the current values.

The form always posts every field; the service records only the fields whose
value really changed (so an untouched field is never a correction).  An empty
choice means "leave as it is" except for severity, where it means "none".
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from healthpulse.core.departments import DepartmentsFile
from healthpulse.web import labels
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import current_language
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CorrectionForm(LocalisedForm):
    document_id = HiddenField()
    incident = SelectField(choices=[("", "—"), ("yes", _l("yes")), ("no", _l("no"))], validators=[Optional()])
    severity = SelectField(choices=[("", "—"), *labels.SEVERITIES.items()], validators=[Optional()])
    sentiment = SelectField(choices=[("", "—"), *labels.SENTIMENTS.items()], validators=[Optional()])
    topics = CheckboxList(choices=list(labels.TOPICS.items()), validators=[Optional()])
    department = SelectField(validators=[Optional()])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])


def make_form(document: dict[str, Any], position: int, departments: DepartmentsFile,
              bound: bool = False) -> CorrectionForm:
    """The form of the document at ``position`` on the page (its own prefix, so several never clash)."""
    cur = document.get("current") or {}
    incident = "" if cur.get("incident") is None else "yes" if cur["incident"] else "no"
    data = {"document_id": document["id"], "incident": incident, "severity": cur.get("severity") or "",
            "sentiment": cur.get("sentiment") or "", "topics": cur.get("topics") or [],
            "department": cur.get("department") or ""}
    kw: dict[str, Any] = {} if bound else {"formdata": None}
    form = CorrectionForm(prefix=f"c{position}-", data=data, **kw)
    lang = current_language()
    form.department.choices = [("", "—"), *((d.id, f"{d.id} — {d.name.in_language(lang)}") for d in departments.departments)]
    return form


def body_of(form: CorrectionForm) -> dict[str, Any]:
    """The service's JSON body from a submitted form."""
    body: dict[str, Any] = {"topics": list(form.topics.data or []), "severity": form.severity.data or None}
    if form.incident.data:
        body["incident"] = form.incident.data == "yes"
        if not body["incident"]:
            body["severity"] = None  # the prefilled severity goes with the incident
    if form.sentiment.data:
        body["sentiment"] = form.sentiment.data
    if form.department.data:
        body["department"] = form.department.data
    if form.note.data:
        body["note"] = form.note.data
    return body
