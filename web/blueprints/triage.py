"""The triage desk: tickets and appeals no department was found for, and routing each to a department.

Role ``triage`` (and admins).  Department users, the press office and
anyone else get 403; a ticket that already has a department is 404 here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from healthpulse.web.context import container, current_principal, require_role
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import local_digits
from healthpulse.web.services import triage as svc
from healthpulse.web.services.tickets import NotFound
from wtforms import SelectField
from wtforms.validators import DataRequired

bp = Blueprint("triage", __name__, url_prefix="/triage")


@bp.before_request
@require_role("triage")
def _triage_desk_only() -> None:
    return None


class RouteForm(LocalisedForm):
    # validate_choice off: the view names an unknown department in the user's language (422).
    department = SelectField(validators=[DataRequired()], validate_choice=False)


def _route_form(**kwargs: Any) -> RouteForm:
    form = RouteForm(**kwargs)
    form.department.choices = [("", "—")] + [(d.id, d.name) for d in container().departments.departments]
    return form


def _principal() -> Any:
    p = current_principal()
    assert p is not None
    return p


@bp.route("/")
def queue() -> Any:
    found = svc.queue(container(), _principal())
    return render_template("triage/queue.html", rows=found["rows"], total=found["total"])


@bp.route("/tickets/<int:ticket_id>")
def ticket(ticket_id: int) -> Any:
    return _render_ticket(ticket_id, _route_form(formdata=None))


def _render_ticket(ticket_id: int, form: RouteForm, status: int = 200) -> Any:
    try:
        detail = svc.ticket(container(), _principal(), ticket_id)
    except NotFound:
        abort(404)
    return render_template("triage/ticket.html", t=detail, form=form), status


@bp.route("/tickets/<int:ticket_id>/route", methods=["POST"])
def route(ticket_id: int) -> Any:
    form = _route_form()
    department = form.department.data or ""
    if not form.validate_on_submit() or container().departments.get(department) is None:
        form.department.errors = [_("Choose one of the departments.")]
        return _render_ticket(ticket_id, form, status=422)
    try:
        svc.route(container(), _principal(), ticket_id, department)
    except NotFound:
        abort(404)
    except svc.RouteRefused:
        form.department.errors = [_("Choose one of the departments.")]
        return _render_ticket(ticket_id, form, status=422)
    dep = container().departments.get(department)
    flash(_("Ticket #%(id)s sent to %(department)s.", id=local_digits(ticket_id), department=dep.name if dep else department), "ok")
    return redirect(url_for("triage.queue")), 303
