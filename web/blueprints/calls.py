"""The hotline's machine API: a PBX reports call events (and, later, recordings) with a ``pbx`` token.

Events come as JSON or as form fields, in the generic CTI shape; a repeat of an
event is answered like the first one (200 ``{}``) and changes nothing.  A bad
or missing token is a 401 before anything is read or stored.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from healthpulse.appeals.calls.blocklist import is_blocked
from healthpulse.appeals.calls.events import (
    MAX_CALL_ID_CHARS,
    CallEventInvalid,
    parse_event,
    record_event,
    record_refused,
)
from healthpulse.text.unstorable import find_unstorable
from healthpulse.video_intake.recording import RecordingRejected, recording_language, submit_recording
from healthpulse.video_intake.storage import VideoStorage
from healthpulse.web.blueprints.api import ApiError
from healthpulse.web.context import container
from healthpulse.web.errors import error_response
from healthpulse.web.pbx_auth import TooManyFailures, pbx_principal

bp = Blueprint("calls", __name__, url_prefix="/api/v1/calls")
PBX_ROLES = ("pbx",)


@bp.errorhandler(ApiError)
def _api_error(err: ApiError) -> Any:
    return error_response(err.status, err.message, err.field)


def pbx_auth(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a ``pbx`` account (or an admin), authenticated by token, URL token or signature; else 401/403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            p = pbx_principal()
        except TooManyFailures:
            raise ApiError(429, "too many failed authentications") from None
        if p is None:
            raise ApiError(401, "authenticate with a bearer token, ?token= in the URL, or a valid "
                                "X-Healthpulse-Signature with X-Healthpulse-Pbx")
        if p.role not in PBX_ROLES and not p.is_admin:
            raise ApiError(403, "this token's role may not use this endpoint")
        g.api_principal = p
        return view(*args, **kwargs)

    return wrapper


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
@pbx_auth
def events() -> Any:
    c = container()
    try:
        event = parse_event(_event_fields(), c.clock.now())
    except CallEventInvalid as err:
        raise ApiError(422, str(err), err.field) from None
    if event.event == "newCall" and event.direction != "outbound":
        with c.session() as s:
            blocked = is_blocked(s, event.from_number)
        if blocked:
            record_refused(c, event, g.api_principal.username)  # no call, no appeal, not the number
            return jsonify({"action": "reject", "reason": "busy"})
    record_event(c, event, g.api_principal.username)
    return jsonify({})


def _spool_upload(limit_bytes: int) -> tuple[Path, str | None]:
    """The posted ``file`` copied into the spool, refused (413) past the limit; the caller owns the copy."""
    upload = request.files.get("file")
    if upload is None or not upload.filename and upload.content_length == 0:
        raise ApiError(422, "send the recording as multipart/form-data field 'file'", "file")
    spool = VideoStorage.from_settings(container().settings).recordings_spool
    spool.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=spool, suffix=".part")
    path, written = Path(name), 0
    try:
        with open(fd, "wb") as out:
            while block := upload.stream.read(1 << 16):
                written += len(block)
                if written > limit_bytes:
                    raise ApiError(413, f"the recording is larger than {limit_bytes // (1024 * 1024)} MB", "file")
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, upload.filename


@bp.route("/<string:callId>/recording", methods=["POST"])
@pbx_auth
def recording(callId: str) -> Any:  # noqa: N803 - the path parameter's documented name
    call_id = callId
    c = container()
    if len(call_id) > MAX_CALL_ID_CHARS:
        raise ApiError(404, "no such call", "callId")
    try:
        language = recording_language(request.form.get("language"), c.settings.languages)
    except RecordingRejected as err:
        raise ApiError(err.status, err.reason, "language") from None
    path, filename = _spool_upload(int(c.settings.max_recording_mb) * 1024 * 1024)
    try:
        accepted = submit_recording(c, call_id, path, filename, language)
    except RecordingRejected as err:
        raise ApiError(err.status, err.reason, "callId" if err.status == 404 else "file") from None
    resp = jsonify({"tracking_code": accepted.tracking_code,
                    "status_url": url_for("api.appeal_status", code=accepted.tracking_code)})
    resp.status_code = 202
    return resp
