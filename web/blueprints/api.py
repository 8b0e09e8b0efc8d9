"""JSON API /api/v1: appeals, documents/search, dashboard views, alerts, tickets, KPIs.

Machines authenticate with ``Authorization: Bearer <token>`` (tokens are
created by an admin; only their hash is stored).  No cookies are read here,
so CSRF does not apply; appeal creation and lookup are public and rate
limited.  Department tokens see only their own department.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, g, jsonify, render_template, request, url_for
from healthpulse.appeals.lifecycle import AppealError
from healthpulse.core.errors import HealthpulseError
from healthpulse.incidents.decisions import DecisionRefused
from healthpulse.indexes.highlight import strip_highlight
from healthpulse.text.unstorable import find_unstorable
from healthpulse.web import labels
from healthpulse.web.blueprints.press import build_view
from healthpulse.web.context import container, db
from healthpulse.web.errors import error_response
from healthpulse.web.i18n import UI_LANGUAGES
from healthpulse.web.openapi import openapi_document
from healthpulse.web.query_params import AlertParams, SearchModeParams, SearchParams, parse_query
from healthpulse.web.security import client_key, limiter
from healthpulse.web.services import alerts as alert_svc
from healthpulse.web.services import appeals as appeal_svc
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services import dashboard as dash
from healthpulse.web.services import incidents as incident_svc
from healthpulse.web.services import search as search_svc
from healthpulse.web.services import tickets as ticket_svc
from healthpulse.web.services.users import Principal, principal_for_token
from healthpulse.web.templating import highlight
from healthpulse.web.ticket_versions import VersionParamError, etag, requested_version

bp = Blueprint("api", __name__, url_prefix="/api/v1")

class ApiError(HealthpulseError):
    """A request the API refuses, with the HTTP status it answers (checked by the views themselves)."""

    error_code = "invalid"

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@bp.errorhandler(ApiError)
def _api_error(err: ApiError) -> Any:
    return error_response(err.status, err.message, err.field)


def _rate(bucket: str, limit: int, window: float) -> None:
    if not limiter().hit(f"api-{bucket}", client_key(), limit, window):
        raise ApiError(429, "too many requests, slow down")


def token_principal() -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header[7:].strip()
    if limiter().blocked("api-badtoken", client_key(), 30, 600):
        raise ApiError(429, "too many failed authentications")
    with db() as s:
        principal = principal_for_token(s, token)
    if principal is None:
        limiter().hit("api-badtoken", client_key(), 30, 600)
    return principal


def api_auth(*roles: str) -> Callable[..., Any]:
    def deco(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            p = token_principal()
            if p is None:
                raise ApiError(401, "a valid bearer token is required")
            if p.role not in roles and not p.is_admin:
                raise ApiError(403, "this token's role may not use this endpoint")
            g.api_principal = p
            return view(*args, **kwargs)

        return wrapper

    return deco


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "send a JSON body with Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    bad = find_unstorable(body)
    if bad is not None:  # e.g. "\ud800": valid JSON, but no database stores it
        raise ApiError(400, f"'{bad[0]}' {bad[1]}", bad[0])
    return body


def _str(body: dict[str, Any], key: str, required: bool = False, max_len: int = 5000) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise ApiError(422, f"'{key}' is required", key)
        return None
    if not isinstance(value, str):
        raise ApiError(422, f"'{key}' must be a string", key)
    if len(value) > max_len:
        raise ApiError(422, f"'{key}' is longer than {max_len} characters", key)
    return value


# -- appeals (public) ---------------------------------------------------------
@bp.route("/appeals", methods=["POST"])
def create_appeal() -> Any:
    # Only accepted appeals count (the same budget as the form): a client fixing a refused request is not blocked.
    if limiter().blocked("appeal", client_key(), int(container().settings.appeal_rate_per_hour), 3600):
        raise ApiError(429, "too many appeals from this address, try again later")
    body = _json_body()
    consent = body.get("consent")
    if not isinstance(consent, bool):
        raise ApiError(422, "'consent' must be true or false", "consent")
    data = appeal_svc.TextAppeal(
        language=_str(body, "language", True, 8) or "", topic=_str(body, "topic", True, 64) or "",
        department_id=_str(body, "department", True, 64) or "", description=_str(body, "text", True, 20000) or "",
        consent=consent, contact_name=_str(body, "contact_name", max_len=200),
        contact_phone=_str(body, "contact_phone", max_len=64), contact_email=_str(body, "contact_email", max_len=200),
    )
    c = container()
    try:
        appeal_svc.validate(data, list(labels.TOPICS), c.departments.ids, list(UI_LANGUAGES))
        code = appeal_svc.submit_text_appeal(c, data)
    except appeal_svc.AppealInputError as err:
        raise ApiError(422, str(err), err.field) from None
    except AppealError as err:
        raise ApiError(422, str(err)) from None
    limiter().add("appeal", client_key())
    resp = jsonify({"tracking_code": code, "status_url": url_for("api.appeal_status", code=code)})
    resp.status_code = 201
    return resp


@bp.route("/appeals/<string:code>", methods=["GET"])
def appeal_status(code: str) -> Any:
    _rate("track", 60, 600)
    if len(code) > 32:
        raise ApiError(404, "no appeal with this tracking code")
    view = appeal_svc.public_view(container(), code)
    if view is None:
        raise ApiError(404, "no appeal with this tracking code")
    return jsonify(view.to_json())


# -- documents and dashboard --------------------------------------------------
def _params() -> SearchParams:
    """Every query parameter of the search and dashboard endpoints, validated (400 naming a bad one)."""
    return parse_query(SearchParams, request.args, topics=list(labels.TOPICS), departments=container().departments.ids)


def _filters(params: SearchParams) -> dash.Filters:
    now = container().clock.now()
    f = dash.Filters.from_params(params, now.date(), now)
    p: Principal = g.api_principal
    return f.restrict_to(ticket_svc.scope_of(p))


@bp.route("/documents/search", methods=["GET"])
@api_auth("press", "department")
def search_documents() -> Any:
    params = _params()
    res, _view = dash.search(container().index, _filters(params), cursor=params.cursor, size=params.size)
    out = res.to_json()
    for hit in out["hits"]:
        raw = hit["snippet"]
        hit["snippet"] = strip_highlight(raw)
        hit["snippet_html"] = str(highlight(raw))
    return jsonify(out)


@bp.route("/search", methods=["GET"])
@api_auth("press", "department")
def search() -> Any:
    """Cross-lingual search (``mode`` text | semantic | hybrid, default hybrid) in the caller's scope."""
    params = _params()
    mode = parse_query(SearchModeParams, request.args).mode
    res = search_svc.search(container(), _filters(params), mode, cursor=params.cursor, size=params.size)
    return jsonify({"total": res.total, "total_relation": res.total_relation, "mode": mode, "next_cursor": res.next_cursor,
                    "hits": [search_svc.hit_json(h, highlight, strip_highlight) for h in res.hits]})


DASHBOARD_VIEWS = ("volume", "negative_stories", "rising_topics", "regions")


@bp.route("/dashboard/<string:name>", methods=["GET"])
@api_auth("press")
def dashboard_view(name: str) -> Any:
    if name not in DASHBOARD_VIEWS:
        raise ApiError(404, f"unknown view; one of {', '.join(DASHBOARD_VIEWS)}")

    params = _params()
    return jsonify(build_view(name, _filters(params), params.split).to_json())


# -- alerts, tickets, KPIs (scoped) -----------------------------------------------
@bp.route("/alerts", methods=["GET"])
@api_auth("department", "press")
def alerts() -> Any:
    p = parse_query(AlertParams, request.args)
    return jsonify({"alerts": alert_svc.list_alerts(container(), g.api_principal, state=p.state, limit=p.limit)})


@bp.route("/tickets", methods=["GET"])
@api_auth("department")
def tickets() -> Any:
    flt = ticket_svc.TicketFilters.from_args(request.args)  # a bad parameter: 400 naming it (QueryParamError)
    limit = request.args.get("limit") or "50"
    if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 500):
        raise ApiError(400, "'limit' must be a number from 1 to 500", "limit")
    flt.limit = int(limit)
    found = ticket_svc.list_tickets(container(), g.api_principal, flt)
    return jsonify({"tickets": found.rows, "counters": found.counters, "total": found.total, "page": flt.page,
                    "pages": found.pages})


@bp.route("/tickets/<int:ticket_id>", methods=["GET"])
@api_auth("department")
def ticket(ticket_id: int) -> Any:
    try:
        detail = ticket_svc.get_ticket(container(), g.api_principal, ticket_id)
    except ticket_svc.NotFound:
        raise ApiError(404, "no such ticket") from None
    resp = jsonify(ticket_svc.ticket_json(detail))
    resp.headers["ETag"] = etag(detail["version"])
    return resp


# What each action reads from the JSON body: (argument, body key, required, longest).
TICKET_ACTIONS: dict[str, tuple[tuple[str, str, bool, int], ...]] = {
    "take": (),
    "assign": (("assignee", "assignee", True, 200),),
    "status": (("status", "status", True, 32), ("note", "note", False, 5000)),
    "note": (("text", "text", True, 5000),),
    "close": (("resolution", "resolution", True, 5000), ("internal_note", "internal_note", False, 5000)),
    "reopen": (("reason", "reason", True, 5000),),
}


@bp.route("/tickets/<int:ticket_id>/<string:action>", methods=["POST"])
@api_auth("department")
def ticket_action(ticket_id: int, action: str) -> Any:
    """Change a ticket (scoped).  State changes take the version the client read (``If-Match`` or ``version``);
    a stale one → 409 with ``current_version``, nothing written.  Without one, last writer wins."""
    if action not in TICKET_ACTIONS:
        raise ApiError(404, f"unknown ticket action; one of {', '.join(TICKET_ACTIONS)}")
    body = _json_body()
    args = {arg: _str(body, key, required, longest) for arg, key, required, longest in TICKET_ACTIONS[action]}
    try:
        version = requested_version(request.headers.get("If-Match"), body)
    except VersionParamError as err:
        raise ApiError(400, str(err), err.field) from None
    try:
        detail = ticket_svc.act(container(), g.api_principal, ticket_id, action,
                                version=version if action in ticket_svc.VERSIONED_ACTIONS else None, **args)
    except ticket_svc.NotFound:
        raise ApiError(404, "no such ticket") from None
    except ticket_svc.TicketConflict as err:
        resp = jsonify({"error": "conflict", "message": str(err), "current_version": err.current_version})
        resp.status_code = 409
        if err.current_version is not None:
            resp.headers["ETag"] = etag(err.current_version)
        return resp
    except ticket_svc.ActionRefused as err:
        raise ApiError(422, str(err)) from None
    resp = jsonify(ticket_svc.ticket_json(detail))
    resp.headers["ETag"] = etag(detail["version"])
    return resp


@bp.route("/incidents", methods=["GET"])
@api_auth("department")
def incidents() -> Any:
    limit = request.args.get("limit") or "100"
    if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 500):
        raise ApiError(400, "'limit' must be a number from 1 to 500", "limit")
    return jsonify({"incidents": incident_svc.list_incidents(container(), g.api_principal, limit=int(limit))})


@bp.route("/incidents/<int:incident_id>", methods=["GET"])
@api_auth("department")
def incident(incident_id: int) -> Any:
    try:
        return jsonify(incident_svc.get_incident(container(), g.api_principal, incident_id))
    except ticket_svc.NotFound:
        raise ApiError(404, "no such incident") from None


@bp.route("/incidents/<int:incident_id>/split", methods=["POST"], defaults={"action": "split"})
@bp.route("/incidents/<int:incident_id>/merge", methods=["POST"], defaults={"action": "merge"})
@api_auth("department")
def incident_decision(incident_id: int, action: str) -> Any:
    """Staff split / merge: stored in incident_decisions (the audit trail and the tuning signal)."""
    try:
        held_by = incident_svc.decide(container(), g.api_principal, incident_id, action, _json_body())
    except ticket_svc.NotFound:
        raise ApiError(404, "no such incident") from None
    except incident_svc.InvalidDecision as err:
        raise ApiError(422, str(err), err.field) from None
    except DecisionRefused as err:
        raise ApiError(409, str(err)) from None
    return jsonify({"incident": incident_svc.get_incident(container(), g.api_principal, held_by)})


@bp.route("/kpis", methods=["GET"])
@api_auth("department", "press")
def kpis() -> Any:
    return jsonify(ticket_svc.kpis(container(), g.api_principal))


# -- staff corrections of a document's analysis (scoped) ---------------------------
@bp.route("/documents/<string:document_id>/corrections", methods=["POST"])
@api_auth("department")
def correct_document(document_id: str) -> Any:
    body = _json_body()
    try:
        result = corr_svc.correct(container(), g.api_principal, document_id, body)
    except corr_svc.CorrectionInvalid as err:
        raise ApiError(422, str(err), err.field) from None
    except ticket_svc.NotFound:
        raise ApiError(404, "no such document") from None
    resp = jsonify(result)
    resp.status_code = 201 if result["changed"] else 200
    return resp


@bp.route("/documents/<string:document_id>/corrections", methods=["GET"])
@api_auth("department")
def document_corrections(document_id: str) -> Any:
    try:
        return jsonify(corr_svc.history(container(), g.api_principal, document_id))
    except ticket_svc.NotFound:
        raise ApiError(404, "no such document") from None


# -- documentation ---------------------------------------------------------------
@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Any:
    return jsonify(openapi_document(request.host_url.rstrip("/")))


@bp.route("/docs", methods=["GET"])
def docs() -> Any:
    return render_template("api/docs.html")


