"""Login and logout for department, press, triage and admin users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from healthpulse.web.context import current_principal, db
from healthpulse.web.csrf_failure import recovers_csrf
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.redirects import safe_next
from healthpulse.web.security import client_key, limiter
from healthpulse.web.services.users import authenticate
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_LIMIT = 10  # failed attempts per (account, client address)
LOGIN_WINDOW = 15 * 60
HOME_BY_ROLE = {"department": "department.tickets", "press": "press.dashboard", "admin": "admin.index",
                "triage": "triage.queue"}


class LoginForm(LocalisedForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=256)])


def _failure_key(username: str) -> str:
    return f"{username.lower()}\x00{client_key()}"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        lim = limiter()
        # Failures lock one account from one address: everyone else behind that address (an office, a
        # proxy) and the account's owner elsewhere still log in with their correct passwords.
        key = _failure_key(username)
        if lim.blocked("login", key, LOGIN_LIMIT, LOGIN_WINDOW):
            return render_template("auth/login.html", form=form, error=_("Too many attempts. Try again later.")), 429
        with db() as s:
            user = authenticate(s, username, form.password.data)
            if user is not None and user.role not in HOME_BY_ROLE:  # a machine account (pbx): API tokens only
                return render_template("auth/login.html", form=form, error=_(
                    "This account is for a telephone exchange's API token and cannot sign in.")), 403
            if user is not None:
                session.clear()
                session.permanent = True
                session["user_id"] = user.id
                session["auth_epoch"] = user.password_hash[-16:]
                target = safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
                return redirect(target)
        lim.hit("login", key, LOGIN_LIMIT, LOGIN_WINDOW)
        flash(_("Wrong username or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, error=None), status


@recovers_csrf("auth.login")
def _login_again(explanation: str) -> Any:
    """A failed CSRF check on the login form: the form again (username kept, never the password), a new token."""
    form = LoginForm()
    form.password.data = None
    return render_template("auth/login.html", form=form, error=explanation), 400


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    session.clear()
    return redirect(url_for("citizen.home_default"))


@bp.app_context_processor
def _principal_context() -> dict[str, Any]:
    return {"principal": current_principal()}
