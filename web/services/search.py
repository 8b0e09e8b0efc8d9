"""Cross-lingual search for the search page and ``GET /api/v1/search``: the dashboard's filters, any mode.

``text`` is the dashboard's own full-text search (facets, total, next page); ``semantic`` and
``hybrid`` (indexes.hybrid, query read by ingest.search_plan) page through their fused hits.
"""

from __future__ import annotations

from typing import Any

from healthpulse.indexes.hybrid import SearchMode
from healthpulse.indexes.query import SearchResult
from healthpulse.web.services import dashboard as dash


def search(container: Any, f: dash.Filters, mode: SearchMode, cursor: str | None = None,
           size: int = 20) -> SearchResult:
    if mode == "text" or not f.text:
        return dash.search(container.index, f, cursor=cursor, size=size)[0]
    query = f.query(size=size, highlight=True, cursor=cursor)
    return dash.mask_appeal_hits(container.query_reader.search(container.index, query, mode))


def hit_json(hit: Any, highlight_html: Any, strip: Any) -> dict[str, Any]:
    """One hit as the API gives it: never a bare id (title, language, channel and snippet come with it)."""
    return {
        "id": hit.id, "title": hit.title, "language": hit.language, "channel": hit.channel,
        "snippet": strip(hit.snippet), "snippet_html": str(highlight_html(hit.snippet)), "score": hit.score,
        "published_at": hit.published_at.isoformat(), "department": hit.department, "topics": hit.topics,
        "url": hit.url,
    }
