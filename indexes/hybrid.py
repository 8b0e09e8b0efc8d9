"""Cross-lingual search: full text, vector nearest neighbours and the query's place + topic, fused by rank.

Why three lists: the full-text match finds only text in the query's own language, and raw
embedding neighbours of a short query against title + lead passages found about half of the
relevant documents in other languages (recall@10 0.52 on the independent event set). The place
a query names (any language or script → department, nlp.gazetteer) and its topic cues are
language-free fields of every indexed document, so "insulin Surgut" reaches Russian
"Сургут … инсулин" reports through ``department`` + ``topics``, ranked among themselves by vector.
Reciprocal rank fusion (RRF) needs no score calibration between the lists.

Why a similarity floor: a nearest-neighbour list always holds its k nearest documents, however far,
so without one every query, "zzqxw nonsense" included, "found" a full page. A hit that only the
vector lists hold must be at least ``SIMILARITY_FLOOR`` similar to the query; a hit the full-text
match also found stays whatever its similarity. And the vector lists count only for a query that is
about something (``about_anything``): none of its words in any document, no place, no topic cue —
no neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from healthpulse.indexes.base import SearchIndex
from healthpulse.indexes.query import Hit, SearchQuery, SearchResult

SearchMode = Literal["text", "semantic", "hybrid"]
SEARCH_MODES: tuple[str, ...] = ("text", "semantic", "hybrid")
RRF_K = 60  # the usual constant of reciprocal rank fusion: rank 1 weighs 1/61, rank 10 1/70
DEPTH = 50  # how many hits each list contributes to the fusion
_PAGE_CURSOR = re.compile(r"^f([0-9]{1,5})$")  # a later page of a fused answer: "f<offset>"
# Cosine (e5 title+lead vector · query vector) a hit found only by the vector lists must reach. Measured on
# the independent event set by benchmarks/search_floor.py (README, "Cross-lingual search"): 0.78 keeps 99.2 %
# of the relevant cross-language (query, document) pairs and hybrid recall@10 0.806 → 0.802 (0.80: 95.9 %, 0.793).
SIMILARITY_FLOOR = 0.78
# The floor when the vectors are the only evidence (the words matched nothing, the query names no place). e5's
# cosines are compressed: nonsense queries' nearest neighbours (0.79-0.87) overlap the relevant pairs' (median
# 0.84), so rejecting all 21 measured nonsense queries needs 0.87 here, which costs recall@10 0.806 → 0.712.
# Off (equal to the floor): a query naming nothing the index holds is answered by about_anything instead.
LONE_VECTOR_FLOOR = SIMILARITY_FLOOR
VECTOR_LISTS: tuple[str, ...] = ("semantic", "place_topic", "place")  # the lists ranked by vector similarity


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


@dataclass
class RankedLists:
    """The retrieval lists of one query, best first, by name, and how many documents the full text matched."""

    lists: dict[str, list[Hit]]
    text_total: int = 0
    depth: int = DEPTH


def ranked_lists(index: SearchIndex, base: SearchQuery, plan: QueryPlan, mode: SearchMode,
                 depth: int = DEPTH) -> RankedLists:
    """Each retrieval list of ``mode``, best first, by name (``text``, ``semantic``, ``place_topic``, ``place``)."""
    lists: dict[str, list[Hit]] = {}
    found = RankedLists(lists, depth=depth)
    common: dict[str, Any] = {"cursor": None, "facets": [], "histogram": None, "sort": None, "size": depth}
    if mode in ("text", "hybrid"):
        text = index.search(base.model_copy(update={**common, "text": plan.text}))
        lists["text"], found.text_total = text.hits, text.total
    if plan.vector is None or mode == "text":
        return found
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
    return found


def above_floor(ranked: RankedLists, floor: float = SIMILARITY_FLOOR,
                lone_floor: float = LONE_VECTOR_FLOOR) -> RankedLists:
    """The lists without the vector hits under ``floor`` that the full-text list does not hold; in hybrid mode,
    when neither the words nor a named place found anything, under ``lone_floor``.

    Every backend scores a vector hit by its cosine (SQLite's matrix, Elasticsearch's knn and
    OpenSearch's script_score alike, indexes.node_dsl.parse_knn), so the floor is applied here, once.
    """
    in_text = {h.id for h in ranked.lists.get("text", [])}
    if "text" in ranked.lists and not in_text and not ranked.lists.get("place"):
        floor = max(floor, lone_floor)
    kept = {name: [h for h in hits if h.id in in_text or (h.score is not None and h.score >= floor)]
            if name in VECTOR_LISTS else hits for name, hits in ranked.lists.items()}
    return RankedLists(kept, ranked.text_total, ranked.depth)


def about_anything(index: SearchIndex, base: SearchQuery, plan: QueryPlan, ranked: RankedLists) -> bool:
    """Whether a hybrid query names anything the index or the product knows, so that its nearest
    neighbours mean something: all its words matched, or it names a place or a topic cue, or at least
    one of its words occurs in an indexed document (in any language's field, within the filters).

    Why: a vector always has nearest neighbours, and e5's cosines of random strings overlap those of
    relevant pairs (no floor separates them, README "Cross-lingual search"), so "zzqxw nonsense" used
    to list documents. Its words occur nowhere; a real query's words, in whatever language, almost
    always occur somewhere, and a query about health in a language the index lacks names a topic cue.
    """
    if ranked.lists.get("text") or ranked.lists.get("place") or plan.departments or plan.topics:
        return True
    probe = base.model_copy(update={"text": plan.text, "text_match": "any", "size": 0, "cursor": None,
                                    "facets": [], "histogram": None, "vector": None, "sort": None})
    return index.search(probe).total > 0


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


def fused_offset(cursor: str | None) -> int:
    """Where a page of a fused answer starts: its cursor is ``f<offset>`` (anything else: the first page)."""
    m = _PAGE_CURSOR.match(cursor or "")
    return int(m.group(1)) if m else 0


def search_mode(index: SearchIndex, base: SearchQuery, plan: QueryPlan, mode: SearchMode,
                weights: FusionWeights = DEFAULT_WEIGHTS, floor: float = SIMILARITY_FLOOR,
                lone_floor: float = LONE_VECTOR_FLOOR) -> SearchResult:
    """One page of ``mode``'s answer: ``text`` is the plain full-text search (with cursor, facets and total);
    ``semantic`` and ``hybrid`` page through their fused hits (each list ``DEPTH`` deep, so every page is cut
    from the same ranking: ``next_cursor`` ``f<offset>``, none after the last; hybrid's facets, when asked
    for, count the full-text matches).

    The total of a fused answer counts the fused hits that cleared the floor, or the full-text total when
    that is larger; ``total_relation`` is ``gte`` when a list was cut at its depth (more may match)."""
    if mode == "text" or not plan.text.strip() or (mode == "hybrid" and plan.vector is None and not plan.departments):
        # Nothing but the words to go on (no vector: document vectors are off): the plain full-text answer
        # (a fused answer's page cursor means nothing to the index: its first page).
        cursor = None if _PAGE_CURSOR.match(base.cursor or "") else base.cursor
        return index.search(base.model_copy(update={"text": plan.text or None, "cursor": cursor}))
    ranked = above_floor(ranked_lists(index, base, plan, mode, max(DEPTH, base.size)), floor, lone_floor)
    if mode == "hybrid" and not about_anything(index, base, plan, ranked):
        ranked = RankedLists({name: hits for name, hits in ranked.lists.items() if name not in VECTOR_LISTS},
                             ranked.text_total, ranked.depth)
    fused = fuse(ranked.lists, weights)
    cut = ranked.text_total > len(ranked.lists.get("text", [])) or any(
        len(hits) >= ranked.depth for name, hits in ranked.lists.items() if name in VECTOR_LISTS)
    facets = {}
    if base.facets and mode == "hybrid":  # facets of the full-text matches (fused lists have no common total)
        facets = index.search(base.model_copy(update={"text": plan.text, "size": 0, "cursor": None})).facets
    start = fused_offset(base.cursor)
    end = start + base.size
    return SearchResult(total=max(len(fused), ranked.text_total), total_relation="gte" if cut else "eq",
                        hits=fused[start:end], facets=facets, next_cursor=f"f{end}" if end < len(fused) else None)
