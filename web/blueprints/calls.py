"""The hotline's machine API: a PBX reports call events (and, later, recordings) with a ``pbx`` token.

Events come as JSON or as form fields, in the generic CTI shape; a repeat of an
event is answered like the first one (200 ``{}``) and changes nothing.  A bad
or missing token is a 401 before anything is read or stored.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request
from healthpulse.appeals.calls.events import CallEventInvalid, parse_event, record_event
from healthpulse.text.unstorable import find_unstorable
from healthpulse.web.blueprints.api import ApiError, api_auth
from healthpulse.web.context import container
from healthpulse.web.errors import error_response

bp = Blueprint("calls", __name__, url_prefix="/api/v1/calls")
PBX_ROLES = ("pbx",)


@bp.errorhandler(ApiError)
def _api_error(err: ApiError) -> Any:
    return error_response(err.status, err.message, err.field)


def _event_fields() -> dict[str, Any]:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "the body must be a JSON object")
        bad = find_unstorable(body)
        if bad is not None:
            raise ApiError(400, f"'{bad[0]}' {bad[1]}", bad[0])
        return body
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.to_dict()
    raise ApiError(415, "send the event as JSON (application/json) or form data (application/x-www-form-urlencoded)")


@bp.route("/events", methods=["POST"])
@api_auth(*PBX_ROLES)
def events() -> Any:
    c = container()
    try:
        event = parse_event(_event_fields(), c.clock.now())
    except CallEventInvalid as err:
        raise ApiError(422, str(err), err.field) from None
    record_event(c, event, g.api_principal.username)
    return jsonify({})
