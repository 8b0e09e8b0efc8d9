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
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from healthpulse.indexes.base import BulkResult, IndexUnavailable
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
from healthpulse.indexes.query import (
    FacetBucket,
    FacetField,
    IndexDoc,
    Interval,
    SearchQuery,
    SearchResult,
    TrendItem,
)
from healthpulse.indexes.text_analysis import FIELDS, analyzed_string, field_for, query_terms
from healthpulse.indexes.trends import compute_trends

log = logging.getLogger(__name__)

_MULTI = {"topics": "topic", "places": "place"}  # multi-valued fields → side tables
_SCALAR_FILTERS = {
    "languages": "language",
    "channels": "channel",
    "departments": "department",
    "sentiments": "sentiment",
    "severities": "severity",
    "sources": "source",
}
_BATCH = 500


class SqliteFtsIndex:
    """SearchIndex on SQLite FTS5 (embedded default)."""

    name = "sqlite-fts"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache for dashboard scans
            self._conn.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open search database {self.path}: {exc}") from exc
        self._ready = False

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
                _create_tables(conn, "search_g1_")
                conn.execute("INSERT INTO search_meta (key, value) VALUES ('active', 'search_g1_')")
            elif not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (f"{row[0]}bodies",)).fetchone():
                # Tables from an older layout: start an empty generation; `healthpulse reindex` refills it.
                new = f"search_g{int(row[0][len('search_g') : -1]) + 1}_"
                _create_tables(conn, new)
                conn.execute("UPDATE search_meta SET value = ? WHERE key = 'active'", (new,))
                _drop_tables(conn, row[0])
                log.warning("search index layout changed: empty index created, run `healthpulse reindex`")
        self._ready = True

    def _prefix(self) -> str:
        row = self._conn.execute("SELECT value FROM search_meta WHERE key = 'active'").fetchone()
        return row[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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
                        _delete_ids(conn, prefix, [doc.id])
                        _insert(conn, prefix, doc)
                    result.indexed.append(doc.id)
        return result

    def delete(self, ids: Sequence[str]) -> None:
        self.ensure_ready()
        with self._tx() as conn:
            for prefix in self._write_prefixes(conn):
                _delete_ids(conn, prefix, list(ids))

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Fill a new generation, then switch to it; writes made meanwhile go to both generations."""
        self.ensure_ready()
        old = self._prefix()
        new = f"search_g{int(old[len('search_g') : -1]) + 1}_"
        with self._tx() as conn:
            _drop_tables(conn, new)  # leftovers of an interrupted rebuild
            _create_tables(conn, new)
            conn.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('building', ?)", (new,))
        count = 0
        batch: list[IndexDoc] = []

        def flush() -> None:
            with self._tx() as conn:
                for doc in batch:
                    _delete_ids(conn, new, [doc.id])
                    _insert(conn, new, doc)
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
                _drop_tables(conn, new)
            raise
        with self._tx() as conn:
            conn.execute("UPDATE search_meta SET value = ? WHERE key = 'active'", (new,))
            conn.execute("DELETE FROM search_meta WHERE key = 'building'")
            _drop_tables(conn, old)
        log.info("search index rebuilt generation=%s documents=%d", new, count)
        return count

    # ---------------------------------------------------------------- reads
    def count(self) -> int:
        self.ensure_ready()
        with self._lock:
            return self._conn.execute(f"SELECT count(*) FROM {self._prefix()}docs").fetchone()[0]

    def trends(
        self, query: SearchQuery, field: FacetField = "topics", interval: Interval = "day", size: int = 10
    ) -> list[TrendItem]:
        return compute_trends(self, query, field, interval, size)

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        with self._lock:
            try:
                return self._search(query)
            except sqlite3.OperationalError as exc:
                raise IndexUnavailable(f"search database unavailable: {exc}") from exc

    def _search(self, query: SearchQuery) -> SearchResult:
        p = self._prefix()
        terms = query_terms(query.text)
        conn = self._conn
        select, params = _matched_select(p, query, terms, date_index=self._date_index_pays(p, query))
        # Filter once into a temp table (connection-private; the lock serialises searches), then
        # count, page, facet and bucket over that compact table instead of re-running the match.
        conn.execute("DROP TABLE IF EXISTS temp.hp_matched")
        conn.execute(f"CREATE TEMP TABLE hp_matched AS {select}", params)
        m = "temp.hp_matched d"
        total = conn.execute("SELECT count(*) FROM temp.hp_matched").fetchone()[0]

        sort = query.effective_sort
        order, cursor_sql, cursor_params = _order_and_cursor(sort, query.cursor)
        rows = conn.execute(
            f"SELECT x.doc, d.rank, d.published_ms, d.id FROM (SELECT * FROM {m} {cursor_sql} ORDER BY {order} LIMIT ?) d"
            f" JOIN {p}bodies x ON x.rid = d.rid ORDER BY {order}",
            [*cursor_params, query.size + 1],
        ).fetchall() if query.size else []
        more = len(rows) > query.size
        rows = rows[: query.size]
        hits = [
            make_hit(IndexDoc.model_validate_json(doc), terms, query, -rank if terms else None)
            for doc, rank, _, _ in rows
        ]
        next_cursor = None
        if more and rows:
            _, rank, ms, doc_id = rows[-1]
            values = [rank, ms, doc_id] if sort == "relevance" else [ms, doc_id]
            next_cursor = encode_cursor(sort, values)

        facets = {f: self._facet(m, p, f, query.facet_size) for f in query.facets}
        histogram = self._histogram(m, p, query) if query.histogram else []
        conn.execute("DROP TABLE IF EXISTS temp.hp_matched")
        return SearchResult(total=total, hits=hits, facets=facets, histogram=histogram, next_cursor=next_cursor)

    def _date_index_pays(self, p: str, query: SearchQuery) -> bool:
        """Use the date index only for a narrow range: for a wide one a plain scan is faster."""
        if not (query.date_from or query.date_to):
            return False
        low, high = self._conn.execute(f"SELECT min(published_ms), max(published_ms) FROM {p}docs").fetchone()
        if low is None or high <= low:
            return True
        start = max(low, to_ms(query.date_from)) if query.date_from else low
        end = min(high, to_ms(query.date_to)) if query.date_to else high
        return (end - start) < 0.2 * (high - low)

    def _facet(self, m: str, p: str, field: str, size: int) -> list[FacetBucket]:
        key_sql, join = _facet_key(p, field)
        rows = self._conn.execute(
            f"SELECT {key_sql} AS k, count(*) AS n FROM {m} {join}"
            f" WHERE {key_sql} IS NOT NULL GROUP BY k ORDER BY n DESC, k ASC LIMIT ?",
            [size],
        ).fetchall()
        return [FacetBucket(key=str(k), count=n) for k, n in rows]

    def _histogram(self, m: str, p: str, query: SearchQuery) -> list:
        interval = query.histogram
        assert interval is not None
        totals = self._conn.execute(f"SELECT d.day, NULL, count(*) FROM {m} GROUP BY d.day")
        counts = merge_day_counts(((date.fromisoformat(d), k, n) for d, k, n in totals), interval)
        if query.histogram_split:
            key_sql, key_join = _facet_key(p, query.histogram_split)
            rows = self._conn.execute(
                f"SELECT d.day, {key_sql} AS k, count(*) FROM {m} {key_join} WHERE {key_sql} IS NOT NULL"
                " GROUP BY d.day, k"
            )
            split = merge_day_counts(((date.fromisoformat(d), str(k), n) for d, k, n in rows), interval)
            counts = {k: (v[0], split.get(k, (0, {}))[1]) for k, v in counts.items()}
        return fill_histogram(counts, interval, query)


# ------------------------------------------------------------------ SQL helpers
def _create_tables(conn: sqlite3.Connection, p: str) -> None:
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {p}docs (
            rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, source TEXT,
            language TEXT NOT NULL, published_ms INTEGER NOT NULL, day TEXT NOT NULL, department TEXT,
            sentiment TEXT, severity TEXT, incident INTEGER, health_related INTEGER, story_id TEXT)"""
    )
    # The full record lives apart so scans for filters, facets and histograms read narrow rows.
    conn.execute(f"CREATE TABLE IF NOT EXISTS {p}bodies (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {p}docs_pub ON {p}docs (published_ms, id)")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {p}docs_dept ON {p}docs (department)")
    for table, col in _MULTI.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {p}{table} (rid INTEGER NOT NULL, {col} TEXT NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {p}{table}_rid ON {p}{table} (rid)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {p}{table}_val ON {p}{table} ({col}, rid)")
    columns = ", ".join(FIELDS)
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {p}fts USING fts5({columns}, tokenize='unicode61 remove_diacritics 2')"
    )


def _drop_tables(conn: sqlite3.Connection, p: str) -> None:
    for table in ("docs", "bodies", *_MULTI, "fts"):
        conn.execute(f"DROP TABLE IF EXISTS {p}{table}")


def _delete_ids(conn: sqlite3.Connection, p: str, ids: list[str]) -> None:
    for doc_id in ids:
        row = conn.execute(f"SELECT rid FROM {p}docs WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            continue
        for table in ("docs", "bodies", *_MULTI):
            conn.execute(f"DELETE FROM {p}{table} WHERE rid = ?", row)
        conn.execute(f"DELETE FROM {p}fts WHERE rowid = ?", row)


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _insert(conn: sqlite3.Connection, p: str, doc: IndexDoc) -> None:
    published = as_utc(doc.published_at)
    cur = conn.execute(
        f"""INSERT INTO {p}docs (id, channel, source, language, published_ms, day, department, sentiment,
            severity, incident, health_related, story_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            doc.id, doc.channel, doc.source, doc.language, to_ms(published), published.date().isoformat(),
            doc.department, doc.sentiment, doc.severity, _bool(doc.incident), _bool(doc.health_related),
            doc.story_id,
        ),
    )
    rid = cur.lastrowid
    conn.execute(f"INSERT INTO {p}bodies (rid, doc) VALUES (?, ?)", (rid, doc.model_dump_json()))
    for table, col in _MULTI.items():
        values = sorted(set(getattr(doc, table)))
        conn.executemany(f"INSERT INTO {p}{table} (rid, {col}) VALUES (?, ?)", [(rid, v) for v in values])
    field = field_for(doc.language)
    text = analyzed_string(full_text(doc.title, doc.text), field)
    conn.execute(
        f"INSERT INTO {p}fts (rowid, {', '.join(FIELDS)}) VALUES (?, {', '.join('?' for _ in FIELDS)})",
        [rid, *(text if f == field else "" for f in FIELDS)],
    )


def match_expression(terms: dict[str, list[str]]) -> str:
    """FTS5 MATCH: all terms within one language column, any column."""
    groups = []
    for field, words in terms.items():
        quoted = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        groups.append(f"{field} : ({quoted})")
    return " OR ".join(groups)


def _matched_select(
    p: str, query: SearchQuery, terms: dict[str, list[str]], *, date_index: bool = True
) -> tuple[str, list[Any]]:
    """SELECT of the matching documents' sort, filter and facet columns (and the text rank)."""
    where: list[str] = []
    params: list[Any] = []
    if terms:
        source = f"{p}docs d JOIN (SELECT rowid AS frid, bm25({p}fts) AS rank FROM {p}fts WHERE {p}fts MATCH ?) r ON r.frid = d.rid"
        params.append(match_expression(terms))
        rank = "r.rank"
    else:
        source, rank = f"{p}docs d", "0.0"
    for attr, column in _SCALAR_FILTERS.items():
        values = getattr(query, attr)
        if values:
            where.append(f"d.{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    if query.topics:
        where.append(
            f"EXISTS (SELECT 1 FROM {p}topics t WHERE t.rid = d.rid AND t.topic IN ({', '.join('?' for _ in query.topics)}))"
        )
        params.extend(query.topics)
    for attr in ("incident", "health_related"):
        value = getattr(query, attr)
        if value is not None:
            where.append(f"d.{attr} = ?")
            params.append(int(value))
    if query.story_id:
        where.append("d.story_id = ?")
        params.append(query.story_id)
    column = "d.published_ms" if date_index else "+d.published_ms"  # unary + keeps SQLite off the index
    if query.date_from:
        where.append(f"{column} >= ?")
        params.append(to_ms(query.date_from))
    if query.date_to:
        where.append(f"{column} < ?")
        params.append(to_ms(query.date_to))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    columns = "d.rid, d.published_ms, d.id, d.day, d.language, d.channel, d.department, d.sentiment, d.severity, " \
        "d.incident, d.source"
    return f"SELECT {columns}, {rank} AS rank FROM {source} {clause}", params


def _order_and_cursor(sort: str, cursor: str | None) -> tuple[str, str, list[Any]]:
    if sort == "date_asc":
        order = "d.published_ms ASC, d.id ASC"
    elif sort == "date_desc":
        order = "d.published_ms DESC, d.id ASC"
    else:
        order = "d.rank ASC, d.published_ms DESC, d.id ASC"
    if not cursor:
        return order, "", []
    values = decode_cursor(cursor, sort)
    if sort == "date_asc":
        return order, "WHERE d.published_ms > ? OR (d.published_ms = ? AND d.id > ?)", [values[0], values[0], values[1]]
    if sort == "date_desc":
        return order, "WHERE d.published_ms < ? OR (d.published_ms = ? AND d.id > ?)", [values[0], values[0], values[1]]
    rank, ms, doc_id = values
    return (
        order,
        "WHERE d.rank > ? OR (d.rank = ? AND (d.published_ms < ? OR (d.published_ms = ? AND d.id > ?)))",
        [rank, rank, ms, ms, doc_id],
    )


def _facet_key(p: str, field: str) -> tuple[str, str]:
    """SQL expression for a facet key and the join it needs."""
    if field in _MULTI:
        return f"x.{_MULTI[field]}", f"JOIN {p}{field} x ON x.rid = d.rid"
    if field == "incident":
        return "CASE d.incident WHEN 1 THEN 'true' WHEN 0 THEN 'false' END", ""
    return f"d.{field}", ""
