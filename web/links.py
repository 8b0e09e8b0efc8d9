"""``tel:`` links for a citizen's phone (http(s)-only document links are core.links.http_link).

A phone becomes a link only when it is a phone number (digits, an optional
leading +, the usual separators; Arabic-Indic and Persian digits read as
digits), so a typo or free text stays plain text.  A crawled document's URL
is a link only when it is http(s): ``javascript:`` and friends never are.
"""

from __future__ import annotations

import re

from healthpulse.text.normalize import to_ascii_digits

_SEPARATORS = re.compile(r"[\s().\-\u00a0\u200e\u200f]")
_PHONE = re.compile(r"\+?[0-9]{5,15}")  # E.164 allows at most 15 digits


def tel_uri(phone: str | None) -> str | None:
    """``tel:+201002223333`` for a phone number as typed, or None when it is not one."""
    if not phone:
        return None
    compact = _SEPARATORS.sub("", to_ascii_digits(str(phone)))
    return f"tel:{compact}" if _PHONE.fullmatch(compact) else None


