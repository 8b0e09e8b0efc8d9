"""The incident page (press office and department staff) and the staff's split / merge corrections.

One page, two addresses in the existing areas: ``/press/incidents/<id>`` for the press office (every
department, read-only) and ``/department/incidents/<id>`` for department staff (their own department's only;
another department's incident reads as missing, 404).  Splits and merges are department actions: a POST
with the form's CSRF token, the same service as the API (``web/services/incidents.decide``), then back to
the page (303) with a message.  A refusal shows the page again with the reason in the reader's language and
changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from healthpulse.incidents.decisions import DecisionRefused
from healthpulse.web.context import container, current_principal, require_role
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import local_digits
from healthpulse.web.query_params import IncidentListParams, parse_query
from healthpulse.web.services import incident_page
from healthpulse.web.services import incidents as incident_svc
from healthpulse.web.services.tickets import NotFound
from healthpulse.web.services.users import Principal
from healthpulse.web.templating import department_names
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

bp = Blueprint("incidents", __name__)


class SplitForm(LocalisedForm):
    document_id = HiddenField(validators=[DataRequired(), Length(max=128)])


class MergeForm(LocalisedForm):
    other = StringField(validators=[Length(max=12)])  # the incident number, checked by the view (named refusal)


def _principal() -> Principal:
    p = current_principal()
    assert p is not None  # require_role
    return p


@bp.route("/press/incidents")
@require_role("press")
def press_list() -> Any:
    """Every department's incidents (or one's: ``?department=``), the ones hurting most first (coverage × reach
    × severity)."""
    params = parse_query(IncidentListParams, request.args, departments=container().departments.ids)
    rows = incident_svc.rank_in_scope(container(), [params.department] if params.department else None)
    return render_template("incidents/list.html", rows=rows, area="press", params=params,
                           department_choices=department_names())


@bp.route("/department/incidents")
@require_role("department")
def department_list() -> Any:
    rows = incident_svc.ranked_incidents(container(), _principal())
    return render_template("incidents/list.html", rows=rows, area="department", params=None)


@bp.route("/press/incidents/<int:incident_id>")
@require_role("press")
def press_incident(incident_id: int) -> Any:
    return _render(incident_id, area="press")


@bp.route("/department/incidents/<int:incident_id>")
@require_role("department")
def department_incident(incident_id: int) -> Any:
    return _render(incident_id, area="department")


def _render(incident_id: int, area: str, status: int = 200, merge_form: MergeForm | None = None,
            error: str | None = None) -> Any:
    try:
        inc = incident_page.incident_page(container(), _principal(), incident_id)
    except NotFound:
        abort(404)
    return render_template("incidents/incident.html", i=inc, area=area, can_correct=area == "department",
                           merge_form=merge_form or MergeForm(formdata=None),
                           error=error), status


@bp.route("/department/incidents/<int:incident_id>/split", methods=["POST"])
@require_role("department")
def split(incident_id: int) -> Any:
    """Move one document out into an incident of its own (the machine merged it wrongly)."""
    form = SplitForm()
    if not form.validate_on_submit():
        return _refused(incident_id, 400, _("Choose a document of this incident to split off."))
    try:
        new_id = incident_svc.decide(container(), _principal(), incident_id, "split",
                                     {"document_id": form.document_id.data})
    except NotFound:
        abort(404)
    except DecisionRefused as err:
        only = "only one" in str(err)
        return _refused(incident_id, 409, _("This is the incident's only document: there is nothing to split it from.")
                        if only else _("This document is not in this incident (the page may be out of date)."))
    flash(_("The document was split off into incident #%(n)s.", n=local_digits(new_id)), "ok")
    return redirect(url_for("incidents.department_incident", incident_id=incident_id)), 303


@bp.route("/department/incidents/<int:incident_id>/merge", methods=["POST"])
@require_role("department")
def merge(incident_id: int) -> Any:
    """Move every document of another incident of the department into this one."""
    form = MergeForm()
    if not form.validate_on_submit():
        return _refused(incident_id, 400, _("Please fill in the form correctly."), form)
    raw = (form.other.data or "").strip().lstrip("#")
    if not (raw.isdecimal() and len(raw) <= 9):  # any script's digits: a Persian reader may type ۱۲
        return _refused(incident_id, 422, _("Enter the number of an incident, for example 12."), form)
    other = int(raw)
    try:
        incident_svc.decide(container(), _principal(), incident_id, "merge", {"incident_id": other})
    except NotFound:
        _page_in_scope(incident_id)  # this incident missing → 404; else the other one is unknown or not ours
        return _refused(incident_id, 422, _("There is no incident #%(n)s among your department's incidents.",
                                            n=local_digits(other)), form)
    except DecisionRefused:
        return _refused(incident_id, 409, _("Incident #%(n)s cannot be merged into this one: it is this incident, "
                                            "or it was already merged.", n=local_digits(other)), form)
    flash(_("Incident #%(n)s was merged into this one.", n=local_digits(other)), "ok")
    return redirect(url_for("incidents.department_incident", incident_id=incident_id)), 303


def _page_in_scope(incident_id: int) -> None:
    try:
        incident_svc.get_incident(container(), _principal(), incident_id)
    except NotFound:
        abort(404)


def _refused(incident_id: int, status: int, message: str, merge_form: MergeForm | None = None) -> Any:
    if merge_form is not None:
        merge_form.other.errors = [*merge_form.other.errors, message]
    return _render(incident_id, area="department", status=status, merge_form=merge_form, error=message)
