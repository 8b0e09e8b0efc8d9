"""Which document/source URLs may become links: http(s) only, everywhere one is rendered.

A crawled or ingested document can carry any URL (``javascript:``, ``data:``,
``vbscript:``...).  CSP would stop a script from running, but such a URL must
never be a link in the first place: pages and e-mails link a URL only when
``http_link`` returns it, and show anything else as plain text.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})


def http_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host and nothing a browser would silently drop; else None."""
    if not url or not isinstance(url, str) or len(url) > 4096:
        return None
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in url):
        return None  # "java\tscript:" and friends: browsers strip these before reading the scheme
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or "\\" in url:
        return None
    return url
