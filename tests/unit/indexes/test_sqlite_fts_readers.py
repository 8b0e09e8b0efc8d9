"""Issue 16: searches on the embedded index must not queue behind one another.

A progress handler installed on every SQLite connection holds the first search *inside* its query
(as a slow scan would) until released; meanwhile two other searches must complete.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

from healthpulse.indexes.query import IndexDoc, SearchQuery
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex

DEADLOCK_S = 30  # only a stuck search waits this long; a passing run never does


def test_two_searches_proceed_while_a_third_is_inside_its_query(tmp_path, monkeypatch):
    inside, release = threading.Event(), threading.Event()
    held: dict[str, threading.Thread] = {}
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)

        def hold_the_first_search() -> int:
            if threading.current_thread() is held.get("search") and not release.is_set():
                inside.set()
                release.wait(DEADLOCK_S)
            return 0

        conn.set_progress_handler(hold_the_first_search, 50)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    index = SqliteFtsIndex(tmp_path / "search.db")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    index.upsert([IndexDoc(id=f"d{i}", channel="news", language="en", text=f"Hospital queue report {i}",
                           published_at=start + timedelta(hours=i)) for i in range(50)])
    query = SearchQuery(text="hospital", facets=["language"])
    results: dict[str, int] = {}

    def search(name: str) -> None:
        results[name] = index.search(query).total

    first = threading.Thread(target=search, args=("first",))
    held["search"] = first
    first.start()
    try:
        assert inside.wait(DEADLOCK_S), "the first search never reached its query"
        others = [threading.Thread(target=search, args=(name,)) for name in ("second", "third")]
        for t in others:
            t.start()
        for t in others:
            t.join(DEADLOCK_S)
        assert results == {"second": 50, "third": 50}, "searches waited for the one in progress"
        assert "first" not in results  # it really was still inside its query meanwhile
    finally:
        release.set()
        first.join(DEADLOCK_S)
        index.close()
    assert results["first"] == 50
