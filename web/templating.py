"""Jinja globals and filters: labels, department names, dates in the UI locale, highlights.

Autoescaping stays on everywhere; the only Markup built here is from text
that was escaped first (search highlights).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from healthpulse.core.links import http_link
from healthpulse.indexes.highlight import strip_highlight
from healthpulse.indexes.query import HIGHLIGHT_END, HIGHLIGHT_START
from healthpulse.video_intake.privacy import MASK
from healthpulse.web.context import container
from healthpulse.web.datetimes import Style, format_day, format_local
from healthpulse.web.i18n import current_language, language_name, local_digits, local_number, local_percent
from healthpulse.web.labels import label
from healthpulse.web.links import tel_uri
from healthpulse.web.server_messages import server_message
from healthpulse.web.zones import page_zone
from markupsafe import Markup, escape


def highlight(snippet: str | None) -> Markup:
    """Escape a snippet, then turn the index's \\x02…\\x03 markers into <mark> (never the other way round)."""
    escaped = str(escape(snippet or ""))
    escaped = escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>")
    # An unbalanced marker from a truncated snippet must not leave an open element.
    opened = escaped.count("<mark>") - escaped.count("</mark>")
    if opened > 0:
        escaped += "</mark>" * opened
    return Markup(escaped)  # noqa: S704 - built from escaped text plus our own tags only


def datetime_local(value: Any, fmt: Style = "medium") -> str:
    """Every date and time on a page goes through here (see web/datetimes.py)."""
    return format_local(value, current_language(), page_zone(), fmt)


def date_local(value: Any, fmt: Style = "medium") -> str:
    """A calendar day (charts' periods, "last seen") in the reader's calendar and digits."""
    return format_day(value, current_language(), fmt)


def number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if not isinstance(value, int | float):
        return str(value)
    return local_number(value)


def ident(value: Any) -> str:
    """A ticket, incident or alert number: an identifier, so never grouped ("#1234", not "#1,234" like an
    amount), but in the reader's digits."""
    if value is None or value == "":
        return "—"
    return local_digits(str(int(value)))


def percent(value: Any) -> str:
    """A share (0..1) as a percentage in the reader's locale and digits; "—" when there is none."""
    if value is None or value == "":
        return "—"
    return local_percent(value)


def masked(text: str | None) -> str:
    """Text with contacts masked for this reader: the neutral marker in the reader's language."""
    return (text or "").replace(MASK, _("[hidden]"))


def localise_mask(value: Any) -> Any:
    """Every printed value: the services' neutral mask marker becomes the reader's word for it.

    Services mask contacts with one language-neutral marker (``privacy.MASK``); ticket, triage, incident and
    search pages print it through many fields, so it is translated once here, as Jinja's ``finalize``.
    A ``Markup`` stays ``Markup`` (its ``replace`` escapes the plain-text replacement)."""
    if isinstance(value, str) and MASK in value:
        return value.replace(MASK, _("[hidden]"))
    return value


def department_name(dep_id: str | None) -> str:
    """The department's name in the reader's language (the departments file's ``name: {ar: …}``)."""
    if not dep_id:
        return "—"
    dep = container().departments.get(dep_id)
    return dep.name.in_language(current_language()) if dep is not None else dep_id


def department_names() -> dict[str, str]:
    """Every department id → its name in the reader's language, in the file's order (for choices and charts)."""
    lang = current_language()
    return {d.id: d.name.in_language(lang) for d in container().departments.departments}


def url_with_query(endpoint: str, args: Any, **values: Any) -> str:
    """``url_for(endpoint, **values)`` plus the (repeatable) filter arguments as the query string."""
    pairs = list(args.items(multi=True)) if hasattr(args, "items") and hasattr(args, "getlist") else list(args or [])
    base = url_for(endpoint, **values)
    if not pairs:
        return base
    return base + ("&" if "?" in base else "?") + urlencode(pairs)


def lang_switch_url(code: str) -> str:
    """This page in another UI language: the URL prefix where the route has one, else ``?lang=``."""
    endpoint = request.endpoint
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        return url_for(endpoint, **{**(request.view_args or {}), "lang_code": code})
    return request.path + "?" + urlencode({"lang": code})


def init_templating(app: Flask) -> None:
    # Jinja folds a filter applied to a constant (``5|number``) once, when the template compiles, in the language
    # of whichever request compiled it; every filter here depends on the reader's language, so nothing is folded.
    app.jinja_env.optimized = False
    app.jinja_env.finalize = localise_mask
    app.jinja_env.globals.update(label=label, department_name=department_name, department_names=department_names,
                                 server_message=server_message,
                                 url_with_query=url_with_query,
                                 lang_switch_url=lang_switch_url, language_name=language_name)
    app.jinja_env.filters.update(highlight=highlight, datetime_local=datetime_local, date_local=date_local, number=number, ident=ident, percent=percent, masked=masked,
                                 strip_highlight=strip_highlight, tel_uri=tel_uri, http_link=http_link)
