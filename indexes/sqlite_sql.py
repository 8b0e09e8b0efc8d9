"""The SQL of the FTS5 index: tables of one generation, row writes, the filtered match and its order.

``sqlite_fts.SqliteFtsIndex`` runs these inside its transactions; ``p`` is the
generation's table prefix (``search_g<N>_``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from healthpulse.indexes.common import as_utc, decode_cursor, full_text, to_ms
from healthpulse.indexes.query import KEYWORD_FILTERS, IndexDoc, SearchQuery
from healthpulse.indexes.text_analysis import FIELDS, analyzed_string, field_for
from healthpulse.indexes.vector_matrix import vector_blob

SCALAR_FILTERS = KEYWORD_FILTERS  # a column of the docs table each
MULTI = {"topics": "topic", "places": "place"}  # multi-valued fields → side tables


def create_tables(conn: sqlite3.Connection, p: str) -> None:
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {p}docs (
            rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, source TEXT,
            language TEXT NOT NULL, published_ms INTEGER NOT NULL, day TEXT NOT NULL, department TEXT,
            sentiment TEXT, severity TEXT, incident INTEGER, health_related INTEGER, story_id TEXT, reach_total INTEGER)"""
    )
    add_missing_columns(conn, p)
    # The full record lives apart so scans for filters, facets and histograms read narrow rows.
    conn.execute(f"CREATE TABLE IF NOT EXISTS {p}bodies (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
    create_vector_table(conn, p)
    conn.execute(f"CREATE INDEX IF NOT EXISTS {p}docs_pub ON {p}docs (published_ms, id)")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {p}docs_dept ON {p}docs (department)")
    for table, col in MULTI.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {p}{table} (rid INTEGER NOT NULL, {col} TEXT NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {p}{table}_rid ON {p}{table} (rid)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {p}{table}_val ON {p}{table} ({col}, rid)")
    columns = ", ".join(FIELDS)
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {p}fts USING fts5({columns}, tokenize='unicode61 remove_diacritics 2')"
    )


def add_missing_columns(conn: sqlite3.Connection, p: str) -> None:
    """Columns added after a generation was built (``reach_total``); its rows get them on ``healthpulse reindex``."""
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({p}docs)")}
    if "reach_total" not in have:
        conn.execute(f"ALTER TABLE {p}docs ADD COLUMN reach_total INTEGER")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {p}docs_reach ON {p}docs (reach_total)")


def create_vector_table(conn: sqlite3.Connection, p: str) -> None:
    """Document vectors (float32 bytes) for semantic search; added to older generations on start."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {p}vectors (rid INTEGER PRIMARY KEY, vec BLOB NOT NULL)")


def drop_tables(conn: sqlite3.Connection, p: str) -> None:
    for table in ("docs", "bodies", "vectors", *MULTI, "fts"):
        conn.execute(f"DROP TABLE IF EXISTS {p}{table}")


def delete_ids(conn: sqlite3.Connection, p: str, ids: list[str]) -> None:
    for doc_id in ids:
        row = conn.execute(f"SELECT rid FROM {p}docs WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            continue
        for table in ("docs", "bodies", "vectors", *MULTI):
            conn.execute(f"DELETE FROM {p}{table} WHERE rid = ?", row)
        conn.execute(f"DELETE FROM {p}fts WHERE rowid = ?", row)


def sql_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def insert_doc(conn: sqlite3.Connection, p: str, doc: IndexDoc) -> None:
    published = as_utc(doc.published_at)
    cur = conn.execute(
        f"""INSERT INTO {p}docs (id, channel, source, language, published_ms, day, department, sentiment,
            severity, incident, health_related, story_id, reach_total) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            doc.id, doc.channel, doc.source, doc.language, to_ms(published), published.date().isoformat(),
            doc.department, doc.sentiment, doc.severity, sql_bool(doc.incident), sql_bool(doc.health_related),
            doc.story_id, doc.reach_total,
        ),
    )
    rid = cur.lastrowid
    conn.execute(f"INSERT INTO {p}bodies (rid, doc) VALUES (?, ?)", (rid, doc.model_dump_json(exclude={"embedding"})))
    if doc.embedding:
        conn.execute(f"INSERT INTO {p}vectors (rid, vec) VALUES (?, ?)", (rid, vector_blob(doc.embedding)))
    for table, col in MULTI.items():
        values = sorted(set(getattr(doc, table)))
        conn.executemany(f"INSERT INTO {p}{table} (rid, {col}) VALUES (?, ?)", [(rid, v) for v in values])
    field = field_for(doc.language)
    text = analyzed_string(full_text(doc.title, doc.text), field)
    conn.execute(
        f"INSERT INTO {p}fts (rowid, {', '.join(FIELDS)}) VALUES (?, {', '.join('?' for _ in FIELDS)})",
        [rid, *(text if f == field else "" for f in FIELDS)],
    )


def match_expression(terms: dict[str, list[str]], any_word: bool = False) -> str:
    """FTS5 MATCH: all terms (or, ``any_word``, any one) within one language column, any column."""
    groups = []
    for field, words in terms.items():
        quoted = (" OR " if any_word else " AND ").join('"' + w.replace('"', '""') + '"' for w in words)
        groups.append(f"{field} : ({quoted})")
    return " OR ".join(groups)


def matched_select(
    p: str, query: SearchQuery, terms: dict[str, list[str]], *, date_index: bool = True
) -> tuple[str, list[Any]]:
    """SELECT of the matching documents' sort, filter and facet columns (and the text rank)."""
    where: list[str] = []
    params: list[Any] = []
    if terms:
        source = f"{p}docs d JOIN (SELECT rowid AS frid, bm25({p}fts) AS rank FROM {p}fts WHERE {p}fts MATCH ?) r ON r.frid = d.rid"
        params.append(match_expression(terms, any_word=query.text_match == "any"))
        rank = "r.rank"
    else:
        source, rank = f"{p}docs d", "0.0"
    for attr, column in SCALAR_FILTERS.items():
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
    if query.min_reach is not None:
        where.append("d.reach_total >= ?")
        params.append(query.min_reach)
    column = "d.published_ms" if date_index else "+d.published_ms"  # unary + keeps SQLite off the index
    if query.date_from:
        where.append(f"{column} >= ?")
        params.append(to_ms(query.date_from))
    if query.date_to:
        where.append(f"{column} < ?")
        params.append(to_ms(query.date_to))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    columns = "d.rid, d.published_ms, d.id, d.day, d.language, d.channel, d.department, d.sentiment, d.severity, " \
        "d.incident, d.source, coalesce(d.reach_total, -1) AS reach_key"
    return f"SELECT {columns}, {rank} AS rank FROM {source} {clause}", params


def order_and_cursor(sort: str, cursor: str | None) -> tuple[str, str, list[Any]]:
    if sort == "date_asc":
        order = "d.published_ms ASC, d.id ASC"
    elif sort == "date_desc":
        order = "d.published_ms DESC, d.id ASC"
    elif sort == "reach_desc":
        order = "d.reach_key DESC, d.published_ms DESC, d.id ASC"
    else:
        order = "d.rank ASC, d.published_ms DESC, d.id ASC"
    if not cursor:
        return order, "", []
    values = decode_cursor(cursor, sort)
    if sort == "date_asc":
        return order, "WHERE d.published_ms > ? OR (d.published_ms = ? AND d.id > ?)", [values[0], values[0], values[1]]
    if sort == "date_desc":
        return order, "WHERE d.published_ms < ? OR (d.published_ms = ? AND d.id > ?)", [values[0], values[0], values[1]]
    if sort == "reach_desc":
        reach, ms, doc_id = values
        return (
            order,
            "WHERE d.reach_key < ? OR (d.reach_key = ? AND (d.published_ms < ? OR (d.published_ms = ? AND d.id > ?)))",
            [reach, reach, ms, ms, doc_id],
        )
    rank, ms, doc_id = values
    return (
        order,
        "WHERE d.rank > ? OR (d.rank = ? AND (d.published_ms < ? OR (d.published_ms = ? AND d.id > ?)))",
        [rank, rank, ms, ms, doc_id],
    )


def facet_key(p: str, field: str) -> tuple[str, str]:
    """SQL expression for a facet key and the join it needs."""
    if field in MULTI:
        return f"x.{MULTI[field]}", f"JOIN {p}{field} x ON x.rid = d.rid"
    if field == "incident":
        return "CASE d.incident WHEN 1 THEN 'true' WHEN 0 THEN 'false' END", ""
    return f"d.{field}", ""
