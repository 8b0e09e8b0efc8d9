"""department blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("department", __name__, url_prefix="/department")
