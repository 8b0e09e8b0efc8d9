"""Small helpers every backend shares: UTC time, cursors, histogram buckets, hits."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from healthpulse.core.errors import HealthpulseError
from healthpulse.indexes.highlight import make_snippet
from healthpulse.indexes.query import HistogramBucket, Hit, IndexDoc, Interval, SearchQuery
from healthpulse.indexes.text_analysis import field_for


class BadCursor(HealthpulseError, ValueError):
    """A ``cursor`` that no backend produced (tampered or from another sort)."""
    error_code = "invalid"
    field = "cursor"  # the request parameter at fault, for the web layer's error answer


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_ms(value: datetime) -> int:
    return int(as_utc(value).timestamp() * 1000)


def encode_cursor(sort: str, values: list[Any]) -> str:
    raw = json.dumps([sort, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, values = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadCursor(f"invalid cursor: {cursor!r}") from exc
    if kind != sort or not isinstance(values, list):
        raise BadCursor("cursor belongs to another sort order")
    if len(values) != (3 if sort in ("relevance", "reach_desc") else 2) or not all(map(_cursor_value_ok, values[:-1])) \
            or not isinstance(values[-1], str) or len(values[-1]) > 300:
        raise BadCursor("invalid cursor: not one this index produced")
    return values


def _cursor_value_ok(value: Any) -> bool:
    """A score or a timestamp in milliseconds: a finite number a database parameter can hold."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) < 2**53


def bucket_start(day: date, interval: Interval) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_bucket(start: date, interval: Interval) -> date:
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def fill_histogram(
    counts: dict[date, tuple[int, dict[str, int]]], interval: Interval, query: SearchQuery
) -> list[HistogramBucket]:
    """Buckets from the query range (or the data's range) with empty ones as 0.

    ``counts`` maps a bucket start to (count, split counts).
    """
    if query.date_from is not None:
        first: date | None = bucket_start(as_utc(query.date_from).date(), interval)
    else:
        first = min(counts) if counts else None
    if query.date_to is not None:
        last: date | None = bucket_start((as_utc(query.date_to) - timedelta(microseconds=1)).date(), interval)
    else:
        last = max(counts) if counts else None
    if first is None or last is None or first > last:
        return []
    out = []
    cur = first
    while cur <= last:
        count, split = counts.get(cur, (0, {}))
        out.append(HistogramBucket(key=cur.isoformat(), count=count, split=dict(sorted(split.items()))))
        cur = _next_bucket(cur, interval)
    return out


def merge_day_counts(
    rows: Iterable[tuple[date, str | None, int]], interval: Interval
) -> dict[date, tuple[int, dict[str, int]]]:
    """(day, split key or None, count) rows → per-bucket (count, split)."""
    totals: dict[date, int] = {}
    splits: dict[date, dict[str, int]] = {}
    for day, key, n in rows:
        start = bucket_start(day, interval)
        totals[start] = totals.get(start, 0) + n
        if key is not None:
            split = splits.setdefault(start, {})
            split[key] = split.get(key, 0) + n
    return {k: (v, splits.get(k, {})) for k, v in totals.items()}


def full_text(title: str | None, text: str) -> str:
    return f"{title}\n{text}" if title else text


def make_hit(doc: IndexDoc, terms: dict[str, list[str]], query: SearchQuery, score: float | None) -> Hit:
    field = field_for(doc.language)
    light = query.keys_only
    return Hit(
        id=doc.id,
        title=None if light else doc.title,
        snippet=make_snippet(doc.text, field, terms.get(field), highlight=query.highlight)
        if query.with_text and not light else "",
        language=doc.language,
        channel=doc.channel,
        url=None if light else doc.url,
        published_at=as_utc(doc.published_at),
        department=doc.department,
        topics=doc.topics,
        sentiment=doc.sentiment,
        incident=doc.incident,
        severity=doc.severity,
        story_id=doc.story_id,
        source=doc.source,
        reach=None if light else doc.reach,
        reach_total=doc.reach_total,
        score=score,
    )
