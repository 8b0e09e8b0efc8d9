"""What a person sees when a form's CSRF check fails: what happened and how to go on, typed text kept.

A form fails its check when it stayed open past the token's lifetime, or when
the browser did not send the session cookie back (cookies blocked, or a
``Secure`` cookie over plain http before issue 15.3).  Instead of a bare 400,
a form that registered a recovery (``@recovers_csrf("endpoint")``) is shown
again with what was typed and a fresh token; any other form gets a page that
explains and links back to it.  Nothing is saved either way: the request is
still refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from healthpulse.web.errors import error_response
from healthpulse.web.redirects import safe_next

EXPLANATION = _l("Your form was not sent: it was open for a long time, or your browser did not keep this site's "
                 "cookie. Nothing was lost: check what you typed below and send it again.")
RECOVERIES: dict[str, Callable[[str], Any]] = {}


def recovers_csrf(endpoint: str) -> Callable[[Callable[[str], Any]], Callable[[str], Any]]:
    """Register ``fn(explanation)`` to answer a failed CSRF check on ``endpoint`` (re-render the bound form)."""

    def deco(fn: Callable[[str], Any]) -> Callable[[str], Any]:
        RECOVERIES[endpoint] = fn
        return fn

    return deco


def reload_url() -> str:
    """Where the form can be opened again: this address if it answers GET, else the page the form was on."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    if adapter.test(request.path, method="GET"):
        return request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        back = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if back:
            return back
    return "/"


def register_csrf_failure(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_failed(err: CSRFError) -> Any:
        if request.path.startswith("/api/"):
            return error_response(400, err.description or "CSRF check failed")
        recover = RECOVERIES.get(request.endpoint or "")
        if recover is not None:
            return recover(str(EXPLANATION))
        return render_template("csrf_error.html", reload_url=reload_url()), 400
