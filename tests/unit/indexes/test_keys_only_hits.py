"""Keys-only hits: a node's doc values read back as the document's fields, its main topic first."""

from datetime import UTC, datetime

from healthpulse.indexes.node_dsl import build_search, parse_search
from healthpulse.indexes.query import IndexDoc, SearchQuery


def test_scored_topics_are_kept_highest_first_so_the_first_is_the_main_topic():
    doc = IndexDoc(id="d", channel="news", text="", published_at=datetime(2026, 1, 1, tzinfo=UTC),
                   topics=["waiting_times", "drug_supply", "staff_conduct"],
                   topic_scores={"waiting_times": 0.4, "drug_supply": 0.9, "staff_conduct": 0.4})
    assert doc.topics == ["drug_supply", "staff_conduct", "waiting_times"]  # ties: by id
    unscored = IndexDoc(id="d", channel="news", text="", published_at=datetime(2026, 1, 1, tzinfo=UTC),
                        topics=["waiting_times", "drug_supply"])
    assert unscored.topics == ["waiting_times", "drug_supply"]  # no scores (a hit read without them): as given


def test_a_keys_only_request_reads_doc_values_and_no_stored_field():
    body, _ = build_search(SearchQuery(size=2, keys_only=True), "engine")
    assert body["_source"] is False and body["stored_fields"] == "_none_"
    fields = {f if isinstance(f, str) else f["field"] for f in body["docvalue_fields"]}
    assert {"id", "published_at", "topics", "source", "topic_scores.*"} <= fields
    assert not fields & {"title", "url", "text", "reach"}


def test_doc_values_become_the_hit_with_its_main_topic_first():
    response = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{"sort": [1, "a"], "fields": {
        "id": ["a"], "channel": ["news"], "language": ["ru"], "published_at": ["2026-10-16T23:58:23.088Z"],
        "topics": ["drug_supply", "waiting_times"],  # a sorted set, not the document's order
        "topic_scores.waiting_times": [0.9], "topic_scores.drug_supply": [0.5],
        "incident": [True], "reach_total": [40], "source": ["ugra-news"]}}]}}
    [hit] = parse_search(response, SearchQuery(keys_only=True), {}).hits
    assert (hit.id, hit.topics, hit.incident, hit.reach_total, hit.source) == (
        "a", ["waiting_times", "drug_supply"], True, 40, "ugra-news")
    assert hit.published_at == datetime(2026, 10, 16, 23, 58, 23, 88000, tzinfo=UTC)
    assert (hit.title, hit.url, hit.snippet, hit.department) == (None, None, "", None)
