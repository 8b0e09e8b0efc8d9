"""Query model ↔ Elasticsearch/OpenSearch DSL, shared by both node backends.

Only the DSL subset both engines speak: bool/match/terms/range, terms and
date_histogram aggregations, search_after.  Histogram gaps are filled and
snippets made in Python (indexes/common.py) so answers equal the FTS5 ones.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from healthpulse.indexes.common import (
    as_utc,
    decode_cursor,
    encode_cursor,
    fill_histogram,
    full_text,
    make_hit,
    merge_day_counts,
    to_ms,
)
from healthpulse.indexes.query import KEYWORD_FILTERS, FacetBucket, Hit, IndexDoc, SearchQuery, SearchResult
from healthpulse.indexes.text_analysis import analyzed_string, field_for, query_terms, text_tokens

AnalysisMode = Literal["engine", "client"]
SCHEMA_VERSION = 1
_TERMS_FILTERS = {**KEYWORD_FILTERS, "topics": "topics"}
_SPLIT_SIZE = 1000
# What a hit reads of a document's _source when it carries no snippet (SearchQuery.with_text False):
# derived from the two models, so a field added to Hit is sent without a second list to keep in step.
_HIT_FIELDS = [name for name in Hit.model_fields if name in IndexDoc.model_fields]
# What a keys-only hit (SearchQuery.keys_only) reads: the hit's fields the mapping keeps doc values of
# (title and url are stored only, reach is left to reach_total), so the fetch reads no stored document;
# the topic scores put the main topic first again (doc values hold the topics as a sorted set).
_KEY_FIELDS = [name for name in _HIT_FIELDS if name not in ("title", "url", "reach")] + ["topic_scores.*"]
_LIST_FIELDS = {name for name, f in Hit.model_fields.items() if getattr(f.annotation, "__origin__", None) is list}


@lru_cache(maxsize=8)
def _template_text(name: str) -> str:
    return resources.files("healthpulse.indexes").joinpath("templates", name).read_text("utf-8")


def load_template(name: str) -> dict[str, Any]:
    """A JSON template from indexes/templates/ (versioned with the code), a fresh copy each time: callers
    add engine-specific parts (OpenSearch's ``index.knn``), which must not leak into another engine's index."""
    return json.loads(_template_text(name))


def index_template(prefix: str) -> dict[str, Any]:
    body = json.loads(json.dumps(load_template("index-template.json")).replace("{prefix}", prefix))
    return body


def schema_component(mode: AnalysisMode) -> dict[str, Any]:
    """Analysis settings for ``mode`` + mappings as one component template.

    One component because a component's mappings may only name analyzers it defines.
    """
    analysis = load_template("analysis-languages.json" if mode == "engine" else "analysis-preanalysed.json")
    mappings = load_template("mappings.json")
    return {
        "version": max(analysis["version"], mappings["version"]),
        "_meta": {"analysis": analysis["_meta"], "mappings": mappings["_meta"], "analysis_mode": mode},
        "template": {"settings": analysis["template"]["settings"], "mappings": mappings["template"]["mappings"]},
    }


def doc_source(doc: IndexDoc, mode: AnalysisMode) -> dict[str, Any]:
    """The _source of one document; its text goes to the content field of its language."""
    body = doc.model_dump(mode="json", exclude={"embedding"} if doc.embedding is None else None)
    body["published_at"] = as_utc(doc.published_at).isoformat().replace("+00:00", "Z")
    field = field_for(doc.language)
    text = full_text(doc.title, doc.text)
    body[f"content_{field}"] = analyzed_string(text, field) if mode == "client" else " ".join(text_tokens(text))
    return body


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for attr, field in _TERMS_FILTERS.items():
        values = getattr(query, attr)
        if values:
            out.append({"terms": {field: list(values)}})
    for attr in ("incident", "health_related"):
        value = getattr(query, attr)
        if value is not None:
            out.append({"term": {attr: value}})
    if query.story_id:
        out.append({"term": {"story_id": query.story_id}})
    if query.min_reach is not None:
        out.append({"range": {"reach_total": {"gte": query.min_reach}}})
    date_range: dict[str, Any] = {}
    if query.date_from:
        date_range["gte"] = to_ms(query.date_from)
    if query.date_to:
        date_range["lt"] = to_ms(query.date_to)
    if date_range:
        out.append({"range": {"published_at": {**date_range, "format": "epoch_millis"}}})
    return out


def _text_clause(terms: dict[str, list[str]], query: SearchQuery, mode: AnalysisMode) -> dict[str, Any]:
    folded = " ".join(text_tokens(query.text or ""))
    should = [
        {"match": {f"content_{field}": {"query": " ".join(words) if mode == "client" else folded,
                                        "operator": "or" if query.text_match == "any" else "and"}}}
        for field, words in terms.items()
    ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


VectorField = Literal["dense_vector", "knn_vector"]


def knn_search(query: SearchQuery, field_type: VectorField | None) -> dict[str, Any]:
    """Body of a semantic search: the engine's approximate kNN on the index's vector field (Elasticsearch
    ``dense_vector``, OpenSearch ``knn_vector``) or, where the field is not a vector (a node without the k-NN
    plugin, an index made before it), an exact ``script_score`` over the vectors kept in ``_source``."""
    assert query.vector is not None
    filters = _filters(query)
    body: dict[str, Any] = {"size": query.size, "_source": {"excludes": ["embedding"]}}
    k = max(query.size, 1)
    if field_type == "dense_vector":
        body["knn"] = {"field": "embedding", "query_vector": query.vector, "k": k,
                       "num_candidates": max(100, 4 * query.size), **({"filter": filters} if filters else {})}
        return body
    if field_type == "knn_vector":  # the Lucene engine filters while it walks the graph (efficient filtering)
        body["query"] = {"knn": {"embedding": {"vector": query.vector, "k": k,
                                               **({"filter": {"bool": {"filter": filters}}} if filters else {})}}}
        return body
    body["query"] = {"script_score": {
        "query": {"bool": {"filter": filters}},
        "script": {"source": _DOT_SCRIPT, "params": {"q": query.vector}},
    }}
    body["min_score"] = 1e-6  # documents without a vector score 0
    return body


# Cosine of unit vectors + 1 (a score may not be negative); documents without a vector score 0.
_DOT_SCRIPT = (
    "def v = params._source.embedding; if (v == null || v.size() != params.q.size()) { return 0.0; }"
    " double s = 0; for (int i = 0; i < v.size(); ++i) { s += ((Number) v.get(i)).doubleValue() * params.q[i]; }"
    " return s + 1.0;"
)


def parse_knn(response: dict[str, Any], query: SearchQuery, *, shifted: bool) -> SearchResult:
    """Hits of a semantic search, scored by cosine similarity."""
    hits = [
        make_hit(IndexDoc.model_validate(h["_source"]), {}, query, h["_score"] - 1.0 if shifted else 2 * h["_score"] - 1)
        for h in response["hits"]["hits"][: query.size]
    ]
    return SearchResult(total=len(hits), hits=hits)


def _sort(sort: str) -> list[Any]:
    if sort == "date_asc":
        return [{"published_at": {"order": "asc"}}, {"id": {"order": "asc"}}]
    if sort == "date_desc":
        return [{"published_at": {"order": "desc"}}, {"id": {"order": "asc"}}]
    if sort == "reach_desc":  # no reach sorts as -1 (last), the same key the embedded index uses
        return [{"reach_total": {"order": "desc", "missing": -1}}, {"published_at": {"order": "desc"}},
                {"id": {"order": "asc"}}]
    return [{"_score": {"order": "desc"}}, {"published_at": {"order": "desc"}}, {"id": {"order": "asc"}}]


def _terms_agg(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size, "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def build_search(query: SearchQuery, mode: AnalysisMode) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Request body for ``_search`` and the per-field query terms (for snippets)."""
    terms = query_terms(query.text)
    bool_query: dict[str, Any] = {"filter": _filters(query)}
    if terms:
        bool_query["must"] = [_text_clause(terms, query, mode)]
    sort = query.effective_sort
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "size": query.size + 1,
        "sort": _sort(sort),
        "track_total_hits": query.total_up_to or True,
    }
    if query.keys_only:
        body.update({"_source": False, "stored_fields": "_none_", "docvalue_fields": [
            {"field": name, "format": "strict_date_optional_time"} if name == "published_at" else name
            for name in _KEY_FIELDS]})
    elif not query.with_text:
        body["_source"] = {"includes": _HIT_FIELDS}
    if query.cursor:
        body["search_after"] = decode_cursor(query.cursor, sort)
    aggs: dict[str, Any] = {f"facet_{f}": _terms_agg(f, query.facet_size) for f in query.facets}
    if query.histogram:
        hist: dict[str, Any] = {
            "date_histogram": {"field": "published_at", "calendar_interval": query.histogram, "time_zone": "UTC"}
        }
        if query.histogram_split:
            hist["aggs"] = {"split": _terms_agg(query.histogram_split, _SPLIT_SIZE)}
        aggs["histogram"] = hist
    if aggs:
        body["aggs"] = aggs
    return body, terms


def _bucket_key(bucket: dict[str, Any]) -> str:
    return str(bucket.get("key_as_string", bucket["key"]))


def _key_values(hit: dict[str, Any]) -> dict[str, Any]:
    """A keys-only hit's doc values as _source would give them (doc values are lists; most fields hold one)."""
    out: dict[str, Any] = {"topic_scores": {}}
    for name, values in hit.get("fields", {}).items():
        if name.startswith("topic_scores."):
            out["topic_scores"][name.removeprefix("topic_scores.")] = values[0]
        else:
            out[name] = values if name in _LIST_FIELDS else values[0]
    return out


def parse_search(response: dict[str, Any], query: SearchQuery, terms: dict[str, list[str]]) -> SearchResult:
    raw_hits = response["hits"]["hits"]
    more = len(raw_hits) > query.size
    raw_hits = raw_hits[: query.size]
    hits = [
        make_hit(IndexDoc.model_validate({"text": "", **(_key_values(h) if query.keys_only else h["_source"])}),
                 terms, query, h.get("_score") if terms else None)
        for h in raw_hits
    ]
    next_cursor = encode_cursor(query.effective_sort, raw_hits[-1]["sort"]) if more and raw_hits else None
    aggs = response.get("aggregations", {})
    facets: dict[str, list[FacetBucket]] = {
        f: [FacetBucket(key=_bucket_key(b), count=b["doc_count"]) for b in aggs[f"facet_{f}"]["buckets"]]
        for f in query.facets
    }
    histogram = []
    if query.histogram:
        buckets = aggs["histogram"]["buckets"]
        day_of = lambda b: datetime.fromtimestamp(b["key"] / 1000, tz=UTC).date()  # noqa: E731
        rows: list[tuple[date, str | None, int]] = [(day_of(b), None, b["doc_count"]) for b in buckets if b["doc_count"]]
        counts = merge_day_counts(rows, query.histogram)
        if query.histogram_split:
            split_rows = [
                (day_of(b), _bucket_key(s), s["doc_count"]) for b in buckets for s in b["split"]["buckets"]
            ]
            split = merge_day_counts(split_rows, query.histogram)
            counts = {k: (v[0], split.get(k, (0, {}))[1]) for k, v in counts.items()}
        histogram = fill_histogram(counts, query.histogram, query)
    total = response["hits"]["total"]
    return SearchResult(
        total=total["value"] if isinstance(total, dict) else int(total),
        total_relation="gte" if isinstance(total, dict) and total.get("relation") == "gte" else "eq",
        hits=hits,
        facets=facets,
        histogram=histogram,
        next_cursor=next_cursor,
    )
