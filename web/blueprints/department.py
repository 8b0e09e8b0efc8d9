"""Department inbox: tickets (filters, counters, actions) and alerts of the user's own department."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from healthpulse.web import labels
from healthpulse.web.context import container, current_principal, require_role
from healthpulse.web.correction_form import CorrectionForm, body_of, make_form
from healthpulse.web.query_params import AlertParams, TicketParams, parse_query
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services import tickets as svc
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

bp = Blueprint("department", __name__, url_prefix="/department")


class TextForm(FlaskForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class AssignForm(FlaskForm):
    assignee = StringField(validators=[DataRequired(), Length(max=200)])


class StatusForm(FlaskForm):
    status = SelectField(choices=[(s, s) for s in ("in_progress", "awaiting_citizen", "assigned")])


class ContactForm(FlaskForm):
    channel = SelectField()
    outcome = SelectField()
    at = DateTimeLocalField(format="%Y-%m-%dT%H:%M", validators=[Optional()])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])


class CloseForm(FlaskForm):
    resolution = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class EmptyForm(FlaskForm):
    pass


def _principal() -> Any:
    p = current_principal()
    assert p is not None
    return p


@bp.route("/")
@require_role("department")
def index() -> Any:
    return redirect(url_for("department.tickets"))


@bp.route("/tickets")
@require_role("department")
def tickets() -> Any:
    f = svc.TicketFilters.from_params(parse_query(TicketParams, request.args, topics=list(labels.TOPICS)))
    rows, counters = svc.list_tickets(container(), _principal(), f)
    return render_template("department/tickets.html", rows=rows, counters=counters, f=f,
                           statuses=labels.TICKET_STATUSES, severities=labels.SEVERITIES, topics=labels.TOPICS,
                           channels=labels.CHANNELS)


def _contact_form() -> ContactForm:
    form = ContactForm()
    channels, outcomes = svc.contact_choices()
    form.channel.choices = [(c, _contact_label(c)) for c in channels]
    form.outcome.choices = [(o, _contact_label(o)) for o in outcomes]
    return form


def _contact_label(key: str) -> str:
    names = {"phone": _("Phone call"), "email": _("E-mail"), "sms": _("SMS"), "in_person": _("In person"),
             "video_call": _("Video call"), "letter": _("Letter"), "tracking_page": _("Tracking page"),
             "reached": _("Reached the citizen"), "resolved": _("Resolved with the citizen"),
             "no_answer": _("No answer"), "voicemail": _("Voicemail"), "wrong_number": _("Wrong number"),
             "declined": _("Citizen declined")}
    return str(names.get(key, key))


@bp.route("/tickets/<int:ticket_id>")
@require_role("department")
def ticket(ticket_id: int) -> Any:
    return _render_ticket(ticket_id)


def _render_ticket(ticket_id: int, bound: tuple[int, CorrectionForm] | None = None, status: int = 200) -> Any:
    """The ticket page; ``bound``: (position, the submitted correction form) to show again after a refusal."""
    try:
        detail = svc.get_ticket(container(), _principal(), ticket_id)
    except svc.NotFound:
        abort(404)
    _prepare_media(detail)
    corr_svc.decorate_documents(container(), _principal(), detail["documents"])
    for i, d in enumerate(detail["documents"]):
        d["correct_form"] = bound[1] if bound and bound[0] == i else make_form(d, i, container().departments)
        d["evidence_view"] = corr_svc.evidence_view(d["extract"], d["evidence"].get("incident_text"))
    return render_template("department/ticket.html", t=detail, text_form=TextForm(), assign_form=AssignForm(),
                           status_form=StatusForm(), contact_form=_contact_form(), close_form=CloseForm(),
                           empty_form=EmptyForm(), contact_label=_contact_label), status


@bp.route("/tickets/<int:ticket_id>/documents/<int:position>/correct", methods=["POST"])
@require_role("department")
def correct(ticket_id: int, position: int) -> Any:
    """Correct the analysis of the ticket's document at ``position``; a refusal re-renders the form (422)."""
    try:
        detail = svc.get_ticket(container(), _principal(), ticket_id)
    except svc.NotFound:
        abort(404)
    docs = detail["documents"]
    if position >= len(docs):
        abort(404)
    form = make_form(docs[position], position, container().departments, bound=True)
    if not form.validate_on_submit() or form.document_id.data != docs[position]["id"]:
        flash(_("Please fill in the form correctly."), "error")
        return _render_ticket(ticket_id, bound=(position, form), status=422)
    try:
        result = corr_svc.correct(container(), _principal(), docs[position]["id"], body_of(form))
    except corr_svc.CorrectionInvalid as err:
        flash(str(err), "error")
        if err.field in form:
            form[err.field].errors = [*form[err.field].errors, str(err)]
        return _render_ticket(ticket_id, bound=(position, form), status=422)
    except svc.NotFound:
        abort(404)
    flash(_("Correction saved.") if result["changed"] else _("Nothing changed."), "ok")
    return redirect(url_for("department.ticket", ticket_id=ticket_id) + f"#correct-{position}"), 303


def _prepare_media(detail: dict[str, Any]) -> None:
    """Video source per document (the video area's access-checked route when present) and masked transcripts."""
    appeal = detail.get("appeal")
    for d in detail["documents"]:
        d["video_src"] = None
        if d["has_video"]:
            d["video_src"] = url_for("department.media", ticket_id=detail["id"], document_id=d["id"])
        if d["channel"] in ("video_appeal", "text_appeal") and appeal:
            scope = {"department_id": detail.get("department")}
            d["extract"] = svc.visible_text(_principal(), scope, d["extract"])
            if d["evidence"].get("incident_text"):
                d["evidence"] = {**d["evidence"],
                                 "incident_text": svc.visible_text(_principal(), scope, d["evidence"]["incident_text"])}
            for seg in d["segments"]:
                seg["text"] = svc.visible_text(_principal(), scope, seg.get("text"))


@bp.route("/tickets/<int:ticket_id>/<any(take,assign,status,note,reply,contact,close,reopen):action>", methods=["POST"])
@require_role("department")
def ticket_action(ticket_id: int, action: str) -> Any:
    kw: dict[str, Any] = {}
    form: FlaskForm
    if action in ("note", "reply", "reopen"):
        form = TextForm()
    elif action == "assign":
        form = AssignForm()
    elif action == "status":
        form = StatusForm()
    elif action == "contact":
        form = _contact_form()
    elif action == "close":
        form = CloseForm()
    else:
        form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("Please fill in the form correctly."), "error")
        return redirect(url_for("department.ticket", ticket_id=ticket_id)), 303
    if action in ("note", "reply"):
        kw["text"] = form.text.data
    elif action == "reopen":
        kw["reason"] = form.text.data
    elif action == "assign":
        kw["assignee"] = form.assignee.data
    elif action == "status":
        kw["status"] = form.status.data
    elif action == "contact":
        at = form.at.data
        kw.update(channel=form.channel.data, outcome=form.outcome.data, note=form.note.data or None,
                  at=at.replace(tzinfo=UTC) if isinstance(at, datetime) else None)
    elif action == "close":
        kw["resolution"] = form.resolution.data
    try:
        svc.act(container(), _principal(), ticket_id, action, **kw)
    except svc.NotFound:
        abort(404)
    except svc.ActionRefused as err:
        flash(str(err), "error")
    else:
        flash(_("Saved."), "ok")
    return redirect(url_for("department.ticket", ticket_id=ticket_id)), 303


@bp.route("/tickets/<int:ticket_id>/media/<string:document_id>")
@require_role("department")
def media(ticket_id: int, document_id: str) -> Any:
    """The appeal video, only for a ticket in the user's scope (Range requests let the player seek)."""
    try:
        path = svc.media_path(container(), _principal(), ticket_id, document_id)
    except svc.NotFound:
        abort(404)
    try:
        return send_file(path, conditional=True, max_age=0)
    except FileNotFoundError:
        abort(404)


@bp.route("/alerts")
@require_role("department")
def alerts() -> Any:
    state = parse_query(AlertParams, request.args).state
    rows = svc.list_alerts(container(), _principal(), state=state)
    return render_template("department/alerts.html", rows=rows, state=state, form=EmptyForm(),
                           states=labels.ALERT_STATES)


@bp.route("/alerts/<int:alert_id>/<any(acknowledge,resolve):action>", methods=["POST"])
@require_role("department")
def alert_action(alert_id: int, action: str) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        svc.alert_action(container(), _principal(), alert_id, action)
    except svc.NotFound:
        abort(404)
    except svc.ActionRefused as err:
        flash(str(err), "error")
    return redirect(url_for("department.alerts", state=request.args.get("state") or None)), 303
