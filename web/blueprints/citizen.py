"""Citizen portal (no login): home, text appeal, tracking, FAQ — in five languages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for
from healthpulse.web.i18n import UI_LANGUAGES, select_language

bp = Blueprint("citizen", __name__)


@bp.url_value_preprocessor
def _pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang_code" in values:
        g.lang_code = values.pop("lang_code")


@bp.url_defaults
def _add_lang(endpoint: str, values: dict[str, Any]) -> None:
    if "lang_code" not in values and endpoint != "citizen.home_default":
        values["lang_code"] = getattr(g, "lang_code", None) or select_language()


@bp.route("/")
def home_default() -> Any:
    return redirect(url_for("citizen.home", lang_code=select_language()))


@bp.route("/<any(" + ",".join(UI_LANGUAGES) + "):lang_code>/")
def home() -> Any:
    return render_template("citizen/home.html")
