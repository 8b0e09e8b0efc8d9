"""A config problem (``core.config_files.ConfigIssue``) in the admin's language.

The loaders speak English (the CLI, the logs); the admin pages show the same
problem translated from its kind and context, falling back to the English
text for a kind not listed here (a custom validator's own message).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from healthpulse.core.config_files import ConfigIssue


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _messages() -> dict[str, Callable[[dict[str, Any]], str]]:
    number = _("must be a number")
    return {
        "greater_than_equal": lambda c: _("must be at least %(n)s", n=_num(c.get("ge"))),
        "greater_than": lambda c: _("must be greater than %(n)s", n=_num(c.get("gt"))),
        "less_than_equal": lambda c: _("must be at most %(n)s", n=_num(c.get("le"))),
        "less_than": lambda c: _("must be less than %(n)s", n=_num(c.get("lt"))),
        "literal_error": lambda c: _("must be one of %(values)s", values=c.get("expected", "")),
        "enum": lambda c: _("must be one of %(values)s", values=c.get("expected", "")),
        "unknown_key": lambda c: _("unknown key; one of %(values)s", values=c.get("expected", "")),
        "extra_forbidden": lambda c: (_("unknown key; did you mean %(key)s?", key=c["suggestion"])
                                      if c.get("suggestion") else _("unknown key")),
        "missing": lambda c: _("required"),
        "int_parsing": lambda c: number, "int_type": lambda c: number, "int_from_float": lambda c: number,
        "float_parsing": lambda c: number, "float_type": lambda c: number,
        "bool_parsing": lambda c: _("must be true or false"), "bool_type": lambda c: _("must be true or false"),
        "string_type": lambda c: _("must be text"),
        "list_type": lambda c: _("must be a list"),
        "dict_type": lambda c: _("must be a mapping of keys and values"),
        "model_type": lambda c: _("must be a mapping of keys and values"),
        "model_attributes_type": lambda c: _("must be a mapping of keys and values"),
        "too_short": lambda c: _("must not be empty"), "string_too_short": lambda c: _("must not be empty"),
        "too_long": lambda c: _("too long (at most %(n)s)", n=_num(c.get("max_length"))),
        "string_too_long": lambda c: _("too long (at most %(n)s)", n=_num(c.get("max_length"))),
        "string_pattern_mismatch": lambda c: _("contains characters that are not allowed"),
        "union_tag_invalid": lambda c: _("unknown rule type %(tag)s; one of %(values)s", tag=c.get("tag", ""),
                                         values=c.get("expected_tags", "")),
        "union_tag_not_found": lambda c: _("the entry needs a %(key)s", key=c.get("discriminator", "type")),
        "duplicate_key": lambda c: _("key given twice (first on line %(n)s)", n=c.get("first_line")),
        "duplicate_id": lambda c: _("id %(id)s given twice (first on line %(n)s)", id=c.get("value"),
                                    n=c.get("first_line")),
        "yaml_syntax": lambda c: _("not valid YAML: %(problem)s", problem=c.get("problem", "")),
        "unknown_department": lambda c: _("unknown department %(id)s", id=c.get("value")),
        "too_large": lambda c: _("larger than %(n)s KiB", n=c.get("max_kib")),
    }


def describe(issue: ConfigIssue) -> str:
    """The problem's message in the current UI language."""
    make = _messages().get(issue.kind)
    if make is None:
        return issue.message
    try:
        return str(make(issue.ctx))
    except (KeyError, TypeError, ValueError):
        return issue.message


def problem_view(issue: ConfigIssue, lines: list[str]) -> dict[str, Any]:
    """What the page shows for one problem: its line number and text, the key, the entry, the message."""
    line = issue.line
    source = lines[line - 1] if line and 0 < line <= len(lines) else None
    return {"line": line, "source": source, "key": issue.key, "entry": issue.entry, "message": describe(issue)}
