"""Citizen portal (no login): home, text appeal, tracking, survey, FAQ — in five languages.

Every page lives under a language prefix (``/ar/appeal``); ``/`` redirects to
the best language for the browser.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from healthpulse.web import labels
from healthpulse.web.contact_fields import FIELD_MESSAGES, EmailAddress, PhoneNumber, ascii_digits
from healthpulse.web.context import container, db
from healthpulse.web.csrf_failure import recovers_csrf
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import UI_LANGUAGES, current_language, select_language
from healthpulse.web.query_params import FaqParams, parse_query
from healthpulse.web.security import client_key, limiter, rate_limited
from healthpulse.web.services import appeals as appeal_svc
from healthpulse.web.services import faq as faq_svc
from healthpulse.web.services import tickets as ticket_svc
from healthpulse.web.templating import department_names
from healthpulse.web.zones import use_department_zone
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

bp = Blueprint("citizen", __name__)
LANG_RULE = "/<any(" + ",".join(UI_LANGUAGES) + "):lang_code>"


@bp.url_value_preprocessor
def _pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang_code" in values:
        g.lang_code = values.pop("lang_code")


@bp.url_defaults
def _add_lang(endpoint: str, values: dict[str, Any]) -> None:
    if "lang_code" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = getattr(g, "lang_code", None) or select_language()


def _departments() -> list[tuple[str, str]]:
    return list(department_names().items())


class TextAppealForm(LocalisedForm):
    topic = SelectField(validators=[DataRequired()])
    department = SelectField(validators=[DataRequired()])
    description = TextAreaField(validators=[DataRequired(), Length(min=appeal_svc.MIN_DESCRIPTION,
                                                                    max=appeal_svc.MAX_DESCRIPTION)])
    contact_name = StringField(validators=[Optional(), Length(max=200)])
    # The shared validators (core/contacts.py), not wtforms' Email(): that one needs the optional
    # email_validator package and answered 500 without it.
    contact_phone = StringField(validators=[Optional(), Length(max=64), PhoneNumber()])
    contact_email = EmailField(validators=[Optional(), Length(max=200), EmailAddress()])
    consent = BooleanField(validators=[DataRequired(message=_l(
        "Please tick this box: without your agreement the department cannot process the appeal."))])


class TrackForm(LocalisedForm):
    code = StringField(validators=[DataRequired(), Length(max=32)], filters=[ascii_digits])


class SurveyForm(LocalisedForm):
    score = RadioField(choices=[(str(i), str(i)) for i in range(1, 6)], validators=[DataRequired()])
    comment = TextAreaField(validators=[Optional(), Length(max=2000)])


class VoteForm(LocalisedForm):
    pass


def video_appeal_url() -> str | None:
    """The video helper's recording page, when its blueprint is registered."""
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("video") and "GET" in (rule.methods or ()) and not rule.arguments - {"lang_code"}:
            if rule.rule.rstrip("/").endswith(("appeal", "record", "video", "upload")):
                values: dict[str, Any] = {"lang_code": current_language()} if "lang_code" in rule.arguments else {}
                return url_for(rule.endpoint, **values)
    return None


@bp.route("/")
def home_default() -> Any:
    return redirect(url_for("citizen.home", lang_code=select_language()))


@bp.route(LANG_RULE + "/")
def home() -> Any:
    return render_template("citizen/home.html", video_url=video_appeal_url(), topics=labels.TOPICS)


APPEAL_WINDOW = 3600


@bp.route(LANG_RULE + "/appeal", methods=["GET", "POST"])
def appeal() -> Any:
    """The text appeal form; only accepted appeals count against the address's hourly limit (a family or an
    office behind one address must not be blocked by typos and refused forms)."""
    if request.method == "POST" and limiter().blocked("appeal", client_key(), _appeal_limit(), APPEAL_WINDOW):
        abort(429)
    form = _appeal_form()
    if form.validate_on_submit():
        data = appeal_svc.TextAppeal(
            language=current_language(), topic=form.topic.data, department_id=form.department.data,
            description=form.description.data, consent=bool(form.consent.data),
            contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
            contact_email=form.contact_email.data,
        )
        c = container()
        try:
            appeal_svc.validate(data, list(labels.TOPICS), c.departments.ids, list(UI_LANGUAGES))
        except appeal_svc.AppealInputError as err:
            # The service speaks English; the citizen gets the field's message in the page's language.
            message = _("Describe what happened in %(min)d to %(max)d characters.",
                        min=appeal_svc.MIN_DESCRIPTION, max=appeal_svc.MAX_DESCRIPTION) \
                if err.field == "description" else str(FIELD_MESSAGES.get(err.field, err))
            getattr(form, err.field, form.description).errors = [message]
        else:
            code = appeal_svc.submit_text_appeal(c, data)
            limiter().add("appeal", client_key())
            session["track_code"] = code
            session["new_code"] = code
            return redirect(url_for("citizen.submitted"))
    status = 400 if request.method == "POST" else 200
    return render_template("citizen/appeal.html", form=form, video_url=video_appeal_url()), status


def _appeal_form() -> TextAppealForm:
    """The form, bound to what was posted (if anything), with its choices."""
    form = TextAppealForm()
    form.topic.choices = [("", _("Choose a category"))] + [(k, str(v)) for k, v in labels.TOPICS.items()]
    form.department.choices = [("", _("Choose a region"))] + _departments()
    return form


@recovers_csrf("citizen.appeal")
def _appeal_again(explanation: str) -> Any:
    """A failed CSRF check (an expired page, a lost cookie): the form again with the text typed, a new token."""
    return render_template("citizen/appeal.html", form=_appeal_form(), video_url=video_appeal_url(),
                           notice=explanation), 400


def _appeal_limit() -> int:
    return int(container().settings.appeal_rate_per_hour)


@bp.route(LANG_RULE + "/appeal/submitted")
def submitted() -> Any:
    code = session.get("new_code")
    if not code:
        return redirect(url_for("citizen.appeal"))
    return render_template("citizen/submitted.html", code=code)


@bp.route(LANG_RULE + "/track", methods=["GET", "POST"])
@rate_limited("track", limit=30, window=600)
def track() -> Any:
    """Look an appeal up by code; the code is kept in the session, never in the URL."""
    form = TrackForm()
    if form.validate_on_submit():
        session["track_code"] = form.code.data.strip()
        return redirect(url_for("citizen.track"))
    code = session.get("track_code")
    view = appeal_svc.public_view(container(), code) if code else None
    if code and view is None:
        flash(_("No appeal with this tracking code."), "error")
        session.pop("track_code", None)
    if view is not None:
        form.code.data = view.tracking_code
        use_department_zone(view.department_id)  # the appeal's history in the time of the department handling it
    status = 400 if request.method == "POST" else 200
    return render_template("citizen/track.html", form=form, appeal=view, survey_form=SurveyForm()), status


@bp.route(LANG_RULE + "/track/survey", methods=["POST"])
@rate_limited("survey", limit=10, window=600)
def survey() -> Any:
    code = session.get("track_code")
    form = SurveyForm()
    if not code or not form.validate_on_submit():
        abort(400)
    try:
        ticket_svc.submit_survey_for_code(container(), code, int(form.score.data), form.comment.data or None)
    except ticket_svc.NotFound:
        abort(404)
    except ticket_svc.SurveyRefused as err:
        flash(str(err), "error")
        return redirect(url_for("citizen.track"))
    flash(_("Thank you for your answer."), "ok")
    return redirect(url_for("citizen.track"))


@bp.route(LANG_RULE + "/faq")
def faq() -> Any:
    topic = parse_query(FaqParams, request.args, topics=list(labels.TOPICS)).topic
    with db() as s:
        entries = faq_svc.list_faq(s, language=current_language(), topic=topic)
        items: list[dict[str, Any]] = [{"id": e.id, "topic": e.topic, "question": e.question, "answer": e.answer,
                  "usefulness": faq_svc.usefulness(e), "votes": e.useful_yes + e.useful_no} for e in entries]
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_topic.setdefault(item["topic"], []).append(item)
    return render_template("citizen/faq.html", by_topic=by_topic, topic=topic, topics=labels.TOPICS,
                           voted=set(session.get("faq_votes", [])), vote_form=VoteForm())


@bp.route(LANG_RULE + "/faq/<int:entry_id>/vote", methods=["POST"])
@rate_limited("faq-vote", limit=30, window=600)
def faq_vote(entry_id: int) -> Any:
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    useful = request.form.get("useful")
    if useful not in ("yes", "no"):
        abort(400)
    voted = list(session.get("faq_votes", []))
    if entry_id not in voted:
        with db() as s:
            if faq_svc.vote(s, entry_id, useful == "yes") is None:
                abort(404)
        session["faq_votes"] = (voted + [entry_id])[-200:]
        flash(_("Thank you for your vote."), "ok")
    return redirect(url_for("citizen.faq") + f"#faq-{entry_id}")


@bp.route("/survey/<string:token>", methods=["GET", "POST"])
@rate_limited("survey", limit=10, window=600)
def survey_link(token: str) -> Any:
    """The one-use survey link e-mailed when a ticket closes (``{base_url}/survey/<token>``)."""
    form = SurveyForm()
    c = container()
    status = 200
    with db() as s:
        try:
            info = ticket_svc.alerts.get_survey(s, token[:200], now=c.clock.now())
        except ticket_svc.alerts.SurveyUsed:
            return render_template("citizen/survey.html", form=None, done=True), 410
        except (ticket_svc.alerts.SurveyNotFound, ticket_svc.alerts.SurveyExpired):
            abort(404)
        g.lang_code = info.get("language") if info.get("language") in UI_LANGUAGES else None
        if form.validate_on_submit():
            ticket_svc.alerts.submit_survey(s, token[:200], int(form.score.data), form.comment.data or None,
                                            now=c.clock.now())
            return render_template("citizen/survey.html", form=None, done=True)
        if request.method == "POST":
            status = 400
    return render_template("citizen/survey.html", form=form, done=False, title=info.get("title")), status
