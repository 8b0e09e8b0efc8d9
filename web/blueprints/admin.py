"""Administration: users and roles, API tokens, departments, FAQ, alert rules and SLA hours (validated, audited)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from healthpulse.alerts.tickets import sla as sla_mod
from healthpulse.core import config_audit
from healthpulse.core.models.users import ROLES
from healthpulse.web import labels
from healthpulse.web.config_errors import describe, problem_view
from healthpulse.web.context import container, current_principal, db, require_role
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import UI_LANGUAGES
from healthpulse.web.services import faq as faq_svc
from healthpulse.web.services import rules as rules_svc
from healthpulse.web.services import users as user_svc
from healthpulse.web.templating import department_names, number
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require_role("admin")
def _admins_only() -> None:
    return None


class UserForm(LocalisedForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[Optional(), Length(min=user_svc.MIN_PASSWORD_LENGTH, max=256)])
    role = SelectField(choices=[(r, labels.ROLES.get(r, r)) for r in ROLES])
    department = SelectField(validators=[Optional()])
    active = BooleanField(default=True)


class TokenForm(LocalisedForm):
    name = StringField(validators=[DataRequired(), Length(max=100)])


class EmptyForm(LocalisedForm):
    pass


class FaqForm(LocalisedForm):
    topic = SelectField(choices=[(k, str(v)) for k, v in labels.TOPICS.items()])
    language = SelectField(choices=[(code, code) for code in UI_LANGUAGES])
    question = StringField(validators=[DataRequired(), Length(max=500)])
    answer = TextAreaField(validators=[DataRequired(), Length(max=10000)])
    position = IntegerField(default=0, validators=[Optional(), NumberRange(min=0, max=10000)])
    published = BooleanField(default=True)


class RulesForm(LocalisedForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=rules_svc.MAX_RULES_BYTES)])
    base = HiddenField()  # fingerprint of the rules the page showed: a save over someone else's edit is refused


def _department_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(dep_id, f"{dep_id} — {name}") for dep_id, name in department_names().items()]


@bp.route("/")
def index() -> Any:
    with db() as s:
        n_users = len(user_svc.list_users(s))
        n_faq = len(faq_svc.list_faq(s, published_only=False))
    # Dead and queued jobs on the landing page: a failing mail server or a stalled worker shows here first.
    return render_template("admin/index.html", n_users=n_users, n_faq=n_faq, jobs=container().jobs.counts(),
                           n_departments=len(container().departments.departments))


@bp.route("/users", methods=["GET", "POST"])
def users() -> Any:
    form = UserForm()
    form.department.choices = _department_choices()
    if form.validate_on_submit():
        if not form.password.data and form.role.data != "pbx":  # an exchange authenticates with its API token
            form.password.errors = [_("A new user needs a password.")]
        else:
            try:
                with db() as s:
                    user_svc.create_user(s, form.username.data, form.password.data or None, form.role.data,
                                         form.department.data or None, known_departments=container().departments.ids)
            except user_svc.UserError as err:
                flash(str(err), "error")
            else:
                flash(_("User created."), "ok")
                return redirect(url_for("admin.users")), 303
    with db() as s:
        rows = [{"id": u.id, "username": u.username, "role": u.role, "department": u.department_id,
                 "active": u.active, "last_login_at": u.last_login_at} for u in user_svc.list_users(s)]
        tokens = [{"id": t.id, "user_id": t.user_id, "name": t.name, "prefix": t.prefix, "revoked": t.revoked,
                   "last_used_at": t.last_used_at} for t in user_svc.list_api_tokens(s)]
    new_token = session.pop("new_token", None)
    return render_template("admin/users.html", form=form, rows=rows, tokens=tokens, token_form=TokenForm(),
                           empty_form=EmptyForm(), new_token=new_token)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Any:
    form = UserForm()
    form.department.choices = _department_choices()
    with db() as s:
        user = user_svc.get_user(s, user_id)
        if user is None:
            abort(404)
        if request.method == "GET":
            form.username.data, form.role.data = user.username, user.role
            form.department.data, form.active.data = user.department_id or "", user.active
        elif form.validate_on_submit():
            me = current_principal()
            try:
                if me is not None and me.user_id == user.id and (form.role.data != "admin" or not form.active.data):
                    raise user_svc.UserError(_("You cannot remove your own admin access."))
                user_svc.update_user(s, user, role=form.role.data, department_id=form.department.data or None,
                                     active=bool(form.active.data), known_departments=container().departments.ids)
                if form.password.data:
                    user_svc.set_password(s, user, form.password.data)
            except user_svc.UserError as err:
                s.rollback()
                flash(str(err), "error")
            else:
                flash(_("Saved."), "ok")
                return redirect(url_for("admin.users")), 303
        username = user.username
    return render_template("admin/user_edit.html", form=form, user_id=user_id, username=username)


@bp.route("/users/<int:user_id>/tokens", methods=["POST"])
def create_token(user_id: int) -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    with db() as s:
        user = user_svc.get_user(s, user_id)
        if user is None:
            abort(404)
        session["new_token"] = user_svc.create_api_token(s, user, form.name.data)
    return redirect(url_for("admin.users")), 303


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    with db() as s:
        if not user_svc.revoke_api_token(s, token_id):
            abort(404)
    flash(_("Token revoked."), "ok")
    return redirect(url_for("admin.users")), 303


@bp.route("/departments")
def departments() -> Any:
    return render_template("admin/departments.html", departments=container().departments.departments)


DEAD_JOBS_SHOWN = 200


@bp.route("/jobs")
def jobs() -> Any:
    """Background jobs: counts per state and per queue, and the dead letters with their errors (distributed or
    embedded alike)."""
    queue = container().jobs
    return render_template("admin/jobs.html", counts=queue.counts(), queues=queue.queue_overview(),
                           dead=queue.list_jobs("dead", limit=DEAD_JOBS_SHOWN), form=EmptyForm())


@bp.route("/jobs/retry", methods=["POST"])
def retry_jobs() -> Any:
    """Queue one dead job (``job_id``) or every dead job again, once the cause is fixed."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    raw = request.form.get("job_id", "").strip()
    if raw and not raw.isdigit():
        abort(400)
    n = container().jobs.requeue_dead(ids=[int(raw)] if raw else None)
    if n:
        flash(_("Jobs queued again: %(n)s", n=number(n)), "ok")
    else:  # another administrator was quicker, or the job is no longer dead
        flash(_("No dead job was left to queue again."), "error")
    return redirect(url_for("admin.jobs")), 303


@bp.route("/faq", methods=["GET", "POST"])
def faq() -> Any:
    form = FaqForm()
    if form.validate_on_submit():
        with db() as s:
            faq_svc.save_faq(s, topic=form.topic.data, language=form.language.data, question=form.question.data,
                             answer=form.answer.data, position=form.position.data or 0,
                             published=bool(form.published.data))
        flash(_("FAQ entry saved."), "ok")
        return redirect(url_for("admin.faq")), 303
    with db() as s:
        rows = [{"id": e.id, "topic": e.topic, "language": e.language, "question": e.question,
                 "published": e.published, "yes": e.useful_yes, "no": e.useful_no,
                 "usefulness": faq_svc.usefulness(e)} for e in faq_svc.list_faq(s, published_only=False)]
    return render_template("admin/faq.html", form=form, rows=rows, empty_form=EmptyForm())


@bp.route("/faq/<int:entry_id>", methods=["GET", "POST"])
def edit_faq(entry_id: int) -> Any:
    form = FaqForm()
    with db() as s:
        entry = faq_svc.get_faq(s, entry_id)
        if entry is None:
            abort(404)
        if request.method == "GET":
            form.topic.data, form.language.data, form.question.data = entry.topic, entry.language, entry.question
            form.answer.data, form.position.data, form.published.data = entry.answer, entry.position, entry.published
        elif form.validate_on_submit():
            faq_svc.save_faq(s, topic=form.topic.data, language=form.language.data, question=form.question.data,
                             answer=form.answer.data, position=form.position.data or 0,
                             published=bool(form.published.data), entry=entry)
            flash(_("FAQ entry saved."), "ok")
            return redirect(url_for("admin.faq")), 303
    return render_template("admin/faq_edit.html", form=form, entry_id=entry_id)


@bp.route("/faq/<int:entry_id>/delete", methods=["POST"])
def delete_faq(entry_id: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    with db() as s:
        if not faq_svc.delete_faq(s, entry_id):
            abort(404)
    flash(_("FAQ entry deleted."), "ok")
    return redirect(url_for("admin.faq")), 303


@bp.route("/rules", methods=["GET", "POST"])
def rules() -> Any:
    """The alert rules as YAML: validate, or validate and save (in force for the next alert, audited)."""
    c = container()
    form = RulesForm()
    problems: list[dict[str, Any]] | None = None
    count, status = 0, 200
    if form.validate_on_submit():
        text = form.text.data.replace("\r\n", "\n")
        issues, count = rules_svc.validate_rules(text, c.departments)
        problems = [problem_view(i, text.splitlines()) for i in issues]
        status = 422 if issues else 200
        if not issues and request.form.get("save"):
            p = current_principal()
            try:
                with db() as s:
                    changed = rules_svc.save_rules(s, c.settings, text, form.base.data or "",
                                                   p.username if p else "admin", c.clock.now())
            except rules_svc.RulesChanged:
                flash(_("The rules were changed since you opened them; your text is below, the saved rules are "
                        "on a fresh page."), "error")
                status = 409
            else:
                flash(_("Rules saved; the next alert follows them.") if changed else _("Nothing changed."), "ok")
                return redirect(url_for("admin.rules")), 303
    elif request.method == "GET":
        form.text.data = rules_svc.read_rules(c.settings)
        form.base.data = rules_svc.fingerprint(form.text.data)
    with db() as s:
        history = config_audit.recent_changes(s, "rules")
    return render_template("admin/rules.html", form=form, problems=problems, count=count, history=history), status


class SlaForm(LocalisedForm):
    """Hours per severity; validated by the settings' own ``SlaHours`` model (``sla.check_sla_hours``)."""

    critical = StringField()
    high = StringField()
    medium = StringField()
    low = StringField()


SEVERITIES = ("critical", "high", "medium", "low")


@bp.route("/sla", methods=["GET", "POST"])
def sla() -> Any:
    c = container()
    form = SlaForm()
    status = 200
    if form.validate_on_submit():
        p = current_principal()
        try:
            with db() as s:
                sla_mod.set_sla_hours(s, {k: (getattr(form, k).data or "").strip() for k in SEVERITIES},
                                      p.username if p else "admin", c.clock.now(), c.settings)
        except sla_mod.SlaInvalid as err:
            for issue in err.issues:
                field = getattr(form, issue.key, None)
                if field is not None:
                    field.errors = [*field.errors, describe(issue)]
            status = 422
        else:
            flash(_("SLA hours saved; they apply to tickets opened from now on."), "ok")
            return redirect(url_for("admin.sla")), 303
    with db() as s:
        current = sla_mod.sla_hours(s, c.settings)
        history = config_audit.recent_changes(s, "sla")
    if request.method == "GET":
        for k in SEVERITIES:
            getattr(form, k).data = f"{current[k]:g}" if k in current else ""
    return render_template("admin/sla.html", form=form, current=current, history=history), status
