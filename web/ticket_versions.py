"""The ticket version an API client acted on: ``If-Match: "<version>"`` or a ``version`` field in the body.

Optimistic locking for machines: a client that read version 3 (the ``ETag``
of ``GET /api/v1/tickets/<id>`` and the ``version`` field) sends it back
with its change; if the ticket has moved on, the change is refused (409)
and nothing is written.  A client that sends neither keeps the old
behaviour: last writer wins.
"""

from __future__ import annotations

from typing import Any

from healthpulse.core.errors import HealthpulseError


class VersionParamError(HealthpulseError, ValueError):
    """An unreadable or contradictory version; ``field`` names where it came from."""

    error_code = "invalid"

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def etag(version: int) -> str:
    """The strong ETag of a ticket version (``"3"``)."""
    return f'"{int(version)}"'


def _parse_if_match(header: str) -> int:
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise VersionParamError("If-Match must be one ticket version, e.g. \"3\" (from the ticket's ETag)", "If-Match")
    return int(value)


def requested_version(if_match: str | None, body: dict[str, Any]) -> int | None:
    """The version the client acted on, or None when it sent none (``If-Match: *`` also means none)."""
    header = None if if_match is None or if_match.strip() in ("", "*") else _parse_if_match(if_match)
    field = body.get("version")
    if field is not None and (isinstance(field, bool) or not isinstance(field, int) or field < 1):
        raise VersionParamError("'version' must be a whole number from 1 (the ticket's version)", "version")
    if header is not None and field is not None and header != field:
        raise VersionParamError("If-Match and 'version' name different versions; send one", "version")
    return header if header is not None else field
