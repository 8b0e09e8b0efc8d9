"""``GET /healthz``: is this process able to take work — for load balancers, probes and the operator on call.

200 with every check "ok"; 503 naming the one that is not (the database, or in distributed mode the
broker — the web keeps accepting appeals then, their jobs wait in the database, but the operator must
know). Unauthenticated, so it says what is down, never where.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from healthpulse.web.context import container

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> Any:
    checks = container().health()
    ok = all(state == "ok" for state in checks.values())
    response = jsonify({"status": "ok" if ok else "failing", "checks": checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
