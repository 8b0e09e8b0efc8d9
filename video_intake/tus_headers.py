"""Strict parsing of the tus request headers and the ids in the video URLs.

Why strict: ``str.isdigit()`` accepts ``²`` and ``int()`` then fails (a 500),
and a NUL byte in metadata or an id reaches PostgreSQL, which refuses it (a
500 again).  Every value here is checked for its exact form and size, and a
refusal is an ``UploadError`` (400) whose message names the header or key.
These messages are for the client's programmer (the page's own tus client
never sends such values), so they stay in English like the protocol.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata

from healthpulse.video_intake.uploads import CHECKSUM_ALGORITHMS, UploadError

# Byte counts: ASCII digits only, at most 15 of them (a petabyte; far above any upload, inside a BIGINT).
_COUNT = re.compile(r"[0-9]{1,15}")
MAX_METADATA_CHARS = 4096
_METADATA_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def parse_count(name: str, value: str | None) -> int | None:
    """A byte count header (``Upload-Length``, ``Upload-Offset``, ``Content-Length``); None when absent."""
    if value is None:
        return None
    if not _COUNT.fullmatch(value):
        raise UploadError(400, f"{name} must be a byte count: ASCII digits 0-9 only, at most 15 of them", "header")
    return int(value)


def _decode_base64(value: str) -> bytes:
    if not _BASE64.fullmatch(value):
        raise ValueError("not base64")
    return base64.b64decode(value, validate=True)


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata: key base64,key2 base64`` → dict (tus core): unique ASCII keys, UTF-8 text values
    without control characters, the whole header bounded."""
    out: dict[str, str] = {}
    if not header:
        return out
    if len(header) > MAX_METADATA_CHARS:
        raise UploadError(400, f"Upload-Metadata is longer than {MAX_METADATA_CHARS} characters", "metadata")
    for pair in header.split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, value = pair.partition(" ")
        if not _METADATA_KEY.fullmatch(key):
            raise UploadError(400, f"Upload-Metadata key '{key[:64]}' must be 1-64 ASCII letters, digits, '_', '.' "
                                   "or '-'", "metadata")
        if key in out:
            raise UploadError(400, f"Upload-Metadata key '{key}' is given twice", "metadata")
        try:
            text = _decode_base64(value.strip()).decode("utf-8") if value.strip() else ""
        except (ValueError, UnicodeDecodeError):
            raise UploadError(400, f"Upload-Metadata value for '{key}' is not valid base64 UTF-8", "metadata") from None
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise UploadError(400, f"Upload-Metadata value for '{key}' contains control characters", "metadata")
        out[key] = text
    return out


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """``Upload-Checksum: sha1 <base64 digest>`` (tus checksum extension); the digest has its algorithm's size."""
    if header is None:
        return None
    algo, _, value = header.strip().partition(" ")
    algo = algo.lower()
    if algo not in CHECKSUM_ALGORITHMS:
        raise UploadError(400, f"Upload-Checksum algorithm '{algo[:16]}' is not supported "
                               f"(use {', '.join(CHECKSUM_ALGORITHMS)})", "checksum_algorithm")
    try:
        digest = _decode_base64(value.strip())
    except ValueError:
        raise UploadError(400, "Upload-Checksum digest is not valid base64", "checksum_format") from None
    if len(digest) != hashlib.new(algo).digest_size:
        raise UploadError(400, f"Upload-Checksum digest is not a {algo} digest "
                               f"({hashlib.new(algo).digest_size} bytes)", "checksum_format")
    return algo, digest

