"""Cross-lingual search: full text, vector nearest neighbours and the query's place + topic, fused by rank.

Why three lists: the full-text match finds only text in the query's own language, and raw
embedding neighbours of a short query against title + lead passages found about half of the
relevant documents in other languages (recall@10 0.52 on the independent event set). The place
a query names (any language or script → department, nlp.gazetteer) and its topic cues are
language-free fields of every indexed document, so "insulin Surgut" reaches Russian
"Сургут … инсулин" reports through ``department`` + ``topics``, ranked among themselves by vector.
Reciprocal rank fusion (RRF) needs no score calibration between the lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from healthpulse.indexes.base import SearchIndex
from healthpulse.indexes.query import Hit, SearchQuery, SearchResult

SearchMode = Literal["text", "semantic", "hybrid"]
SEARCH_MODES: tuple[str, ...] = ("text", "semantic", "hybrid")
RRF_K = 60  # the usual constant of reciprocal rank fusion: rank 1 weighs 1/61, rank 10 1/70
DEPTH = 50  # how many hits each list contributes to the fusion


@dataclass(frozen=True)
class FusionWeights:
    """How much each list counts in the fusion.

    Chosen on the tuning half of the independent event set's queries (sha256 of the query id even;
    tests/integration/indexes/test_cross_lingual_recall.py), reported on the other half and the whole.
    """

    text: float = 0.5
    semantic: float = 0.5
    place_topic: float = 0.5
    place: float = 1.0


DEFAULT_WEIGHTS = FusionWeights()


@dataclass
class QueryPlan:
    """What a query asks for, in language-free terms: its vector, the departments it names, its topic cues."""

    text: str
    vector: list[float] | None = None
    departments: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def ranked_lists(index: SearchIndex, base: SearchQuery, plan: QueryPlan, mode: SearchMode,
                 depth: int = DEPTH) -> dict[str, list[Hit]]:
    """Each retrieval list of ``mode``, best first, by name (``text``, ``semantic``, ``place_topic``, ``place``)."""
    lists: dict[str, list[Hit]] = {}
    common: dict[str, Any] = {"cursor": None, "facets": [], "histogram": None, "sort": None, "size": depth}
    if mode in ("text", "hybrid"):
        lists["text"] = index.search(base.model_copy(update={**common, "text": plan.text})).hits
    if plan.vector is None or mode == "text":
        return lists
    vec = {**common, "text": None, "vector": plan.vector}
    lists["semantic"] = index.search(base.model_copy(update=vec)).hits
    if mode == "hybrid" and plan.departments:
        departments = [d for d in plan.departments if not base.departments or d in base.departments]
        if departments:
            narrow = {**vec, "departments": departments}
            if plan.topics:
                topics = [t for t in plan.topics if not base.topics or t in base.topics]
                lists["place_topic"] = index.search(base.model_copy(update={**narrow, "topics": topics})).hits
            lists["place"] = index.search(base.model_copy(update=narrow)).hits
    return lists


def fuse(lists: dict[str, list[Hit]], weights: FusionWeights = DEFAULT_WEIGHTS, k: int = RRF_K) -> list[Hit]:
    """Reciprocal rank fusion: each document scores Σ weight / (k + rank) over the lists that hold it.

    A hit keeps the text list's snippet when it has one (the query's words highlighted there).
    """
    scores: dict[str, float] = {}
    first: dict[str, Hit] = {}
    for name, hits in lists.items():
        weight = getattr(weights, name)
        for rank, hit in enumerate(hits, start=1):
            scores[hit.id] = scores.get(hit.id, 0.0) + weight / (k + rank)
            first.setdefault(hit.id, hit)
    order = sorted(scores, key=lambda i: (-scores[i], i))
    return [first[i].model_copy(update={"score": round(scores[i], 6)}) for i in order]


def search_mode(index: SearchIndex, base: SearchQuery, plan: QueryPlan, mode: SearchMode,
                weights: FusionWeights = DEFAULT_WEIGHTS) -> SearchResult:
    """One page of ``mode``'s answer: ``text`` is the plain full-text search (with cursor, facets and total);
    ``semantic`` and ``hybrid`` return their best ``base.size`` hits (no next page; hybrid's facets, when asked
    for, count the full-text matches)."""
    if mode == "text" or not plan.text.strip() or (mode == "hybrid" and plan.vector is None and not plan.departments):
        # Nothing but the words to go on (no vector: document vectors are off): the plain full-text answer.
        return index.search(base.model_copy(update={"text": plan.text or None}))
    hits = fuse(ranked_lists(index, base, plan, mode, max(DEPTH, base.size)), weights)[: base.size]
    facets = {}
    if base.facets and mode == "hybrid":  # facets of the full-text matches (fused lists have no common total)
        facets = index.search(base.model_copy(update={"text": plan.text, "size": 0, "cursor": None})).facets
    return SearchResult(total=len(hits), hits=hits, facets=facets)
