"""Flask app factory: one app per settings object, blueprints per area.

``create_app`` receives the container (``healthpulse.wiring`` builds it) and
keeps it in ``app.extensions["healthpulse"]``; views reach services through it
and never touch SQL or the search engine directly.  Errors become HTTP answers
in ``web/errors.py``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import Flask, redirect, url_for
from flask_wtf.csrf import CSRFProtect
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.settings import Settings
from healthpulse.web.blueprints import (
    admin,
    aliases,
    api,
    auth,
    calls,
    citizen,
    department,
    health,
    incidents,
    press,
    triage,
    video,
)
from healthpulse.web.csrf_failure import register_csrf_failure
from healthpulse.web.errors import register_error_handlers
from healthpulse.web.i18n import init_i18n
from healthpulse.web.security import SchemeAwareSessions, init_security
from healthpulse.web.services.context import WebContext
from healthpulse.web.templating import init_templating
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

csrf = CSRFProtect()


class MissingSecretKey(HealthpulseError, RuntimeError):
    """The app refuses to start without HEALTHPULSE_SECRET_KEY (outside tests and the demo)."""
    error_code = "config"


def _secret_key(settings: Settings, demo: bool) -> str:
    key = settings.secret_key.get_secret_value() if settings.secret_key is not None else ""
    if key:
        return key
    if settings.testing or demo:
        return secrets.token_hex(32)
    raise MissingSecretKey(
        "HEALTHPULSE_SECRET_KEY is not set: the web app refuses to start without a secret key "
        "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
    )


def create_app(settings: Settings | None = None, container: WebContext | None = None, *, demo: bool = False) -> Flask:
    """Build the Flask app.

    ``demo=True`` (used by ``healthpulse demo``) allows a random per-process
    secret key like ``settings.testing`` does; everywhere else a missing key is
    an error, so sessions survive restarts and are never signed with a default.
    """
    if container is None:
        raise TypeError("create_app needs a container: healthpulse.wiring.container.build_container(settings) builds one")
    if settings is None:
        settings = container.settings
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=_secret_key(settings, demo),
        TESTING=bool(settings.testing),
        SESSION_COOKIE_NAME="healthpulse_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Secure is decided per request from its scheme (SchemeAwareSessions): https → Secure; plain http
        # (`healthpulse serve` on a LAN) → not, or the browser would never send it back and every form would
        # fail its CSRF check.  Behind a TLS proxy the scheme comes from X-Forwarded-Proto (trusted_proxies).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Forms are small; video uploads go through the tus endpoints, which stream in chunks.
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=512 * 1024,
        MAX_FORM_PARTS=200,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_CSRF_SSL_STRICT=False,
        JSON_SORT_KEYS=False,
        # Dates on the pages (and times staff type) are in the instance's zone; the database keeps UTC.
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        HEALTHPULSE_DEMO=demo,
    )
    app.extensions["healthpulse"] = container
    app.extensions["healthpulse.settings"] = settings
    app.session_interface = SchemeAwareSessions()
    if settings.trusted_proxies:
        # Believe X-Forwarded-For/-Proto from exactly that many hops; without it the headers are ignored.
        n = int(settings.trusted_proxies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    csrf.init_app(app)
    init_i18n(app)
    init_security(app)
    init_templating(app)
    _register_blueprints(app)
    # Browsers ask for /favicon.ico whatever the page says; answer with the icon instead of a 404 on every page.
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="img/favicon.svg"), 301))
    register_error_handlers(app)
    register_csrf_failure(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for module in (auth, citizen, department, incidents, press, triage, admin, aliases, api, calls, video, health):
        app.register_blueprint(module.bp)
    # The machine API authenticates with bearer tokens (no cookies), so CSRF does not apply.
    csrf.exempt(api.bp)
    csrf.exempt(calls.bp)
    # tus upload endpoints are API endpoints (PATCH/HEAD from a JS client; the upload id is the capability).
    for short in video.CSRF_EXEMPT_ENDPOINTS:
        csrf.exempt(app.view_functions[f"{video.bp.name}.{short}"])
