"""Canonical URL normalisation for dedup and idempotent document ids.

Two forms:
- ``canonicalize_url``: a real, fetchable URL — tracking parameters removed,
  AMP and mobile variants mapped to the desktop article, fragment dropped,
  query sorted, trailing slash removed.
- ``url_key``: the comparison key — the canonical URL with the scheme and a
  leading ``www.`` folded away, so http/https and www/bare variants of the
  same article are one URL.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3_canonicalize

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid", "twclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "_openstat", "ref_src", "ref_url", "cmpid", "ocid", "spm", "share",
        "amp", "outputtype", "rss", "from_rss", "utm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.", "mob.")
_AMP_SUFFIX = re.compile(r"(/amp/?|\.amp)$", re.IGNORECASE)
_AMP_PREFIX = re.compile(r"^/amp(/|$)", re.IGNORECASE)
_AMP_HTML = re.compile(r"\.amp\.html?$", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _desktop_host(host: str) -> str:
    for prefix in MOBILE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


def _desktop_path(path: str) -> str:
    path = _AMP_HTML.sub(".html", path)
    path = _AMP_SUFFIX.sub("", path)
    path = _AMP_PREFIX.sub("/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


def canonicalize_url(url: str) -> str:
    """A fetchable canonical form of ``url`` (see module docstring)."""
    url = w3_canonicalize(url.strip(), keep_fragments=False)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    host = _desktop_host(host)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme.lower(), netloc, _desktop_path(parts.path), urlencode(sorted(query)), ""))


def url_key(url: str) -> str:
    """Comparison key: canonical URL without scheme and ``www.``."""
    parts = urlsplit(canonicalize_url(url))
    netloc = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    return urlunsplit(("", netloc, parts.path, parts.query, "")).lstrip("/")


def url_hash(url: str) -> str:
    """sha1 of ``url_key`` — the primary key of the seen-URL store."""
    return hashlib.sha1(url_key(url).encode("utf-8"), usedforsecurity=False).hexdigest()
