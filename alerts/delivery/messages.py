"""E-mail text and HTML in the recipient's language (ru, ar, fa, vi, en; RTL for ar/fa).

Strings live in ``templates/i18n/<lang>.yaml``; layout in two Jinja
templates (HTML autoescaped, text not).  Unknown languages fall back to English.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from healthpulse.alerts.rules import reasons
from healthpulse.core.config_files import read_yaml
from healthpulse.core.links import http_link
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent.parent / "templates"  # alerts/templates
LANGS = ("ru", "ar", "fa", "vi", "en")
EVENTS = ("alert", "escalation", "recovery", "appeal", "breach", "survey", "digest", "press_digest", "reply", "received")


@cache
def strings(language: str) -> dict[str, Any]:
    lang = language if language in LANGS else "en"
    data, _ = read_yaml(TEMPLATES / "i18n" / f"{lang}.yaml")  # a string given twice is an error, not a silent pick
    return dict(data)


@lru_cache(maxsize=2)
def _env(html: bool) -> Environment:
    # Autoescape for HTML; the text/plain part must not get HTML entities.
    env = Environment(  # noqa: S701
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["j2"]) if html else False,  # noqa: S701
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["http_link"] = http_link  # document URLs are links only when http(s) (core/links.py)
    return env


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _reason(t: dict[str, Any], reason: str | None) -> str | None:
    """An alert's stored reason (English, from the rules) in the recipient's language when its shape is known;
    merged firings' reasons are joined by " — " and translated one by one."""
    if not reason:
        return reason
    parts = []
    for part in reason.split(" — "):
        if m := reasons.INCIDENT.fullmatch(part):
            part = t["reasons"]["incident"].format(severity=t["severity"].get(m["severity"], m["severity"]))
        elif m := reasons.SPIKE.fullmatch(part):
            part = t["reasons"]["spike"].format(count=m["count"], baseline=m["baseline"])
        parts.append(part)
    return " — ".join(parts)


def render_email(event: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """``(subject, text, html)`` for ``event`` in ``language``."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    lang = language if language in LANGS else "en"
    t = strings(lang)
    severity = context.get("severity")
    fmt = _SafeDict(context)
    fmt["severity"] = t["severity"].get(severity, severity or "")
    subject = t["subject"][event].format_map(fmt).strip()
    base: dict[str, Any] = {
        "department": None, "severity": None, "topic": None, "rule": None, "reason": None, "ticket_id": None,
        "due_at": None, "survey_url": None, "documents": [], "items": [], "link": None, "reply": None,
        "track_url": None, "citizen_department": None,
        "incidents": None,  # the daily digest's ranked incidents (a list, maybe empty)
    }
    base.update(context)
    base["topic"] = t["topics"].get(context.get("topic") or "", context.get("topic"))
    base["reason"] = _reason(t, context.get("reason"))
    base.update(
        t={**t, "heading": t["heading"][event]},
        language=lang,
        subject=subject,
        severity_label=t["severity"].get(severity or "", severity or ""),
        survey_expiry=t["survey_expiry"].format(expires=context.get("expires_at", "")),
        reply_track=t["reply_track"].format(tracking_code=context.get("tracking_code", "")),
        received_text=t["received_text"].format(tracking_code=context.get("tracking_code", ""),
                                                department=context.get("citizen_department", ""),
                                                due=context.get("answer_due", "")),
    )
    text = _env(False).get_template("email.txt.j2").render(**base)
    html = _env(True).get_template("email.html.j2").render(**base)
    return subject, text, html
