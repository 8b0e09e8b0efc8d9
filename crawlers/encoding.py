"""Decode HTML bodies whose charset is missing, declared wrongly or in a BOM.

Order of trust (most regional sites serve windows-1251 / windows-1256 with a
header that says otherwise, or UTF-8 with a stray BOM):
1. a byte-order mark;
2. the bytes are valid UTF-8 and contain non-ASCII (UTF-8 is self-validating,
   legacy 8-bit text essentially never is);
3. the ``<meta charset>`` declared in the document;
4. the Content-Type header charset;
5. charset-normalizer's guess; windows-1252 with replacement as a last resort.
A declared charset is only used when the bytes decode strictly with it.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    name = resolve_encoding(encoding) or encoding
    try:
        codecs.lookup(name)
        return body.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding used)``."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        text = _strict(body[len(bom):], bom_encoding)
        if text is not None:
            return text, bom_encoding
    if not body.isascii():
        text = _strict(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    declared = html_body_declared_encoding(body)
    text = _strict(body, declared)
    if text is not None and declared:
        return text, resolve_encoding(declared) or declared
    header = resolve_encoding(header_charset) if header_charset else None
    if header and header not in _WEAK_HEADERS:
        text = _strict(body, header)
        if text is not None:
            return text, header
    guessed = _guess(body)
    if guessed is not None:
        return guessed
    return body.decode(header or "cp1252", errors="replace"), header or "cp1252"


# Servers default to these when nobody configured a charset; they decode any byte
# sequence, so they are only trusted when the content itself agrees.
_WEAK_HEADERS = frozenset({"cp1252", "latin-1", "iso8859-1", "iso-8859-1", "ascii"})


def _guess(body: bytes) -> tuple[str, str] | None:
    best = from_bytes(body[:200_000]).best()
    if best is None or not best.encoding:
        return None
    try:
        return body.decode(best.encoding), best.encoding
    except (LookupError, UnicodeDecodeError):
        return None
