"""Press-office dashboard views, all answered by the SearchIndex query model.

Each view takes ``Filters`` (what the filter bar and URL say) and returns a
``View``: columns + rows (for tables and CSV) and, where it makes sense, a
chart series.  The same functions serve the HTML page, the JSON the charts
fetch, the CSV export and the API, so every view can be exported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any

from healthpulse.indexes.highlight import strip_highlight
from healthpulse.indexes.query import Hit, SearchFilters, SearchQuery, SearchResult, SortOrder
from healthpulse.video_intake.privacy import mask_contacts
from healthpulse.web.query_params import SearchParams, parse_query
from healthpulse.web.services.top_stories import name_stories, rank_top_stories, unnamed

CHANNELS = ("news", "video_appeal", "text_appeal", "hotline", "email", "social")
SENTIMENTS = ("negative", "neutral", "positive")
SEVERITIES = ("low", "medium", "high", "critical")
SPLITS = ("sentiment", "topics", "department", "channel")
DEFAULT_DAYS = 30
PRESET_DAYS = {"7d": 7, "30d": 30}
PRESETS = ("24h", "7d", "30d")
REGION_CHART_TOP = 10  # one bar per region, the busiest first: 20 lines in one small chart were unreadable
MAX_DAYS = 3 * 366
# The ``sort`` parameter's words → the index's sort orders (and back, for links).
SORTS: dict[str, SortOrder] = {"relevance": "relevance", "newest": "date_desc", "oldest": "date_asc",
                               "reach": "reach_desc"}


class Filters(SearchFilters):
    """The dashboard's filters: the index's ``SearchFilters`` over whole calendar days.

    ``day_from``..``day_to`` is what the UI shows (inclusive); ``date_from``/``date_to`` are their
    midnights (UTC, end exclusive), so a ``Filters`` is itself a filter the index understands.
    """

    day_from: date
    day_to: date
    sort: str | None = None  # a ``SORTS`` word; the search order (None: relevance with text, else newest)
    period: str | None = None  # the preset the window came from ("24h", "7d", "30d"), kept in links

    @classmethod
    def from_args(cls, args: Any, today: date, topics: list[str], departments: list[str]) -> Filters:
        """Parse request args through ``SearchParams`` (a bad value raises ``QueryParamError`` naming it)."""
        return cls.from_params(parse_query(SearchParams, args, topics=topics, departments=departments), today)

    @classmethod
    def from_params(cls, p: SearchParams, today: date, now: datetime | None = None) -> Filters:
        """The window from a preset (``period``: the last 24 hours, 7 or 30 days up to today) or from/to
        (whole days; default the last 30 days, at most ``MAX_DAYS``)."""
        if p.period == "24h":
            end = now or _midnight(today + timedelta(days=1))
            start = end - timedelta(hours=24)
            return cls._of(p, start.date(), end.date(), start, end)
        if p.period in PRESET_DAYS:
            date_from, date_to = today - timedelta(days=PRESET_DAYS[p.period] - 1), today
        else:
            date_to = p.date_to or today
            date_from = p.date_from or (date_to - timedelta(days=DEFAULT_DAYS - 1))
            if date_from > date_to:  # only from a default: a given reversed range is a 400 (SearchParams)
                date_from, date_to = date_to, date_from
            if (date_to - date_from).days > MAX_DAYS:
                date_from = date_to - timedelta(days=MAX_DAYS)
        return cls._of(p, date_from, date_to, _midnight(date_from), _midnight(date_to + timedelta(days=1)))

    @classmethod
    def _of(cls, p: SearchParams, day_from: date, day_to: date, start: datetime, end: datetime) -> Filters:
        return cls(
            day_from=day_from, day_to=day_to, date_from=start, date_to=end, period=p.period,
            text=p.q, languages=p.language, channels=p.channel, topics=p.topic, departments=p.department,
            sentiments=p.sentiment, severities=p.severity, incident=p.incident, min_reach=p.min_reach, sort=p.sort,
        )

    def restrict_to(self, department: str | None) -> Filters:
        """Department users only ever query their own department."""
        if department is None:
            return self
        return self.model_copy(update={"departments": [department]})

    @property
    def start(self) -> datetime:
        return self.date_from or _midnight(self.day_from)

    @property
    def end(self) -> datetime:
        return self.date_to or _midnight(self.day_to + timedelta(days=1))

    @property
    def interval(self) -> str:
        days = (self.day_to - self.day_from).days + 1
        return "day" if days <= 62 else "week" if days <= 366 else "month"

    def query(self, **overrides: Any) -> SearchQuery:
        base: dict[str, Any] = {**self.model_dump(include=set(SearchFilters.model_fields)), "size": 0}
        base.update(overrides)
        return SearchQuery(**base)

    def to_args(self) -> list[tuple[str, str]]:
        out = [("period", self.period)] if self.period else [("from", self.day_from.isoformat()),
                                                             ("to", self.day_to.isoformat())]
        if self.text:
            out.append(("q", self.text))
        for key, values in (("language", self.languages), ("channel", self.channels), ("topic", self.topics),
                            ("department", self.departments), ("sentiment", self.sentiments),
                            ("severity", self.severities)):
            out.extend((key, v) for v in values)
        if self.incident is not None:
            out.append(("incident", "1" if self.incident else "0"))
        if self.min_reach is not None:
            out.append(("min_reach", str(self.min_reach)))
        if self.sort:
            out.append(("sort", self.sort))
        return out


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass
class View:
    name: str
    columns: list[str]
    rows: list[list[Any]]
    chart: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"view": self.name, "columns": self.columns, "rows": self.rows, "chart": self.chart, **self.extra}


def volume(index: Any, f: Filters, split: str = "sentiment") -> View:
    """Documents per day/week/month, split into stacked series (sentiment, topic, department, channel)."""
    if split not in SPLITS:
        split = "sentiment"
    res: SearchResult = index.search(f.query(histogram=f.interval, histogram_split=split))
    keys = [b.key for b in res.histogram]
    series_names: list[str] = []
    for b in res.histogram:
        for name in b.split:
            if name not in series_names:
                series_names.append(name)
    if split == "sentiment":
        series_names = [s for s in SENTIMENTS if s in series_names] + [s for s in series_names if s not in SENTIMENTS]
    else:
        totals = {n: sum(b.split.get(n, 0) for b in res.histogram) for n in series_names}
        series_names.sort(key=lambda n: (-totals[n], n))
    series = {n: [b.split.get(n, 0) for b in res.histogram] for n in series_names}
    rows = [[b.key, b.count, *[b.split.get(n, 0) for n in series_names]] for b in res.histogram]
    return View(f"volume_{split}", ["period", "total", *series_names], rows,
                chart={"type": "bar", "stacked": True, "labels": keys, "series": series, "split": split,
                       "totals": [b.count for b in res.histogram]},
                extra={"total": res.total, "interval": f.interval})


# Newest-first slices (days back from the window's end) in which ``latest`` looks for the latest documents
# before it reads the rest of the window: at 1M documents a year's 120,000 negative health matches all went
# through the node's top-500 sort (no skipping: 120-250 ms); the last 2 days usually hold 500 already.
LATEST_SLICES_DAYS = (2, 14, 60)


def latest(index: Any, f: Filters, size: int, **query: Any) -> list[Hit]:
    """The ``size`` newest documents matching ``f`` and ``query``, newest first, read slice by slice from the
    window's end (``LATEST_SLICES_DAYS``, then the rest) until ``size`` are found: the same documents and
    order as one ``date_desc`` query over the window (the slices are disjoint, ``date_from`` inclusive,
    ``date_to`` exclusive), at the cost of the matches in the slices read rather than in the whole window."""
    hits: list[Hit] = []
    end = f.end
    for days in (*LATEST_SLICES_DAYS, None):
        start = max(f.start, f.end - timedelta(days=days)) if days else f.start
        want = size - len(hits)
        hits += index.search(f.query(**query, size=want, sort="date_desc", date_from=start, date_to=end,
                                     total_up_to=want + 1)).hits
        if len(hits) >= size or start <= f.start:
            break
        end = start
    return hits


def top_negative_stories(index: Any, f: Filters, limit: int = 10, sample: int = 500, incidents_of: Any = None,
                         count_up_to: int = 10_000) -> View:
    """The negative health stories that matter most, ranked by coverage × reach × severity (``top_stories``).

    Only documents the analysis found health-related: a traffic jam or a storm warning is negative news,
    not a health story.  The latest ``sample`` negative health documents matching the filters (``latest``:
    newest slices first), grouped and ranked in ``top_stories.rank_top_stories``; each hit carries only its
    keys (``keys_only``: no title, link or text — 500 hits' stored fields cost a search node 80 ms at 1M
    documents, the keys 10): the documents that name the rows shown are read once more, by id, for their
    title, link, or first words where they have no title;
    ``incidents_of(ids)`` gives the incident each document is merged into, so that an incident's reports are
    one row (``incident_id``, which the page links).  The negative documents are counted up to
    ``count_up_to`` only (``negative_total_relation`` says ``gte`` past it): over a year of a national
    crawl, counting every match cost the search node more than finding the latest ``sample``.
    """
    negative = {"sentiments": ["negative"], "health_related": True}
    hits = latest(index, f, sample, keys_only=True, **negative)
    count = index.search(f.query(**negative, total_up_to=count_up_to))
    reach = {h.id: h.reach_total for h in hits if h.reach_total}
    incidents = incidents_of([h.id for h in hits]) if incidents_of else None
    top = rank_top_stories(hits, reach, limit=limit, incidents=incidents)
    if lead := unnamed(top):  # the sample has no titles, links or texts: read those of the few that name a row
        # (with the sample's own filters: the page's sentiment filter would not find these negative documents)
        name_stories(top, index.search(f.query(ids=lead, size=len(lead), **negative)).hits)
    rows = [[g.key, g.title, g.documents, len(g.sources), g.department, g.first.date().isoformat(),
             g.last.date().isoformat(), g.incident, g.url, round(g.score, 1), g.severity, g.topic, g.audience,
             g.incident_id] for g in top]
    return View("negative_stories", ["story_id", "title", "coverage", "sources", "department", "first_seen",
                                     "last_seen", "incident", "url", "score", "severity", "topic", "reach",
                                     "incident_id"], rows,
                extra={"sampled": len(hits), "negative_total": count.total,
                       "negative_total_relation": count.total_relation})


def rising_topics(index: Any, f: Filters, limit: int = 10) -> View:
    """Topics whose volume grew most against the previous period of the same length."""
    span = f.end - f.start
    cur = index.search(f.query(facets=["topics"], facet_size=50))
    prev = index.search(f.query(facets=["topics"], facet_size=50, date_from=f.start - span, date_to=f.start))
    now_counts = {b.key: b.count for b in cur.facets.get("topics", [])}
    before = {b.key: b.count for b in prev.facets.get("topics", [])}
    rows = []
    for topic in set(now_counts) | set(before):
        a, b = now_counts.get(topic, 0), before.get(topic, 0)
        growth = (a - b) / b if b else (float(a) if a else 0.0)
        rows.append([topic, a, b, a - b, round(growth * 100, 1)])
    rows.sort(key=lambda r: (-r[3], -r[1], r[0]))
    return View("rising_topics", ["topic", "current", "previous", "change", "change_pct"], rows[:limit],
                chart={"type": "bar", "labels": [r[0] for r in rows[:limit]],
                       "series": {"current": [r[1] for r in rows[:limit]], "previous": [r[2] for r in rows[:limit]]}})


def regions(index: Any, f: Filters, names: dict[str, str]) -> View:
    """Volume, negative share and incidents per department (the map-as-a-table view); its chart is the top
    ``REGION_CHART_TOP`` regions as stacked horizontal bars (negative / the rest), ``more`` counts the others."""
    total = index.search(f.query(facets=["department"], facet_size=200))
    neg = index.search(f.query(facets=["department"], facet_size=200, sentiments=["negative"]))
    inc = index.search(f.query(facets=["department"], facet_size=200, incident=True))
    t = {b.key: b.count for b in total.facets.get("department", [])}
    n = {b.key: b.count for b in neg.facets.get("department", [])}
    i = {b.key: b.count for b in inc.facets.get("department", [])}
    rows = []
    for dep, count in sorted(t.items(), key=lambda kv: (-kv[1], kv[0])):
        share = round(100 * n.get(dep, 0) / count, 1) if count else 0.0
        rows.append([dep, names.get(dep, dep), count, n.get(dep, 0), share, i.get(dep, 0)])
    return View("regions", ["department", "name", "documents", "negative", "negative_pct", "incidents"], rows,
                extra={"total": total.total},
                chart={"type": "bar", "labels": [r[0] for r in rows[:REGION_CHART_TOP]],
                       "series": {"negative": [r[3] for r in rows[:REGION_CHART_TOP]],
                                  "other": [r[2] - r[3] for r in rows[:REGION_CHART_TOP]]},
                       "stacked": True, "split": "region", "more": max(0, len(rows) - REGION_CHART_TOP)})


REACH_COUNTS = ("views", "reactions", "forwards", "comments")
SEARCH_FACETS = ["language", "channel", "topics", "department", "sentiment"]  # each facet is one more pass


def search(index: Any, f: Filters, cursor: str | None = None, size: int = 20) -> tuple[SearchResult, View]:
    """Full-text search across all languages, with facets and highlighted snippets."""
    res = index.search(f.query(size=size, cursor=cursor, facets=SEARCH_FACETS, facet_size=15, highlight=True,
                               sort=SORTS.get(f.sort or "")))
    res = mask_appeal_hits(res)
    rows = [[h.id, h.published_at.isoformat(), h.language, h.channel, h.department, ";".join(h.topics),
             h.sentiment, h.title, strip_highlight(h.snippet), h.url, h.reach_total,
             *((getattr(h.reach, k) if h.reach else None) for k in REACH_COUNTS)] for h in res.hits]
    view = View("search", ["id", "published_at", "language", "channel", "department", "topics", "sentiment",
                           "title", "snippet", "url", "reach_total", *REACH_COUNTS], rows, extra={"total": res.total})
    return res, view


APPEAL_CHANNELS = ("text_appeal", "video_appeal", "hotline", "email")


def mask_appeal_hits(res: SearchResult) -> SearchResult:
    """Citizens' phone numbers and e-mails never reach the press office through search snippets."""
    hits = [h.model_copy(update={"snippet": mask_contacts(h.snippet), "title": mask_contacts(h.title) or h.title})
            if h.channel in APPEAL_CHANNELS else h for h in res.hits]
    return res.model_copy(update={"hits": hits})


def search_all_rows(index: Any, f: Filters, limit: int = 10_000) -> View:
    """Every search hit (up to ``limit``) for CSV export, paging with the cursor."""
    rows: list[list[Any]] = []
    cursor = None
    view = None
    while len(rows) < limit:
        _res, view = search(index, f, cursor=cursor, size=min(500, limit - len(rows)))
        rows.extend(view.rows)
        cursor = _res.next_cursor
        if not cursor or not view.rows:
            break
    assert view is not None
    return View("search", view.columns, rows)


class ViewCache:
    """A small TTL cache of computed views: the page, its charts and a CSV export of the same filters
    within ``ttl`` seconds reuse one computation (dashboards tolerate that much staleness)."""

    def __init__(self, ttl: float = 30.0, size: int = 256, clock: Any = None):
        self.ttl, self.size = ttl, size
        self._clock = clock or monotonic
        self._data: dict[Any, tuple[float, View]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Any) -> View:
        now = self._clock()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
        view = compute()
        with self._lock:
            if len(self._data) >= self.size:
                for k in sorted(self._data, key=lambda k: self._data[k][0])[: self.size // 4]:
                    del self._data[k]
            self._data[key] = (now, view)
        return view
