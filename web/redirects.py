"""Where a user may be sent back to: only a path on this site (the login's ``next``).

Browsers are lenient with what follows ``Location:``: they drop tabs and line
breaks (``/\\t/evil.example`` becomes ``//evil.example``, another host), treat
``\\`` like ``/``, and a CR/LF in a header breaks the response.  So a target is
judged the way a browser would read it: percent-decoded, control and
whitespace characters removed, and then it must be a plain absolute path
(``/...``), not ``//host``, ``/\\host``, ``scheme:`` or anything else.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_TARGET = 2000


def _strip_invisible(value: str) -> str:
    """What a browser is left with: no control, format or separator characters anywhere."""
    return "".join(ch for ch in value if not ch.isspace()
                   and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp"))


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str | None:
    """``target`` as a same-site path when it is one, else None (the caller then uses its default page)."""
    if not target or len(target) > MAX_TARGET:
        return None
    cleaned = _strip_invisible(target)
    # Judge every decoding a browser or proxy might apply on the way (%2F%2F, %252F%252F...).
    probe = cleaned
    for _ in range(3):
        if not _is_local_path(probe):
            return None
        decoded = _strip_invisible(unquote(probe))
        if decoded == probe:
            break
        probe = decoded
    else:
        return None  # still changing after three decodings: not a path anyone typed
    return cleaned
