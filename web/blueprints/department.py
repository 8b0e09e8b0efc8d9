"""Department inbox: tickets (search, filters, counters, pages, actions) and alerts of the user's own department."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from healthpulse.alerts.tickets.lifecycle import HOTLINE, MIN_FAILED_ATTEMPTS
from healthpulse.web import labels
from healthpulse.web.context import container, current_principal, require_role
from healthpulse.web.correction_form import CorrectionForm, body_of, make_form
from healthpulse.web.i18n import local_digits
from healthpulse.web.query_params import AlertParams, parse_query
from healthpulse.web.server_messages import server_message
from healthpulse.web.services import alerts as alert_svc
from healthpulse.web.services import calls as call_svc
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services import incidents as incident_svc
from healthpulse.web.services import tickets as svc
from healthpulse.web.ticket_forms import (
    AssignForm,
    CloseForm,
    ContactForm,
    EmptyForm,
    ReopenForm,
    StatusForm,
    TakeForm,
    TextForm,
    VersionedForm,
    local_input_value,
    local_to_utc,
    zone_label,
)
from healthpulse.web.zones import page_zone

bp = Blueprint("department", __name__, url_prefix="/department")


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
    f = svc.TicketFilters.from_args(request.args)  # a bad parameter: 400 naming it (QueryParamError)
    found = svc.list_tickets(container(), _principal(), f)
    return render_template("department/tickets.html", rows=found.rows, counters=found.counters, found=found, f=f,
                           statuses=labels.TICKET_STATUSES, severities=labels.SEVERITIES, topics=labels.TOPICS,
                           channels=labels.CHANNELS)


def _contact_form(**kwargs: Any) -> ContactForm:
    form = ContactForm(**kwargs)
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


def _render_ticket(ticket_id: int, bound: tuple[int, CorrectionForm] | None = None, status: int = 200,
                   forms: dict[str, FlaskForm] | None = None) -> Any:
    """The ticket page; ``bound``: (position, the submitted correction form) to show again after a refusal;
    ``forms``: submitted action forms to show again with their errors and what was typed."""
    c = container()
    try:
        detail = svc.get_ticket(c, _principal(), ticket_id)
        people = svc.assignees(c, _principal(), ticket_id)
    except svc.NotFound:
        abort(404)
    _prepare_media(detail)
    corr_svc.decorate_documents(c, _principal(), detail["documents"])
    for i, d in enumerate(detail["documents"]):
        d["correct_form"] = bound[1] if bound and bound[0] == i else make_form(d, i, c.departments)
        d["evidence_view"] = corr_svc.evidence_view(d["extract"], d["evidence"].get("incident_text"))
    shown: dict[str, Any] = {"text_form": TextForm(formdata=None), "assign_form": AssignForm(formdata=None),
                             "status_form": StatusForm(formdata=None), "contact_form": _contact_form(formdata=None),
                             "close_form": CloseForm(formdata=None), "empty_form": EmptyForm(formdata=None),
                             **(forms or {})}
    shown["assign_form"].set_people(people)
    if not (forms and "assign_form" in forms):
        shown["assign_form"].assignee.data = detail.get("assignee") or ""
    zone, now = page_zone(), c.clock.now()
    incidents = incident_svc.incidents_of_documents(c, _principal(), [d["id"] for d in detail["documents"]])
    return render_template("department/ticket.html", t=detail, incidents=incidents, contact_label=_contact_label,
                           zone_label=zone_label(zone, now), contact_max=local_input_value(now, zone),
                           min_failed_attempts=MIN_FAILED_ATTEMPTS, **shown), status


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
    """Media source per document (the video area's access-checked route when present; a call's recording plays in
    an audio player) and masked transcripts."""
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
    """One action on a ticket.  The assign, contact and close forms come back with their errors and what was
    typed (422) when refused; the others answer with a message on the ticket page."""
    try:  # scope first: another department's ticket is 404 whatever the form holds
        svc.ensure_in_scope(container(), _principal(), ticket_id)
    except svc.NotFound:
        abort(404)
    form = _action_form(ticket_id, action)
    if not form.validate_on_submit() or not _checks_pass(ticket_id, form):
        if action in REDISPLAYED:
            flash(_("Please fill in the form correctly."), "error")
            return _render_ticket(ticket_id, status=422, forms={REDISPLAYED[action]: form})
        flash(_("Please fill in the form correctly."), "error")
        return redirect(url_for("department.ticket", ticket_id=ticket_id)), 303
    version = form.version.data if isinstance(form, VersionedForm) else None
    try:
        svc.act(container(), _principal(), ticket_id, action, version=version, **_action_args(action, form))
    except svc.NotFound:
        abort(404)
    except svc.TicketConflict:
        # Someone changed the ticket since this page was loaded: show it as it is now, keep what was typed.
        flash(_stale_message(), "error")
        return _render_ticket(ticket_id, status=409, forms={REDISPLAYED[action]: form} if action in REDISPLAYED else None)
    except svc.ActionRefused as err:
        if action not in REDISPLAYED:
            flash(server_message(str(err)), "error")
            return redirect(url_for("department.ticket", ticket_id=ticket_id)), 303
        field = {"assign": "assignee", "contact": "at", "close": "resolution"}[action]
        form[field].errors = [*form[field].errors, _refusal_text(ticket_id, action, err)]
        flash(_("Not saved: see the message at the form."), "error")
        return _render_ticket(ticket_id, status=422, forms={REDISPLAYED[action]: form})
    flash(_("Saved."), "ok")
    return redirect(url_for("department.ticket", ticket_id=ticket_id)), 303


REDISPLAYED = {"assign": "assign_form", "contact": "contact_form", "close": "close_form"}


def _stale_message() -> str:
    """Why a change on a stale page was refused (409), in the reader's language."""
    return str(_("This ticket was changed by someone else while you were looking at it; here it is now — "
                 "check and submit again."))

CONTACT_CLOCK_SLACK = timedelta(minutes=5)  # as the alerts service allows for a clock a little behind


def _action_form(ticket_id: int, action: str) -> FlaskForm:
    if action in ("note", "reply"):
        return TextForm()
    if action == "reopen":
        return ReopenForm()
    if action == "take":
        return TakeForm()
    if action == "assign":
        return AssignForm()
    if action == "status":
        return StatusForm()
    if action == "contact":
        return _contact_form()
    if action == "close":
        return CloseForm()
    return EmptyForm()


def _checks_pass(ticket_id: int, form: FlaskForm) -> bool:
    """What the fields alone cannot check: the assignee is one of the people offered (the service checks
    again), a contact's local time is not in the future."""
    if isinstance(form, AssignForm):
        try:
            return form.check_choice(svc.assignees(container(), _principal(), ticket_id))
        except svc.NotFound:
            abort(404)
    if isinstance(form, ContactForm) and form.at.data is not None:
        if local_to_utc(form.at.data, page_zone()) > container().clock.now() + CONTACT_CLOCK_SLACK:
            form.at.errors = [_("A contact cannot be recorded in the future; check the date and time.")]
            return False
    return True


def _action_args(action: str, form: Any) -> dict[str, Any]:
    if action in ("note", "reply"):
        return {"text": form.text.data}
    if action == "reopen":
        return {"reason": form.text.data}
    if action == "assign":
        return {"assignee": form.assignee.data}
    if action == "status":
        return {"status": form.status.data}
    if action == "contact":
        at = form.at.data
        return {"channel": form.channel.data, "outcome": form.outcome.data, "note": form.note.data or None,
                "at": local_to_utc(at, page_zone()) if at is not None else None}
    if action == "close":
        return {"resolution": form.resolution.data, "internal_note": (form.internal_note.data or "").strip() or None}
    return {}


def _refusal_text(ticket_id: int, action: str, err: Exception) -> str:
    """The refusal in the user's language where it is a known rule, else the service's own words."""
    if action == "assign":
        return _("Choose a person who works on this ticket's department.")
    if action == "close":
        try:
            ticket = svc.get_ticket(container(), _principal(), ticket_id)
        except svc.NotFound:
            abort(404)
        if ticket.get("closure_blocked"):
            if ticket.get("channel") == HOTLINE:
                return server_message(str(err))  # only a phone callback lets it close: an e-mail contact does not
            return _("This ticket cannot be closed yet: record a contact with the citizen first "
                     "(a call that reached them, or %(n)s unsuccessful attempts).",
                     n=local_digits(MIN_FAILED_ATTEMPTS))
    return server_message(str(err))


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


@bp.route("/praise")
@require_role("department")
def praise() -> Any:
    """Citizens' thanks: no ticket, read here (and counted in the KPIs)."""
    rows, total = svc.list_praise(container(), _principal())
    return render_template("department/praise.html", rows=rows, total=total)


@bp.route("/hotline")
@require_role("department")
def hotline() -> Any:
    """The operator screen: calls ringing now with the caller's earlier appeals (the page polls itself)."""
    return render_template("department/hotline.html", screen=call_svc.operator_screen(container(), _principal()))


@bp.route("/alerts")
@require_role("department")
def alerts() -> Any:
    state = parse_query(AlertParams, request.args).state
    # most urgent first: severity, then reach (a post seen by 50,000 before one seen by 40), then newest
    rows = alert_svc.list_alerts(container(), _principal(), state=state, sort="priority")
    return render_template("department/alerts.html", rows=rows, state=state, form=EmptyForm(),
                           states=labels.ALERT_STATES)


@bp.route("/alerts/<int:alert_id>")
@require_role("department")
def alert(alert_id: int) -> Any:
    """One alert: why it fired, its documents (source and place in the ticket), its ticket; 404 outside scope."""
    try:
        detail = alert_svc.alert_detail(container(), _principal(), alert_id)
    except svc.NotFound:
        abort(404)
    incidents = incident_svc.incidents_of_documents(container(), _principal(), [d["id"] for d in detail["documents"]])
    return render_template("department/alert.html", a=detail, form=EmptyForm(), incidents=incidents)


@bp.route("/alerts/<int:alert_id>/<any(acknowledge,resolve):action>", methods=["POST"])
@require_role("department")
def alert_action(alert_id: int, action: str) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        alert_svc.alert_action(container(), _principal(), alert_id, action)
    except svc.NotFound:
        abort(404)
    except svc.ActionRefused as err:
        flash(str(err), "error")
    if request.args.get("back") == "alert":
        return redirect(url_for("department.alert", alert_id=alert_id)), 303
    return redirect(url_for("department.alerts", state=request.args.get("state") or None)), 303
