"""One contract for every SearchIndex backend: same data, same queries, same answers.

Expected values are computed here from the dataset with plain Python (or
written by hand for the language cases), then every backend — the embedded
FTS5 one and real OpenSearch / Elasticsearch nodes — must produce them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from healthpulse.indexes.hybrid import SIMILARITY_FLOOR, QueryPlan, search_mode
from healthpulse.indexes.query import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex

from tests.integration.indexes.conftest import topic_vector

pytestmark = pytest.mark.database_independent  # a search index alone


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


def by_date_desc(docs) -> list[str]:
    return [d.id for d in sorted(docs, key=lambda d: (-d.published_at.timestamp(), d.id))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("больницы", {"ru-01", "ru-03", "ru-04", "ru-05"}),  # Russian cases of «больница»
        ("Больница Сургут", {"ru-01"}),  # every term must match
        ("елка", {"ru-05"}),  # ё folded to е
        ("المستشفى", {"ar-01", "ar-02", "ar-03"}),  # article and clitic (بالمستشفى) removed
        ("الاسكندرية", {"ar-02", "ar-05"}),  # إ / ا unified
        ("بیمارستان", {"fa-01", "fa-02", "fa-03"}),  # Persian plurals with and without ZWNJ
        ("بيمارستان", {"fa-01", "fa-02", "fa-03"}),  # Arabic yeh typed for Persian ی
        ("پزشك", {"fa-03"}),  # Arabic kaf typed for Persian ک
        ("benh vien", {"vi-01", "vi-02", "vi-06"}),  # Vietnamese without tones
        ("thuoc", {"vi-02", "vi-04"}),
        ("hospital", {"en-01", "en-02", "en-05", "en-06"}),  # English plural
        ("covid", {"und-01"}),
        ("несуществующееслово", set()),
    ],
)
def test_full_text_across_languages(backend, text, expected):
    result = backend.search(SearchQuery(text=text, size=50))
    assert set(ids(result)) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Больница Сургут", {"ru-01", "ru-03", "ru-04", "ru-05"}),  # any word: every «больница» document
        ("zzqxw hospital", {"en-01", "en-02", "en-05", "en-06"}),  # the known word is enough
        ("zzqxw несуществующееслово", set()),
    ],
)
def test_any_word_matches_documents_with_at_least_one_of_the_words(backend, text, expected):
    """``text_match="any"``: how hybrid search tells a query about nothing from one about something."""
    result = backend.search(SearchQuery(text=text, text_match="any", size=50))
    assert set(ids(result)) >= expected and result.total == len(ids(result))
    if not expected:
        assert result.total == 0
    assert set(ids(backend.search(SearchQuery(text=text, size=50)))) <= set(ids(result))  # "all" is narrower


def test_highlighted_snippet_marks_the_matching_word(backend):
    hit = backend.search(SearchQuery(text="больницы", languages=["ru"], sort="date_asc", highlight=True)).hits[0]
    assert hit.id == "ru-01"
    assert f"{HIGHLIGHT_START}больнице{HIGHLIGHT_END}" in hit.snippet
    plain = backend.search(SearchQuery(text="больницы", sort="date_asc")).hits[0]
    assert HIGHLIGHT_START not in plain.snippet and "больнице" in plain.snippet


def test_filters_combine_and_match_python(backend, docs):
    start, end = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 8, 8, tzinfo=UTC)
    query = SearchQuery(
        languages=["ru", "fa", "vi"], incident=True, topics=["drug_supply", "waiting_times"], date_from=start,
        date_to=end, size=100,
    )
    expected = [
        d for d in docs
        if d.language in {"ru", "fa", "vi"} and d.incident is True and {"drug_supply", "waiting_times"} & set(d.topics)
        and start <= d.published_at < end
    ]
    assert len(expected) >= 3
    result = backend.search(query)
    assert ids(result) == by_date_desc(expected)
    assert result.total == len(expected)


def test_date_range_is_inclusive_exclusive(backend, docs):
    moment = docs[0].published_at  # ru-01
    assert "ru-01" in ids(backend.search(SearchQuery(date_from=moment, date_to=moment + timedelta(seconds=1))))
    assert "ru-01" not in ids(backend.search(SearchQuery(date_to=moment)))


def test_other_filters(backend, docs):
    cases = {
        "channels": ("channel", ["text_appeal", "hotline"]),
        "departments": ("department", ["tehran"]),
        "sentiments": ("sentiment", ["positive"]),
        "severities": ("severity", ["critical", "high"]),
        "sources": ("source", ["ugra-news"]),
        "ids": ("id", ["fa-02", "ru-01", "no-such-document"]),
    }
    for attr, (field, values) in cases.items():
        result = backend.search(SearchQuery(**{attr: values}, size=100))
        assert ids(result) == by_date_desc([d for d in docs if getattr(d, field) in values]), attr
    not_incident = backend.search(SearchQuery(incident=False, size=100))
    assert ids(not_incident) == by_date_desc([d for d in docs if d.incident is False])


def test_facets_count_matching_documents(backend, docs):
    query = SearchQuery(incident=True, facets=["language", "topics", "department", "incident", "severity"], size=0,
                        facet_size=50)
    result = backend.search(query)
    matching = [d for d in docs if d.incident is True]
    assert result.total == len(matching) and result.hits == []

    def expected(values):
        counts = Counter(values)
        return [(k, n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    as_pairs = {f: [(b.key, b.count) for b in buckets] for f, buckets in result.facets.items()}
    assert as_pairs["language"] == expected(d.language for d in matching)
    assert as_pairs["topics"] == expected(t for d in matching for t in d.topics)
    assert as_pairs["department"] == expected(d.department for d in matching if d.department)
    assert as_pairs["incident"] == [("true", len(matching))]
    assert as_pairs["severity"] == expected(d.severity for d in matching if d.severity)
    small = backend.search(query.model_copy(update={"facet_size": 2}))
    assert [(b.key, b.count) for b in small.facets["topics"]] == as_pairs["topics"][:2]


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_date_histogram_keeps_empty_buckets(backend, docs, interval):
    start, end = datetime(2026, 9, 28, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
    result = backend.search(SearchQuery(date_from=start, date_to=end, histogram=interval, histogram_split="sentiment",
                                        size=0))

    def bucket(day: date) -> date:
        if interval == "week":
            return day - timedelta(days=day.weekday())
        if interval == "month":
            return day.replace(day=1)
        return day

    expected = Counter(bucket(d.published_at.date()) for d in docs)
    keys = [b.key for b in result.histogram]
    assert keys[0] == bucket(start.date()).isoformat()
    assert keys[-1] == bucket((end - timedelta(days=1)).date()).isoformat()
    assert len(keys) == len(set(keys))
    for b in result.histogram:
        assert b.count == expected.get(date.fromisoformat(b.key), 0), b.key
        split = Counter(d.sentiment for d in docs if bucket(d.published_at.date()).isoformat() == b.key and d.sentiment)
        assert b.split == dict(split)
    assert sum(b.count for b in result.histogram) == len(docs)
    if interval == "day":
        assert any(b.count == 0 for b in result.histogram)


def test_histogram_without_range_spans_the_data(backend, docs):
    result = backend.search(SearchQuery(languages=["en"], histogram="week", size=0))
    first = min(d.published_at for d in docs if d.language == "en").date()
    assert result.histogram[0].key == (first - timedelta(days=first.weekday())).isoformat()
    assert sum(b.count for b in result.histogram) == 6


@pytest.mark.parametrize("sort", ["date_desc", "date_asc", "relevance"])
def test_pagination_has_no_gaps_or_repeats(backend, docs, sort):
    query = SearchQuery(sort=sort, size=3 if sort == "relevance" else 4, text="hospital" if sort == "relevance" else None)
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        page = backend.search(query.model_copy(update={"cursor": cursor}))
        seen.extend(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    if sort == "relevance":
        assert set(seen) == {"en-01", "en-02", "en-05", "en-06"}
    else:
        full = by_date_desc(docs)
        if sort == "date_asc":
            full = [d.id for d in sorted(docs, key=lambda d: (d.published_at, d.id))]
        assert seen == full  # same order, nothing missing, ties on date broken by id


def test_same_answers_as_the_embedded_backend(backend, reference):
    queries = [
        SearchQuery(size=100, facets=["language", "channel", "topics", "department", "sentiment", "places", "source"]),
        SearchQuery(text="больницы", histogram="day", facets=["department"]),
        SearchQuery(text="bệnh viện", highlight=True),
        SearchQuery(text="المستشفى", highlight=True, sort="date_asc"),
        SearchQuery(departments=["tehran", "hcmc"], histogram="week", histogram_split="topics", facets=["topics"]),
        SearchQuery(incident=True, sort="date_asc", size=5),
    ]
    for query in queries:
        got, want = backend.search(query), reference.search(query)
        assert got.total == want.total
        assert [(h.id, h.snippet, h.title, h.language, h.topics) for h in got.hits] == [
            (h.id, h.snippet, h.title, h.language, h.topics) for h in want.hits
        ]
        assert got.facets == want.facets
        assert got.histogram == want.histogram
        assert (got.next_cursor is None) == (want.next_cursor is None)


def test_trends_compare_recent_and_previous_window(backend, docs):
    end = datetime(2026, 11, 9, tzinfo=UTC)
    items = backend.trends(SearchQuery(date_to=end), field="topics", interval="week", size=20)
    recent = Counter(t for d in docs if end - timedelta(days=7) <= d.published_at < end for t in d.topics)
    previous = Counter(
        t for d in docs if end - timedelta(days=14) <= d.published_at < end - timedelta(days=7) for t in d.topics
    )
    assert {i.key: (i.recent, i.previous) for i in items} == {
        k: (recent[k], previous[k]) for k in set(recent) | set(previous)
    }
    assert [i.change for i in items] == sorted((i.change for i in items), reverse=True)
    # +2 each for infectious_disease and maternal_child (ties broken by key); staff_conduct falls
    assert [(i.key, i.change) for i in items[:2]] == [("infectious_disease", 2), ("maternal_child", 2)]
    assert items[-1].key == "staff_conduct" and items[-1].change == -1


def assert_ranked_by_cosine(
    got: list[str], expected: list[str], cosine: dict[str, float], size: int, tie: float = 1e-3
) -> None:
    """``got`` is the top of ``expected`` (exact cosine order) up to near ties: an engine may store vectors
    quantised (Elasticsearch's int8 HNSW), so two documents within ``tie`` of each other may swap, at the cut too."""
    assert len(got) == min(len(expected), size) and len(set(got)) == len(got)
    scores = [cosine[i] for i in got]
    assert all(b <= a + tie for a, b in zip(scores, scores[1:])), got
    left_out = [cosine[i] for i in expected if i not in got]
    assert not left_out or max(left_out) <= min(scores) + tie, got


def test_semantic_search_ranks_by_cosine_within_the_filters(backend, docs):
    """kNN over the stored vectors: nearest first, filters applied before ranking, documents without one left out."""
    query = np.asarray(topic_vector("drug_supply", 999))
    with_vector = [d for d in docs if d.embedding]
    expected = sorted(with_vector, key=lambda d: (-float(np.dot(query, d.embedding)), d.id))
    cosine = {d.id: float(np.dot(query, d.embedding)) for d in with_vector}
    found = backend.search(SearchQuery(vector=query.tolist(), size=5))
    assert_ranked_by_cosine(ids(found), [d.id for d in expected], cosine, size=5)
    assert {docs_by_id(docs)[i].topics[0] for i in ids(found)[:4]} == {"drug_supply"}
    assert found.hits[0].score == pytest.approx(float(np.dot(query, expected[0].embedding)), abs=1e-3)
    assert found.hits[0].title or found.hits[0].snippet  # a hit carries its text, never a bare id
    in_hanoi = backend.search(SearchQuery(vector=query.tolist(), size=50, departments=["hanoi"]))
    assert_ranked_by_cosine(ids(in_hanoi), [d.id for d in expected if d.department == "hanoi"], cosine, size=50)
    assert set(ids(in_hanoi)) == {d.id for d in expected if d.department == "hanoi"}
    assert "und-01" not in ids(backend.search(SearchQuery(vector=query.tolist(), size=100)))


def test_hybrid_keeps_vector_hits_only_above_the_similarity_floor(backend, docs):
    """kNN always answers its k nearest; fused, a hit only the vectors found counts when similar enough."""
    near, far = topic_vector("drug_supply", 999), topic_vector("no_such_topic", 1)
    close = {d.id for d in docs if d.embedding and float(np.dot(near, d.embedding)) >= SIMILARITY_FLOOR}
    assert close and len(close) < len([d for d in docs if d.embedding])
    nothing = search_mode(backend, SearchQuery(size=20), QueryPlan(text="zzqxw", vector=far), "hybrid")
    assert (nothing.total, nothing.hits) == (0, [])
    # a query about nothing (no word in any document, no place, no topic cue) gets no neighbours at all,
    # however close its vector; one naming a topic cue does
    nonsense = search_mode(backend, SearchQuery(size=20), QueryPlan(text="zzqxw", vector=near), "hybrid")
    assert (nonsense.total, nonsense.hits) == (0, [])
    cued = search_mode(backend, SearchQuery(size=50), QueryPlan(text="zzqxw", vector=near, topics=["drug_supply"]),
                       "hybrid")
    assert set(ids(cued)) == close
    # The words' matches stay whatever their vector; the vector side adds only the close documents.
    hospital = search_mode(backend, SearchQuery(size=50), QueryPlan(text="hospital", vector=far), "hybrid")
    assert set(ids(hospital)) == {"en-01", "en-02", "en-05", "en-06"} and hospital.total == 4
    insulin = search_mode(backend, SearchQuery(size=50), QueryPlan(text="insulin", vector=near), "hybrid")
    assert set(ids(insulin)) == close | {"en-01"} and insulin.total == len(insulin.hits)


def test_a_fused_answer_pages_through_every_hit_once(backend, docs):
    """Hybrid and semantic answers have later pages (a browser review: 20 of "at least 50" and no way on):
    pages of 3 put together are the one-page answer, in its order, and the last page has no next cursor."""
    near = topic_vector("drug_supply", 999)
    plan = QueryPlan(text="insulin", vector=near)
    for mode in ("hybrid", "semantic"):
        whole = search_mode(backend, SearchQuery(size=100), plan, mode)
        assert whole.next_cursor is None and len(whole.hits) > 3
        seen, cursor = [], None
        for _ in range(50):
            page = search_mode(backend, SearchQuery(size=3, cursor=cursor), plan, mode)
            assert len(page.hits) <= 3 and page.total == whole.total
            seen += ids(page)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == ids(whole), mode
    # a text answer's cursor is the index's own; a fused page cursor given to a plain text search is a first page
    first = search_mode(backend, SearchQuery(size=2, cursor="f4"), QueryPlan(text="insulin"), "text")
    assert ids(first) == ids(search_mode(backend, SearchQuery(size=2), QueryPlan(text="insulin"), "text"))


def test_semantic_search_forgets_a_deleted_document(backend, docs):
    # the query is one document's own vector, so its nearest neighbour is unambiguous even for an
    # approximate (HNSW) search; a near tie between two documents could flip once the graph is rebuilt
    first = next(d.id for d in docs if d.embedding and "maternal_child" in d.topics)
    query = docs_by_id(docs)[first].embedding
    assert ids(backend.search(SearchQuery(vector=query, size=1))) == [first]
    backend.delete([first])
    backend.refresh()
    try:
        assert first not in ids(backend.search(SearchQuery(vector=query, size=10)))
    finally:
        backend.upsert([docs_by_id(docs)[first]])
        backend.refresh()
    assert ids(backend.search(SearchQuery(vector=query, size=1))) == [first]


def docs_by_id(docs):
    return {d.id: d for d in docs}


def test_upsert_is_idempotent_and_count_matches(backend, docs):
    assert backend.count() == len(docs)
    result = backend.upsert(docs[:3])
    backend.refresh()
    assert result.indexed == [d.id for d in docs[:3]] and not result.failed
    assert backend.count() == len(docs)


def test_rebuild_swaps_in_a_fresh_index_without_losing_concurrent_writes(backend, docs):
    """Runs last for each backend: rebuild from the dataset while a new document arrives mid-way."""
    before = backend._alias_indices() if hasattr(backend, "_alias_indices") else None
    late = docs[0].model_copy(update={"id": "zz-late", "text": "Поздняя жалоба на больницу"})

    def stream():
        for i, doc in enumerate(docs):
            if i == len(docs) // 2:
                backend.upsert([late])  # the outbox drains while the rebuild runs
            yield doc

    assert backend.rebuild(stream()) == len(docs)
    backend.refresh()
    assert backend.count() == len(docs) + 1
    assert "zz-late" in ids(backend.search(SearchQuery(text="жалоба", size=50)))
    if before is not None:
        after = backend._alias_indices()
        assert len(after) == 1 and after != before  # alias moved to the new index, old one gone
        listed = backend.request("GET", f"/_cat/indices/{backend.alias}-*", params={"format": "json", "h": "index"})
        assert {row["index"] for row in listed} == set(after)
    backend.delete(["zz-late"])
    backend.refresh()
    assert backend.count() == len(docs)


def test_a_count_capped_below_the_matches_is_a_lower_bound_and_the_page_is_unchanged(backend, docs):
    exact = backend.search(SearchQuery(size=3, sort="date_desc"))
    capped = backend.search(SearchQuery(size=3, sort="date_desc", total_up_to=4))
    assert exact.total == len(docs) > 4 and exact.total_relation == "eq"
    assert ids(capped) == ids(exact) and capped.next_cursor == exact.next_cursor
    # an engine stops counting at the cap and says so; the embedded index counts every match anyway
    assert (capped.total, capped.total_relation) in {(4, "gte"), (exact.total, "eq")}
    if not isinstance(backend, SqliteFtsIndex):
        assert (capped.total, capped.total_relation) == (4, "gte")
    roomy = backend.search(SearchQuery(size=3, sort="date_desc", total_up_to=exact.total + 1))
    assert (roomy.total, roomy.total_relation) == (exact.total, "eq")


def test_hits_without_text_carry_every_field_but_the_snippet(backend, docs):
    """``with_text=False`` (a view ranking hundreds of hits by their fields): the same hits, the same fields,
    no snippet — a node does not even send the text."""
    full = backend.search(SearchQuery(sort="date_desc", size=100))
    light = backend.search(SearchQuery(sort="date_desc", size=100, with_text=False))
    assert ids(light) == ids(full) == by_date_desc(docs) and light.total == full.total
    assert all(h.snippet for h in full.hits) and not any(h.snippet for h in light.hits)
    assert [h.model_dump(exclude={"snippet"}) for h in light.hits] == [h.model_dump(exclude={"snippet"}) for h in full.hits]


def test_keys_only_hits_are_the_same_hits_without_their_stored_fields(backend, docs):
    """``keys_only`` (the stories view's sample of 500 negative documents): the same hits, order, pages and
    fields, but no title, link, reach or snippet — a node answers from doc values and reads no stored document."""
    query = SearchQuery(sort="date_desc", size=100, sentiments=["negative"])
    full = backend.search(query)
    keys = backend.search(query.model_copy(update={"keys_only": True}))
    assert ids(keys) == ids(full) and keys.total == full.total == len(full.hits) > 3
    stored = {"title", "url", "reach", "snippet"}
    assert [h.model_dump(exclude=stored) for h in keys.hits] == [h.model_dump(exclude=stored) for h in full.hits]
    assert not any(h.title or h.url or h.reach or h.snippet for h in keys.hits)
    assert any(h.reach for h in full.hits) and {h.source for h in keys.hits} >= {"ugra-news"}
    first = backend.search(query.model_copy(update={"keys_only": True, "size": 3}))
    rest = backend.search(query.model_copy(update={"keys_only": True, "cursor": first.next_cursor}))
    assert ids(first) + ids(rest) == ids(full)
