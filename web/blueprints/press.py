"""press blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("press", __name__, url_prefix="/press")
