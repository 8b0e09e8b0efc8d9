"""Flask blueprint of video appeals: the citizen page, the tus endpoints, status and the protected player.

Mounted by ``healthpulse.web.app.create_app``; the container is
``current_app.extensions["healthpulse"]``.  Views stay thin and call the
services in uploads.py / submission.py.

tus 1.0.0 endpoints (core + creation + termination + checksum):
  OPTIONS/POST  /video/uploads            capabilities / create
  HEAD/PATCH/DELETE /video/uploads/<id>   offset / append / terminate
  POST /video/uploads/<id>/submit         (CSRF-protected) → tracking code
"""

from __future__ import annotations

import logging
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.video_intake import ASSETS
from healthpulse.video_intake.privacy import can_view_video
from healthpulse.video_intake.submission import appeal_status, submit_upload
from healthpulse.video_intake.tus_headers import parse_checksum, parse_count, parse_metadata
from healthpulse.video_intake.uploads import CHECKSUM_ALGORITHMS, UploadError, UploadService
from healthpulse.video_intake.validation import VideoRejected
from healthpulse.web.context import current_principal
from healthpulse.web.services.appeals import public_view
from healthpulse.web.services.context import WebContext
from healthpulse.web.templating import department_names

log = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum"

bp = Blueprint("video", __name__, url_prefix="/video", template_folder=str(ASSETS / "templates"),
               static_folder=str(ASSETS / "static"), static_url_path="/static/video")

TRANSLATIONS = ASSETS / "translations"


@bp.record_once
def _add_translations(state: Any) -> None:
    """Merge this area's catalogue (video_intake/translations) into the app's flask-babel directories."""
    babel = state.app.extensions.get("babel")
    directories = getattr(babel, "translation_directories", None)
    if isinstance(directories, list) and str(TRANSLATIONS) not in directories:
        directories.append(str(TRANSLATIONS))


# Called by a JS tus client with PATCH/HEAD/DELETE; they carry no cookies' authority (the upload id is the
# capability), so the web app exempts them from CSRF.  ``tus_submit`` is NOT listed: it needs the token.
CSRF_EXEMPT_ENDPOINTS = ("tus_collection", "tus_resource")


def _container() -> WebContext:
    c = current_app.extensions.get("healthpulse")
    if c is None:
        abort(503)
    return c


def _tus_headers(resp: Response) -> Response:
    resp.headers["Tus-Resumable"] = TUS_VERSION
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _tus_error(err: UploadError) -> Response:
    resp = jsonify({"error": err.code, "reason": _(err.template, **err.params)})
    resp.status_code = err.status
    return _tus_headers(resp)


def _check_version() -> Response | None:
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
        resp = Response("unsupported tus version", status=412)
        resp.headers["Tus-Version"] = TUS_VERSION
        return _tus_headers(resp)
    return None


def _count_header(name: str) -> int | None:
    return parse_count(name, request.headers.get(name))


@bp.route("/uploads", methods=["OPTIONS", "POST"], endpoint="tus_collection", provide_automatic_options=False)
def tus_collection() -> Response:
    service = UploadService(_container())
    if request.method == "OPTIONS":
        resp = Response(status=204)
        resp.headers["Tus-Version"] = TUS_VERSION
        resp.headers["Tus-Extension"] = TUS_EXTENSIONS
        resp.headers["Tus-Max-Size"] = str(service.max_bytes)
        resp.headers["Tus-Checksum-Algorithm"] = ",".join(CHECKSUM_ALGORITHMS)
        return _tus_headers(resp)
    bad = _check_version()
    if bad is not None:
        return bad
    try:
        if request.headers.get("Upload-Defer-Length"):
            raise UploadError(400, "Upload-Defer-Length is not supported; send Upload-Length", "defer_length")
        state = service.create(length=_count_header("Upload-Length"),
                               metadata=parse_metadata(request.headers.get("Upload-Metadata")),
                               client_ip=request.remote_addr)
    except UploadError as err:
        return _tus_error(err)
    resp = Response(status=201)
    resp.headers["Location"] = url_for("video.tus_resource", upload_id=state.id, _external=False)
    resp.headers["Upload-Expires"] = _http_date(state.expires_at)
    return _tus_headers(resp)


@bp.route("/uploads/<upload_id>", methods=["HEAD", "PATCH", "DELETE", "OPTIONS"], endpoint="tus_resource",
          provide_automatic_options=False)
def tus_resource(upload_id: str) -> Response:
    service = UploadService(_container())
    if request.method == "OPTIONS":
        return tus_collection()
    bad = _check_version()
    if bad is not None:
        return bad
    try:
        if request.method == "HEAD":
            state = service.get(upload_id)
            resp = Response(status=200)
            resp.headers["Upload-Offset"] = str(state.offset)
            resp.headers["Upload-Length"] = str(state.length)
            resp.headers["Upload-Expires"] = _http_date(state.expires_at)
            return _tus_headers(resp)
        if request.method == "DELETE":
            service.terminate(upload_id)
            return _tus_headers(Response(status=204))
        if request.mimetype != "application/offset+octet-stream":
            return _tus_headers(Response("Content-Type must be application/offset+octet-stream", status=415))
        offset = _count_header("Upload-Offset")
        if offset is None:
            raise UploadError(400, "Upload-Offset is required", "offset_required")
        _count_header("Content-Length")  # werkzeug reads a malformed one as 0: refuse it instead
        # Chunks may be larger than the app's form limit; the upload's own Upload-Length bounds them.
        request.max_content_length = service.max_bytes
        state = service.append(upload_id, offset=offset, stream=request.stream, content_length=request.content_length,
                               checksum=parse_checksum(request.headers.get("Upload-Checksum")))
    except UploadError as err:
        return _tus_error(err)
    resp = Response(status=204)
    resp.headers["Upload-Offset"] = str(state.offset)
    resp.headers["Upload-Expires"] = _http_date(state.expires_at)
    return _tus_headers(resp)


@bp.post("/uploads/<upload_id>/submit", endpoint="tus_submit")
def submit(upload_id: str) -> Response:
    """The finished upload becomes an appeal; answers its tracking code, or 422 with the reason."""
    try:
        result = submit_upload(_container(), upload_id)
    except UploadError as err:
        resp = jsonify({"error": err.code, "reason": _(err.template, **err.params)})
        resp.status_code = err.status
        return resp
    except VideoRejected as rejected:
        resp = jsonify({"error": rejected.code, "reason": _(rejected.template, **rejected.params)})
        resp.status_code = 422
        return resp
    return jsonify({
        "tracking_code": result.tracking_code,
        "status_url": url_for("video.status_page", code=result.tracking_code),
    })


@bp.get("/appeal", endpoint="record")
def record_page() -> str:
    c = _container()
    regions = list(department_names().items())
    return render_template(
        "video_intake/record.html",
        regions=regions,
        max_upload_mb=c.settings.max_upload_mb,
        max_seconds=c.settings.max_video_seconds,
        languages=c.settings.languages,
        ui_language=_ui_language(),
    )


@bp.get("/status", endpoint="status_lookup")
def status_lookup() -> Any:
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("video.status_page", code=code))
    return render_template("video_intake/status.html", status=None, code="")


@bp.get("/status/<code>", endpoint="status_page")
def status_page(code: str) -> Any:
    """The citizen's view of the appeal, the same one the text appeal's tracking page shows."""
    view = public_view(_container(), code)
    if view is None:
        return render_template("video_intake/status.html", status=None, code=code, not_found=True), 404
    return render_template("video_intake/status.html", status=view, code=view.tracking_code)


@bp.get("/api/status/<code>", endpoint="status_json")
def status_json(code: str) -> Response:
    info = appeal_status(_container(), code)
    if info is None:
        resp = jsonify({"error": "not_found"})
        resp.status_code = 404
        return resp
    return jsonify(info)


def _media_for_viewer(appeal_id: str) -> VideoMediaRow:
    principal = current_principal()
    if principal is None:
        abort(401)
    if not (appeal_id.isascii() and appeal_id.isalnum() and len(appeal_id) <= 64):
        abort(404)  # no appeal has such an id; a NUL byte would not even reach PostgreSQL
    with _container().session() as s:
        appeal = s.get(AppealRow, appeal_id)
        media = s.get(VideoMediaRow, appeal_id)
        if appeal is None or media is None:
            abort(404)
        if not can_view_video(principal, appeal):
            log.warning("video access refused appeal=%s user=%s", appeal_id, getattr(principal, "username", "?"))
            abort(403)
        s.expunge(media)
        return media


@bp.get("/appeals/<appeal_id>/original", endpoint="original")
def original(appeal_id: str) -> Response:
    """The citizen's video for the assigned department and admins; supports Range (seeking in the player)."""
    media = _media_for_viewer(appeal_id)
    path = Path(media.original_path)
    if not path.is_file():
        abort(404)
    mimetype = "video/mp4" if path.suffix == ".mp4" else "video/webm"
    resp = send_file(path, mimetype=mimetype, conditional=True, etag=media.sha256 or True, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/appeals/<appeal_id>/poster", endpoint="poster")
def poster(appeal_id: str) -> Response:
    media = _media_for_viewer(appeal_id)
    if not media.poster_path or not Path(media.poster_path).is_file():
        abort(404)
    resp = send_file(media.poster_path, mimetype="image/jpeg", conditional=True, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _ui_language() -> str | None:
    try:
        locale = get_locale()
        return str(locale.language) if locale is not None else None
    except Exception:  # noqa: BLE001 - babel not initialised (bare app in tests)
        return None


def _http_date(value: Any) -> str:
    return format_datetime(value, usegmt=True)
