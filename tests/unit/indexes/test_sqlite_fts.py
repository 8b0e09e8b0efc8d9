"""Behaviour specific to the embedded FTS5 backend (the shared query contract is in tests/integration/indexes)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from healthpulse.core.settings import load_settings
from healthpulse.indexes.base import IndexUnavailable, SearchIndex
from healthpulse.indexes.common import BadCursor
from healthpulse.indexes.query import IndexDoc, SearchQuery
from healthpulse.indexes.registry import NodeIndexProxy, create_index, sqlite_search_path
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex
from healthpulse.indexes.sqlite_sql import match_expression


def doc(i: int, text: str = "Больница", lang: str = "ru", **kw) -> IndexDoc:
    return IndexDoc(id=f"d{i:03d}", channel="news", text=text, language=lang,
                    published_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=i), **kw)


@pytest.fixture
def index(tmp_path):
    idx = SqliteFtsIndex(tmp_path / "search.db")
    yield idx
    idx.close()


def test_is_a_search_index(index):
    assert isinstance(index, SearchIndex)


def test_upsert_replaces_by_id(index):
    index.upsert([doc(1, "Больница без лекарств", topics=["drug_supply"])])
    index.upsert([doc(1, "Очередь в поликлинике", topics=["waiting_times"])])
    assert index.count() == 1
    assert index.search(SearchQuery(text="больница")).total == 0
    result = index.search(SearchQuery(text="очереди", facets=["topics"]))
    assert [h.id for h in result.hits] == ["d001"]
    assert [(b.key, b.count) for b in result.facets["topics"]] == [("waiting_times", 1)]


def test_delete_removes_text_and_facets(index):
    index.upsert([doc(1, topics=["a"]), doc(2, topics=["a"])])
    index.delete(["d001", "missing"])
    result = index.search(SearchQuery(text="больница", facets=["topics"]))
    assert [h.id for h in result.hits] == ["d002"] and result.facets["topics"][0].count == 1


def test_rebuild_swaps_to_a_fresh_generation(index, tmp_path):
    index.upsert([doc(i) for i in range(5)])
    assert index.rebuild(doc(i, "Hospital", "en") for i in range(10, 13)) == 3
    assert index.count() == 3
    assert index.search(SearchQuery(text="больница")).total == 0
    assert index.search(SearchQuery(text="hospitals")).total == 3
    tables = {r[0] for r in sqlite3.connect(tmp_path / "search.db").execute("SELECT name FROM sqlite_master")}
    assert not any(t.startswith("search_g1_") for t in tables), "old generation dropped"
    assert "search_g2_docs" in tables


def test_reopened_index_keeps_its_documents(tmp_path):
    first = SqliteFtsIndex(tmp_path / "s.db")
    first.upsert([doc(1)])
    first.close()
    again = SqliteFtsIndex(tmp_path / "s.db")
    assert again.search(SearchQuery(text="больницы")).total == 1


def test_cursor_from_another_sort_is_refused(index):
    index.upsert([doc(i) for i in range(3)])
    page = index.search(SearchQuery(size=1, sort="date_asc"))
    with pytest.raises(BadCursor):
        index.search(SearchQuery(size=1, sort="date_desc", cursor=page.next_cursor))
    with pytest.raises(BadCursor):
        index.search(SearchQuery(cursor="not-a-cursor"))


def test_relevance_pages_do_not_repeat(index):
    index.upsert([doc(i, "больница " * (1 + i % 4) + "город") for i in range(25)])
    seen, cursor = [], None
    while True:
        page = index.search(SearchQuery(text="больница", size=4, cursor=cursor))
        seen += [h.id for h in page.hits]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 25 == len(set(seen))
    scores = [h.score for h in index.search(SearchQuery(text="больница", size=25)).hits]
    assert scores == sorted(scores, reverse=True)


def test_match_expression_quotes_terms():
    assert match_expression({"ru": ["больниц", 'a"b']}) == 'ru : ("больниц" AND "a""b")'


def test_locked_database_is_index_unavailable(tmp_path):
    idx = SqliteFtsIndex(tmp_path / "s.db", timeout=0.1)
    idx.ensure_ready()
    blocker = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(IndexUnavailable):
            idx.upsert([doc(1)])
    finally:
        blocker.execute("ROLLBACK")
    assert idx.upsert([doc(1)]).indexed == ["d001"]


def test_registry_puts_fts_in_the_store_file_or_data_dir(tmp_path):
    settings = load_settings(None, database_url=f"sqlite:///{tmp_path / 'store.db'}", data_dir=tmp_path / "data")
    assert sqlite_search_path(settings) == tmp_path / "store.db"
    index = create_index(settings)
    assert isinstance(index, SqliteFtsIndex) and index.path == str(tmp_path / "store.db")
    index.close()
    pg = load_settings(None, database_url="postgresql+psycopg://u@localhost/hp", data_dir=tmp_path / "data")
    assert sqlite_search_path(pg) == tmp_path / "data" / "search.db"


def test_registry_never_contacts_a_node_at_creation(tmp_path):
    settings = load_settings(None, search_url="http://127.0.0.1:9", search_index_prefix="x", data_dir=tmp_path)
    index = create_index(settings)  # port 9: nothing listens; must not raise here
    assert isinstance(index, NodeIndexProxy)
    with pytest.raises(IndexUnavailable):
        index.ensure_ready()
    with pytest.raises(IndexUnavailable):
        index.upsert([doc(1)])


def test_failed_rebuild_keeps_the_old_generation(index):
    index.upsert([doc(1)])

    def broken():
        yield doc(2)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        index.rebuild(broken())
    assert index.count() == 1 and index.search(SearchQuery(text="больница")).total == 1
    index.upsert([doc(3)])  # no half-built generation receives writes any more
    assert index.rebuild([doc(4)]) == 1 and index.count() == 1


def test_tables_of_an_older_layout_are_replaced_by_an_empty_generation(tmp_path, caplog):
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO search_meta VALUES ('active', 'search_g1_')")
    conn.execute("CREATE TABLE search_g1_docs (rid INTEGER PRIMARY KEY, id TEXT, doc TEXT)")
    conn.commit()
    conn.close()
    index = SqliteFtsIndex(tmp_path / "old.db")
    assert index.count() == 0 and "healthpulse reindex" in caplog.text
    index.upsert([doc(1)])
    assert index.search(SearchQuery(text="больница")).total == 1
