"""Rising topics/departments/sources: one definition for every backend.

Two facet searches (recent window, previous window) through the backend's own
``search``, so the FTS5 and node backends answer identically by construction.
"""

from __future__ import annotations

from datetime import timedelta

from healthpulse.core.domain import utcnow
from healthpulse.indexes.common import as_utc
from healthpulse.indexes.query import FacetField, Interval, SearchQuery, TrendItem

WINDOW = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
MAX_KEYS = 1000


def compute_trends(index, query: SearchQuery, field: FacetField, interval: Interval, size: int) -> list[TrendItem]:
    end = as_utc(query.date_to) if query.date_to else utcnow()
    window = WINDOW[interval]
    base = query.model_copy(
        update={"size": 0, "cursor": None, "facets": [field], "facet_size": MAX_KEYS, "histogram": None, "highlight": False}
    )

    def counts(start, stop) -> dict[str, int]:
        result = index.search(base.model_copy(update={"date_from": start, "date_to": stop}))
        return {b.key: b.count for b in result.facets.get(field, [])}

    recent = counts(end - window, end)
    previous = counts(end - 2 * window, end - window)
    items = [
        TrendItem(
            key=key,
            recent=recent.get(key, 0),
            previous=previous.get(key, 0),
            change=recent.get(key, 0) - previous.get(key, 0),
            ratio=round((recent.get(key, 0) + 1) / (previous.get(key, 0) + 1), 6),
        )
        for key in set(recent) | set(previous)
    ]
    items.sort(key=lambda t: (-t.change, -t.recent, t.key))
    return items[:size]
