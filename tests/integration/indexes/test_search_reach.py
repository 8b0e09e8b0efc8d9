"""Reach as a search signal (issue 18): every backend sorts by it, filters by a minimum and returns it in hits.

Runs on the embedded index and on the real OpenSearch / Elasticsearch nodes (tests/integration/indexes/conftest.py).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from healthpulse.indexes.node_dsl import load_template, schema_component
from healthpulse.indexes.query import IndexDoc, IndexReach, SearchQuery
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex


def _reach_order(docs) -> list[str]:
    """Widest reach first (no reach last), then newest, then id: the order every backend must give."""
    key = lambda d: (-(d.reach_total if d.reach_total is not None else -1), -d.published_at.timestamp(), d.id)  # noqa: E731
    return [d.id for d in sorted(docs, key=key)]


def test_sort_by_reach_pages_without_repeats(backend, docs):
    expected = _reach_order(docs)
    assert expected[:5] == ["ru-01", "ar-03", "en-02", "fa-02", "vi-04"]  # 40 = 40: the newer first
    seen, cursor = [], None
    while True:
        res = backend.search(SearchQuery(sort="reach_desc", size=4, cursor=cursor))
        seen += [h.id for h in res.hits]
        cursor = res.next_cursor
        if not cursor:
            break
    assert seen == expected


def test_min_reach_filter_and_hit_fields(backend):
    res = backend.search(SearchQuery(min_reach=40, sort="reach_desc", size=50))
    assert [h.id for h in res.hits] == ["ru-01", "ar-03", "en-02"] and res.total == 3
    top = res.hits[0]
    assert top.reach_total == 50_000 and top.reach == IndexReach(views=50_000, reactions=12)
    assert res.hits[2].reach == IndexReach(views=40, comments=2)
    # 0 keeps a post seen by nobody yet, drops documents without any reach (news, appeals)
    assert {h.id for h in backend.search(SearchQuery(min_reach=0, size=50)).hits} == {"ru-01", "ar-03", "en-02", "fa-02", "vi-04"}
    interactions = backend.search(SearchQuery(text="بیمارستان", min_reach=1, size=50)).hits
    assert [(h.id, h.reach_total, h.reach) for h in interactions] == [("fa-02", 8, IndexReach(reactions=5, forwards=3))]
    assert backend.search(SearchQuery(languages=["ru"], sort="date_asc", size=50)).hits[1].reach is None


@pytest.mark.parametrize("engine", [pytest.param("opensearch", marks=pytest.mark.integration),
                                    pytest.param("elasticsearch", marks=pytest.mark.integration)])
def test_node_index_made_before_reach_takes_posts_with_reach(make_node, engine):
    """An index built by an older version (strict mapping without reach) gets the new fields added, not rejections."""
    index = make_node(engine)
    try:
        index.ensure_ready()
        old_name = f"{index.prefix}-legacy"  # outside the template's pattern: only the mapping given here
        mappings = copy.deepcopy(load_template("mappings.json")["template"]["mappings"])
        del mappings["properties"]["reach"], mappings["properties"]["reach_total"]
        for name in [*index._alias_indices()]:
            index.request("DELETE", f"/{name}")
        index.request("PUT", f"/{old_name}", {"settings": schema_component(index.mode)["template"]["settings"],
                                               "mappings": {**mappings, "_meta": {"analysis_mode": index.mode}},
                                               "aliases": {index.alias: {"is_write_index": True}}})
        later = make_node_index_like(index, engine)
        post = IndexDoc(id="tg-1", channel="social", text="Очередь в поликлинике", language="ru",
                        published_at=datetime(2026, 10, 1, tzinfo=UTC), reach=IndexReach(views=900), reach_total=900)
        assert later.upsert([post]).ok
        later.refresh()
        assert [h.reach_total for h in later.search(SearchQuery(min_reach=500)).hits] == [900]
    finally:
        index.drop()
        index.close()


def make_node_index_like(index, engine):
    """A second process's view of the same prefix (what an upgraded worker opens)."""
    cls = type(index)
    return cls(index.url, prefix=index.prefix)


def test_embedded_generation_made_before_reach_gains_the_column(tmp_path):
    path = tmp_path / "search.db"
    old = SqliteFtsIndex(path)
    old.ensure_ready()
    prefix = old._prefix()
    with old._tx() as conn:  # the table as versions before reach made it
        conn.execute(f"DROP INDEX IF EXISTS {prefix}docs_reach")
        conn.execute(f"ALTER TABLE {prefix}docs DROP COLUMN reach_total")
    old.close()
    index = SqliteFtsIndex(path)
    post = IndexDoc(id="vk-1", channel="social", text="Очередь", language="ru",
                    published_at=datetime(2026, 10, 1, tzinfo=UTC), reach=IndexReach(views=70), reach_total=70)
    assert index.upsert([post]).ok
    assert [h.id for h in index.search(SearchQuery(min_reach=50, sort="reach_desc")).hits] == ["vk-1"]
    index.close()
