"""The JSONL input contract of `analyze` and `ingest`: one object per line → Document."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from healthpulse.core.domain import Channel, Document
from healthpulse.core.errors import HealthpulseError
from healthpulse.text.unstorable import find_unstorable

MAX_ID = 128


class InputError(HealthpulseError, ValueError):
    error_code = "invalid"


def _parse_time(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(f"'{field}' must be an ISO 8601 string")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"'{field}' is not an ISO 8601 date-time: {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise InputError(f"'{key}' must be a string")
    return v


def document_from_json(obj: dict[str, Any], *, now: datetime) -> Document:
    """Validate one input object; the message says which field is wrong."""
    bad = find_unstorable(obj)
    if bad is not None:  # a lone surrogate would fail the whole batch's transaction: refuse this line only
        raise InputError(f"'{bad[0]}' {bad[1]}")
    rid = obj.get("id")
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    if not isinstance(rid, str) or not rid.strip():
        raise InputError("missing or empty 'id' (a string)")
    if len(rid) > MAX_ID:
        raise InputError(f"'id' longer than {MAX_ID} characters")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError("'text' must be a string" if "text" in obj else "missing 'text'")
    if not text.strip():
        raise InputError("empty 'text'")
    channel = obj.get("channel", "news")
    try:
        channel = Channel(channel)
    except ValueError:
        raise InputError(f"unknown channel {channel!r} (one of {', '.join(c.value for c in Channel)})") from None
    published = _parse_time(obj.get("published_at"), "published_at")
    return Document(
        id=rid, channel=channel, text=text, title=_opt_str(obj, "title"), url=_opt_str(obj, "url"),
        canonical_url=_opt_str(obj, "canonical_url"), source=_opt_str(obj, "source"),
        language_hint=_opt_str(obj, "lang") or _opt_str(obj, "language"),
        department_hint=_opt_str(obj, "department"), story_id=_opt_str(obj, "story_id"),
        published_at=published or now, fetched_at=now,
    )
