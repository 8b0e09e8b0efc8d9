"""Embedded search on SQLite FTS5: the default backend, no server to run.

Tables live in the store's SQLite file (or their own file) under a
*generation* prefix ``search_g<N>_``; ``rebuild`` fills generation N+1 and
switches ``search_meta.active`` in one transaction, so searches never see a
half-built index.  Text is analysed in Python (indexes/text_analysis.py: fold
+ per-language stemming) and stored in one FTS5 column per language field,
tokenised by ``unicode61 remove_diacritics 2``.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from healthpulse.indexes.base import BulkResult, IndexUnavailable
from healthpulse.indexes.common import (
    encode_cursor,
    fill_histogram,
    make_hit,
    merge_day_counts,
    to_ms,
)
from healthpulse.indexes.query import (
    FacetBucket,
    FacetField,
    IndexDoc,
    Interval,
    SearchQuery,
    SearchResult,
    TrendItem,
)
from healthpulse.indexes.sqlite_sql import (
    add_missing_columns,
    create_tables,
    create_vector_table,
    delete_ids,
    drop_tables,
    facet_key,
    insert_doc,
    matched_select,
    order_and_cursor,
)
from healthpulse.indexes.text_analysis import query_terms
from healthpulse.indexes.trends import compute_trends
from healthpulse.indexes.vector_matrix import VectorMatrix, bump_version, nearest

log = logging.getLogger(__name__)

_BATCH = 500
# The SearchQuery fields that narrow the documents (a semantic search applies them before ranking).
_FILTER_FIELDS = {"languages", "channels", "topics", "departments", "sentiments", "severities", "sources", "incident",
                  "health_related", "story_id", "date_from", "date_to"}


class SqliteFtsIndex:
    """SearchIndex on SQLite FTS5 (embedded default)."""

    name = "sqlite-fts"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # the writer: one write transaction at a time
        self._conn = self._connect()
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer, nor for each other
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open search database {self.path}: {exc}") from exc
        self._idle_readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._closed = False
        self._ready = False
        self._vectors = VectorMatrix()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache for dashboard scans
            conn.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open search database {self.path}: {exc}") from exc
        return conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own for one search, in one read transaction (one snapshot, even across a rebuild).

        Why: one shared connection behind a lock made every search wait for the slowest one in progress.
        Connections are pooled (as many as searches ran at once); an in-memory index has only the one.
        """
        if self.path == ":memory:":
            with self._lock:
                yield self._conn
            return
        try:
            conn = self._idle_readers.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # read-only: nothing to keep
        except BaseException:
            conn.close()  # a connection that failed mid-search is not reused
            raise
        if self._closed:
            conn.close()
        else:
            self._idle_readers.put(conn)

    # ------------------------------------------------------------ lifecycle
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # locked / busy / disk I/O
                raise IndexUnavailable(f"search database unavailable: {exc}") from exc

    def ensure_ready(self) -> None:
        if self._ready:
            return
        with self._tx() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM search_meta WHERE key = 'active'").fetchone()
            if row is None:
                create_tables(conn, "search_g1_")
                conn.execute("INSERT INTO search_meta (key, value) VALUES ('active', 'search_g1_')")
            elif not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (f"{row[0]}bodies",)).fetchone():
                # Tables from an older layout: start an empty generation; `healthpulse reindex` refills it.
                new = f"search_g{int(row[0][len('search_g') : -1]) + 1}_"
                create_tables(conn, new)
                conn.execute("UPDATE search_meta SET value = ? WHERE key = 'active'", (new,))
                drop_tables(conn, row[0])
                log.warning("search index layout changed: empty index created, run `healthpulse reindex`")
            else:
                add_missing_columns(conn, row[0])  # additive layout changes keep the generation
                create_vector_table(conn, row[0])  # generations made before semantic search
        self._ready = True

    def _prefix(self, conn: sqlite3.Connection | None = None) -> str:
        row = (conn or self._conn).execute("SELECT value FROM search_meta WHERE key = 'active'").fetchone()
        return row[0]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._conn.close()
        while True:
            try:
                self._idle_readers.get_nowait().close()
            except queue.Empty:
                return

    def refresh(self) -> None:
        """Writes are visible once committed; nothing to do."""

    # --------------------------------------------------------------- writes
    def _write_prefixes(self, conn: sqlite3.Connection) -> list[str]:
        """The active generation, plus the one a running rebuild fills (so no write misses the swap)."""
        rows = dict(conn.execute("SELECT key, value FROM search_meta WHERE key IN ('active', 'building')").fetchall())
        return [rows["active"], *([rows["building"]] if rows.get("building") else [])]

    def upsert(self, docs: Sequence[IndexDoc]) -> BulkResult:
        self.ensure_ready()
        result = BulkResult()
        for start in range(0, len(docs), _BATCH):
            batch = docs[start : start + _BATCH]
            with self._tx() as conn:
                prefixes = self._write_prefixes(conn)
                for doc in batch:
                    for prefix in prefixes:
                        delete_ids(conn, prefix, [doc.id])
                        insert_doc(conn, prefix, doc)
                    result.indexed.append(doc.id)
                bump_version(conn)
        return result

    def delete(self, ids: Sequence[str]) -> None:
        self.ensure_ready()
        with self._tx() as conn:
            for prefix in self._write_prefixes(conn):
                delete_ids(conn, prefix, list(ids))
            bump_version(conn)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Fill a new generation, then switch to it; writes made meanwhile go to both generations."""
        self.ensure_ready()
        with self._lock:
            old = self._prefix()
        new = f"search_g{int(old[len('search_g') : -1]) + 1}_"
        with self._tx() as conn:
            drop_tables(conn, new)  # leftovers of an interrupted rebuild
            create_tables(conn, new)
            conn.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('building', ?)", (new,))
        count = 0
        batch: list[IndexDoc] = []

        def flush() -> None:
            with self._tx() as conn:
                for doc in batch:
                    delete_ids(conn, new, [doc.id])
                    insert_doc(conn, new, doc)
            batch.clear()

        try:
            for doc in docs:
                batch.append(doc)
                count += 1
                if len(batch) >= _BATCH:
                    flush()
            flush()
        except BaseException:
            with self._tx() as conn:
                conn.execute("DELETE FROM search_meta WHERE key = 'building'")
                drop_tables(conn, new)
            raise
        with self._tx() as conn:
            conn.execute("UPDATE search_meta SET value = ? WHERE key = 'active'", (new,))
            conn.execute("DELETE FROM search_meta WHERE key = 'building'")
            drop_tables(conn, old)
            bump_version(conn)
        log.info("search index rebuilt generation=%s documents=%d", new, count)
        return count

    # ---------------------------------------------------------------- reads
    def count(self) -> int:
        self.ensure_ready()
        with self._reader() as conn:
            return conn.execute(f"SELECT count(*) FROM {self._prefix(conn)}docs").fetchone()[0]

    def trends(
        self, query: SearchQuery, field: FacetField = "topics", interval: Interval = "day", size: int = 10
    ) -> list[TrendItem]:
        return compute_trends(self, query, field, interval, size)

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        terms = query_terms(query.text)
        try:
            with self._reader() as conn:
                return self._search(conn, query, terms)
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(f"search database unavailable: {exc}") from exc

    def _search(self, conn: sqlite3.Connection, query: SearchQuery, terms: dict[str, list[str]]) -> SearchResult:
        p = self._prefix(conn)
        if query.vector is not None:
            return self._nearest(conn, p, query)
        select, params = matched_select(p, query, terms, date_index=self._date_index_pays(conn, p, query))
        # Filter once into a temp table (private to this search's connection), then count, page,
        # facet and bucket over that compact table instead of re-running the match.
        conn.execute("DROP TABLE IF EXISTS temp.hp_matched")
        conn.execute(f"CREATE TEMP TABLE hp_matched AS {select}", params)
        m = "temp.hp_matched d"
        total = conn.execute("SELECT count(*) FROM temp.hp_matched").fetchone()[0]

        sort = query.effective_sort
        order, cursor_sql, cursor_params = order_and_cursor(sort, query.cursor)
        rows = conn.execute(
            f"SELECT x.doc, d.rank, d.published_ms, d.id, d.reach_key FROM (SELECT * FROM {m} {cursor_sql} ORDER BY {order} LIMIT ?) d"
            f" JOIN {p}bodies x ON x.rid = d.rid ORDER BY {order}",
            [*cursor_params, query.size + 1],
        ).fetchall() if query.size else []
        more = len(rows) > query.size
        rows = rows[: query.size]
        hits = [
            make_hit(IndexDoc.model_validate_json(doc), terms, query, -rank if terms else None)
            for doc, rank, _, _, _ in rows
        ]
        next_cursor = None
        if more and rows:
            _, rank, ms, doc_id, reach = rows[-1]
            values = [rank, ms, doc_id] if sort == "relevance" else [reach, ms, doc_id] if sort == "reach_desc" \
                else [ms, doc_id]
            next_cursor = encode_cursor(sort, values)

        facets: dict[str, list[FacetBucket]] = {f: self._facet(conn, m, p, f, query.facet_size) for f in query.facets}
        histogram = self._histogram(conn, m, p, query) if query.histogram else []
        conn.execute("DROP TABLE IF EXISTS temp.hp_matched")
        return SearchResult(total=total, hits=hits, facets=facets, histogram=histogram, next_cursor=next_cursor)

    def _nearest(self, conn: sqlite3.Connection, p: str, query: SearchQuery) -> SearchResult:
        """Semantic search: cosine over the in-process matrix, restricted to the documents the filters keep."""
        assert query.vector is not None
        allowed = None
        if query.model_dump(include=_FILTER_FIELDS, exclude_defaults=True):
            select, params = matched_select(p, query, {}, date_index=self._date_index_pays(conn, p, query))
            allowed = {rid for rid, *_ in conn.execute(select, params)}
        rids, matrix = self._vectors.current(conn, p)
        found = nearest(rids, matrix, query.vector, query.size, allowed)
        bodies = dict(conn.execute(
            f"SELECT rid, doc FROM {p}bodies WHERE rid IN ({', '.join('?' for _ in found)})", [r for r, _ in found]
        ).fetchall()) if found else {}
        hits = [make_hit(IndexDoc.model_validate_json(bodies[rid]), {}, query, score) for rid, score in found if rid in bodies]
        return SearchResult(total=len(hits), hits=hits)

    def _date_index_pays(self, conn: sqlite3.Connection, p: str, query: SearchQuery) -> bool:
        """Use the date index only for a narrow range: for a wide one a plain scan is faster."""
        if not (query.date_from or query.date_to):
            return False
        low, high = conn.execute(f"SELECT min(published_ms), max(published_ms) FROM {p}docs").fetchone()
        if low is None or high <= low:
            return True
        start = max(low, to_ms(query.date_from)) if query.date_from else low
        end = min(high, to_ms(query.date_to)) if query.date_to else high
        return (end - start) < 0.2 * (high - low)

    def _facet(self, conn: sqlite3.Connection, m: str, p: str, field: str, size: int) -> list[FacetBucket]:
        key_sql, join = facet_key(p, field)
        rows = conn.execute(
            f"SELECT {key_sql} AS k, count(*) AS n FROM {m} {join}"
            f" WHERE {key_sql} IS NOT NULL GROUP BY k ORDER BY n DESC, k ASC LIMIT ?",
            [size],
        ).fetchall()
        return [FacetBucket(key=str(k), count=n) for k, n in rows]

    def _histogram(self, conn: sqlite3.Connection, m: str, p: str, query: SearchQuery) -> list:
        interval = query.histogram
        assert interval is not None
        totals = conn.execute(f"SELECT d.day, NULL, count(*) FROM {m} GROUP BY d.day")
        counts = merge_day_counts(((date.fromisoformat(d), k, n) for d, k, n in totals), interval)
        if query.histogram_split:
            key_sql, key_join = facet_key(p, query.histogram_split)
            rows = conn.execute(
                f"SELECT d.day, {key_sql} AS k, count(*) FROM {m} {key_join} WHERE {key_sql} IS NOT NULL"
                " GROUP BY d.day, k"
            )
            split = merge_day_counts(((date.fromisoformat(d), str(k), n) for d, k, n in rows), interval)
            counts = {k: (v[0], split.get(k, (0, {}))[1]) for k, v in counts.items()}
        return fill_histogram(counts, interval, query)


# ------------------------------------------------------------------ SQL helpers
