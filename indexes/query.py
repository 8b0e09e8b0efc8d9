"""The one query model every SearchIndex backend answers.

Dashboards, the CLI and the API build a ``SearchQuery``; backends translate
it (FTS5 SQL, Elasticsearch/OpenSearch DSL) and return a ``SearchResult``.
The contract tests run the same queries against every backend and compare.

Semantics fixed here so backends agree:
- dates are UTC; ``date_from`` inclusive, ``date_to`` exclusive;
- histogram buckets are calendar day / ISO week (Monday) / month, keyed by
  the bucket start as ``YYYY-MM-DD``; empty buckets inside the range are kept
  with count 0;
- sort ``date_desc``/``date_asc`` break ties on ``id``; ``relevance`` breaks
  ties on date then id; ``reach_desc`` orders by ``reach_total`` (missing
  counts as -1, i.e. last), then date desc, then id; ``cursor`` is the opaque ``next_cursor`` of the
  previous page (search_after), so pages never repeat or skip;
- facet buckets are ordered by count desc, then key asc;
- text: folded, tokenized and stemmed per language field
  (indexes/text_analysis.py); every term must match (AND) within the
  document's language field; a text without word characters is ignored;
- trends compare the window ``[end - interval, end)`` with the one before it,
  ``end`` being ``date_to`` (default: now); ``month`` means 30 days there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FacetField = Literal["language", "channel", "topics", "department", "sentiment", "severity", "incident", "source", "places"]
FACET_FIELDS: tuple[str, ...] = ("language", "channel", "topics", "department", "sentiment", "severity", "incident", "source", "places")
Interval = Literal["day", "week", "month"]
SortOrder = Literal["relevance", "date_desc", "date_asc", "reach_desc"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexReach(_Model):
    """A social post's counts as its source reports them (``None``: the source does not say)."""

    views: int | None = None
    reactions: int | None = None
    forwards: int | None = None
    comments: int | None = None


class IndexDoc(_Model):
    """The flat record a backend stores; built from a stored Document + Analysis."""

    id: str
    channel: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    text: str
    language: str = "und"
    published_at: datetime
    department: str | None = None
    topics: list[str] = Field(default_factory=list)
    topic_scores: dict[str, float] = Field(default_factory=dict)
    sentiment: str | None = None
    sentiment_score: float | None = None
    incident: bool | None = None
    severity: str | None = None
    health_related: bool | None = None
    story_id: str | None = None
    places: list[str] = Field(default_factory=list)
    reach: IndexReach | None = None
    # One number to sort and filter by (``documents.reach_score``: the views, else the interactions counted).
    reach_total: int | None = None
    # Unit vector of title + lead (nlp.embedding) for semantic search; never part of a hit.
    embedding: list[float] | None = None

    @model_validator(mode="after")
    def _main_topic_first(self) -> IndexDoc:
        """Scored topics by score, highest first (ties: by id): the first is the document's main topic however
        it is read back, also from a search node's doc values (a sorted set) in a keys-only hit."""
        if self.topics and all(t in self.topic_scores for t in self.topics):
            self.topics = sorted(self.topics, key=lambda t: (-self.topic_scores[t], t))
        return self


# SearchFilters' list fields that each match one single-valued field of the IndexDoc, by backend-neutral name.
KEYWORD_FILTERS: dict[str, str] = {
    "ids": "id",
    "languages": "language",
    "channels": "channel",
    "departments": "department",
    "sentiments": "sentiment",
    "severities": "severity",
    "sources": "source",
}


class SearchFilters(_Model):
    """Which documents: the criteria a search, a facet count, a trend chart and a dashboard share."""

    text: str | None = None
    ids: list[str] = Field(default_factory=list)  # these documents only (a view naming the few it ranked first)
    languages: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    sentiments: list[str] = Field(default_factory=list)
    severities: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    incident: bool | None = None
    health_related: bool | None = None
    story_id: str | None = None
    min_reach: int | None = Field(default=None, ge=0)  # reach_total at least this (documents without reach drop out)
    date_from: datetime | None = None
    date_to: datetime | None = None


class SearchQuery(SearchFilters):
    """Filters plus what to return: order, page, facets, histogram, highlighting."""

    sort: SortOrder | None = None  # None → relevance with text, date_desc without
    # How the words of ``text`` match: every one of them (a search), or any one (hybrid search's check
    # that a query names anything the index holds before it lists nearest neighbours, indexes.hybrid).
    text_match: Literal["all", "any"] = "all"
    size: int = Field(default=20, ge=0, le=1000)
    cursor: str | None = None
    facets: list[FacetField] = Field(default_factory=list)
    facet_size: int = Field(default=10, ge=1, le=1000)
    histogram: Interval | None = None
    histogram_split: FacetField | None = None  # stacked series, e.g. by sentiment
    highlight: bool = False
    # False: hits without a snippet, and a search node does not send the documents' text.  A view that ranks
    # hundreds of hits by their fields (the negative-stories sample) would otherwise move megabytes of text.
    with_text: bool = True
    # True: hits carry only the fields a search node keeps column-wise (no title, url, reach or snippet), so a
    # node reads no stored document at all: reading 500 hits' stored fields was 80 of a 95 ms query at 1M
    # documents.  For views that rank hundreds of hits and then name a few (``web.services.dashboard``).
    keys_only: bool = False
    # Count the matches only up to this many (the answer's ``total_relation`` is then ``gte``): an engine
    # that need not count every match skips the documents that cannot make the page.  A backend may
    # count them all anyway (the embedded one does: its count is one cheap statement).
    total_up_to: int | None = Field(default=None, ge=1)
    # Semantic search: rank the filtered documents by cosine similarity to this unit vector
    # (``text`` must then be empty); hits only, no cursor, facets or histogram.
    vector: list[float] | None = None

    @property
    def effective_sort(self) -> SortOrder:
        if self.sort:
            return self.sort
        return "relevance" if self.text or self.vector else "date_desc"


class Hit(_Model):
    id: str
    title: str | None = None
    snippet: str = ""  # plain text; highlighted terms wrapped in \x02 … \x03 (the web layer escapes, then marks)
    language: str = "und"
    channel: str
    url: str | None = None
    published_at: datetime
    department: str | None = None
    topics: list[str] = Field(default_factory=list)
    sentiment: str | None = None
    incident: bool | None = None
    severity: str | None = None
    story_id: str | None = None
    source: str | None = None
    reach: IndexReach | None = None
    reach_total: int | None = None
    score: float | None = None


class FacetBucket(_Model):
    key: str
    count: int


class HistogramBucket(_Model):
    key: str  # bucket start, YYYY-MM-DD
    count: int
    split: dict[str, int] = Field(default_factory=dict)


class SearchResult(_Model):
    total: int
    # ``gte``: ``total`` is a lower bound (a fused answer whose lists were cut at their depth), as in Elasticsearch.
    total_relation: Literal["eq", "gte"] = "eq"
    hits: list[Hit] = Field(default_factory=list)
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)
    histogram: list[HistogramBucket] = Field(default_factory=list)
    next_cursor: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class TrendItem(_Model):
    """How often a facet value (topic, department, …) occurs now vs the window before."""

    key: str
    recent: int
    previous: int
    change: int  # recent - previous
    ratio: float  # (recent + 1) / (previous + 1): smoothed growth factor


HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
