"""Errors → HTTP: the one place that turns a ``HealthpulseError``'s code into a status.

Views may still catch an error to re-render a form with its message; anything
that escapes a view ends here: JSON (``{"error", "message"[, "field"]}``) under
``/api/``, the error page elsewhere.  5xx answers never carry the exception's text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from healthpulse.core.errors import ErrorCode, HealthpulseError
from healthpulse.web.i18n import UI_LANGUAGES
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

HTTP_STATUS: dict[ErrorCode, int] = {
    "invalid": 400, "not_found": 404, "forbidden": 403, "conflict": 409,
    "unavailable": 503, "config": 500, "internal": 500,
}
ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
               503: "unavailable"}


# What the error page says, in the reader's language: (title, explanation).
ERROR_TEXTS: dict[int, tuple[Any, Any]] = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    401: (_l("Login required"), _l("Please log in to see this page.")),
    403: (_l("No access"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("This conflicts with a change made in the meantime. Reload the page and try again.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    415: (_l("Unsupported type"), _l("This kind of file or data is not accepted.")),
    422: (_l("Cannot be processed"), _l("What you sent could not be processed. Check it and try again.")),
    429: (_l("Too many requests"), _l("Too many requests. Please wait a little and try again.")),
    500: (_l("Server error"), _l("Something went wrong on the server. Please try again later.")),
    503: (_l("Service unavailable"), _l("The service is unavailable for a moment. Please try again in a few minutes.")),
}
CSRF_TEXT = (_l("The form has expired"),
             _l("Your session has expired or the form is out of date. Go back, reload the page and send it again."))


def http_status(err: HealthpulseError) -> int:
    return HTTP_STATUS[err.error_code]


def error_response(status: int, message: str, field: str | None = None) -> Any:
    """The API's JSON error body."""
    body: dict[str, Any] = {"error": ERROR_NAMES.get(status, "error"), "message": message}
    if field:
        body["field"] = field
    resp = jsonify(body)
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="healthpulse"'
    return resp


def api_http_error(err: HTTPException) -> Any:
    """Unknown routes and 405s under /api/ answer JSON too."""
    return error_response(err.code or 500, err.description or err.name)


def _use_language_of_address() -> None:
    """A page that matched no route (404, 405) still speaks the language of its address (``/ar/...``)."""
    if getattr(g, "lang_code", None):
        return
    first = request.path.strip("/").split("/", 1)[0]
    if first in UI_LANGUAGES:
        g.lang_code = first
        refresh()  # the locale may have been chosen already (from the cookie) for this request


def error_page(status: int, csrf: bool = False, field: str | None = None) -> Any:
    """The HTML error page: translated title and explanation, right-to-left on ar/fa pages."""
    _use_language_of_address()
    title, message = CSRF_TEXT if csrf else ERROR_TEXTS.get(status, ERROR_TEXTS[500 if status >= 500 else 400])
    return render_template("error.html", code=status, title=title, message=message, field=field), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return api_http_error(err)
        if err.code is None or err.code < 400:
            return err
        return error_page(err.code, csrf=isinstance(err, CSRFError))

    @app.errorhandler(HealthpulseError)
    def _healthpulse_error(err: HealthpulseError) -> Any:
        status = http_status(err)
        if status >= 500:
            log.error("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
        message = str(err) if status < 500 else "the server could not complete the request"
        field = getattr(err, "field", None) if status < 500 else None  # the parameter or field at fault
        if request.path.startswith("/api/"):
            return error_response(status, message, field)
        return error_page(status, field=field)
