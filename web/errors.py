"""Errors → HTTP: the one place that turns a ``HealthpulseError``'s code into a status.

Views may still catch an error to re-render a form with its message; anything
that escapes a view ends here: JSON (``{"error", "message"[, "field"]}``) under
``/api/``, the error page elsewhere.  5xx answers never carry the exception's text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from healthpulse.core.errors import ErrorCode, HealthpulseError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

HTTP_STATUS: dict[ErrorCode, int] = {
    "invalid": 400, "not_found": 404, "forbidden": 403, "conflict": 409,
    "unavailable": 503, "config": 500, "internal": 500,
}
ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
               503: "unavailable"}


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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return api_http_error(err)
        if err.code is None or err.code < 400:
            return err
        return render_template("error.html", code=err.code, name=err.name), err.code

    @app.errorhandler(HealthpulseError)
    def _healthpulse_error(err: HealthpulseError) -> Any:
        status = http_status(err)
        if status >= 500:
            log.error("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
        message = str(err) if status < 500 else "the server could not complete the request"
        field = getattr(err, "field", None) if status < 500 else None  # the parameter or field at fault
        if request.path.startswith("/api/"):
            return error_response(status, message, field)
        return render_template("error.html", code=status, name=ERROR_NAMES.get(status, "error"),
                               field=field), status
