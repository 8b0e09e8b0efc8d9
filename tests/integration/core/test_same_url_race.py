"""Issue 17.2: two crawlers fetch the same URL at the same moment → one document row, no error escapes.

A crawler's document id is ``stable_id`` of the canonical URL, so two crawlers that fetched one article
(under different tracking parameters) hand over the same id; the store inserts ``ON CONFLICT DO NOTHING``
and the loser updates the row the winner stored.  Checked on SQLite and on PostgreSQL, where the second
insert waits for the first's transaction.
"""

import threading

import pytest
from healthpulse.core.db import insert_if_absent, insert_rows_if_absent, insert_rows_returning
from healthpulse.core.domain import Document, stable_id
from healthpulse.core.models.crawl import CrawlRun
from healthpulse.core.models.documents import DocumentRow, IndexOutboxRow
from healthpulse.crawlers.urls import canonicalize_url
from healthpulse.ingest.store import upsert_document
from sqlalchemy import event, func, select

from tests.support.containers import sqlite_and_postgres

URLS = ("https://news.example.ru/health/insulin?utm_source=vk#comments",
        "https://NEWS.example.ru/health/insulin?utm_campaign=tg")


db = sqlite_and_postgres("hp_same_url")  # the same checks on SQLite and on PostgreSQL


def _crawled(url: str, crawler: str) -> Document:
    canonical = canonicalize_url(url)
    return Document(id=stable_id(canonical), source=crawler, url=url, canonical_url=canonical,
                    title="Нет инсулина", text=f"В аптеке городской больницы нет инсулина ({crawler}).")


def test_two_crawlers_storing_one_url_at_once_make_one_document(db):
    docs = [_crawled(url, f"crawler-{i}") for i, url in enumerate(URLS)]
    assert docs[0].id == docs[1].id  # one article, one id, whichever crawler fetched it
    for _round in range(3):  # a few rounds: the moment the two inserts meet varies
        with db.session() as s:
            s.query(DocumentRow).delete()
        together = threading.Barrier(2, timeout=30)
        created: list[bool] = []
        errors: list[BaseException] = []

        def store(doc: Document) -> None:
            try:
                with db.session() as s:
                    together.wait()
                    row, was_created, _changed = upsert_document(s, doc, db.clock.now())
                    assert row.id == doc.id and row.source == doc.source  # the loser updates the stored row
                    created.append(was_created)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=store, args=(d,)) for d in docs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sorted(created) == [False, True]  # one stored it, the other found it stored
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(DocumentRow)) == 1
            assert s.get(DocumentRow, docs[0].id).canonical_url == docs[0].canonical_url


def test_insert_if_absent_says_false_when_the_key_is_already_stored(db):
    """The store's "did I insert it?" must be right on both databases (psycopg reports rowcount -1 here)."""
    doc = _crawled(URLS[0], "crawler-0")
    values = {"id": doc.id, "channel": "news", "text": doc.text, "content_hash": "x",
              "fetched_at": db.clock.now(), "created_at": db.clock.now(), "updated_at": db.clock.now()}
    with db.session() as s:
        assert insert_if_absent(s, DocumentRow, values, ["id"]) is True
    with db.session() as s:
        assert insert_if_absent(s, DocumentRow, {**values, "text": "another"}, ["id"]) is False
        assert s.get(DocumentRow, doc.id).text == doc.text


def _values(doc_id: str, now, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"id": doc_id, "channel": "news", "text": f"text of {doc_id}", "content_hash": "x", "fetched_at": now,
            "created_at": now, "updated_at": now, "title": None, "media": None, "embedding": None,
            "reach_score": None, **extra}


def test_a_batch_goes_in_whole_and_comes_back_as_the_rows_it_inserted(db):
    """Many rows in one statement (PostgreSQL: one array per column): the rows already stored and a key given
    twice go in once; what comes back are session objects holding the values given, in the order given,
    read without another query; None is NULL, JSON keeps its structure, bytes and times round-trip."""
    now = db.clock.now()
    with db.session() as s:
        insert_rows_if_absent(s, DocumentRow, [_values("b", now, text="stored first")], ["id"])
    rows = [_values("c", now, media={"kind": "video", "names": ["а", "ب"]}, embedding=b"\x00\x01\xff"),
            _values("b", now, text="loses to the stored row"),
            _values("a", now, title="عنوان\t\"quoted\" \\ back{slash}", reach_score=2**40),
            _values("c", now, text="a second copy of c")]
    with db.session() as s:
        statements: list[str] = []
        event.listen(s.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
        got = insert_rows_if_absent(s, DocumentRow, rows, ["id"])
        assert [r.id for r in got] == ["c", "a"]
        assert got[0].media == {"kind": "video", "names": ["а", "ب"]} and got[1].title.startswith("عنوان")
        assert all(r in s for r in got) and len(statements) == 1, statements  # session objects, nothing read back
    with db.session() as s:
        stored = {r.id: r for r in s.scalars(select(DocumentRow))}
        assert sorted(stored) == ["a", "b", "c"]
        assert stored["b"].text == "stored first" and stored["c"].text == "text of c"
        assert stored["c"].media == {"kind": "video", "names": ["а", "ب"]} and stored["c"].embedding == b"\x00\x01\xff"
        assert stored["a"].title == "عنوان\t\"quoted\" \\ back{slash}" and stored["a"].reach_score == 2**40
        assert stored["a"].fetched_at == now and stored["a"].embedding is None and stored["a"].source is None
        assert s.scalar(select(func.count()).select_from(DocumentRow).where(DocumentRow.title.is_(None))) == 2


def test_a_batch_whose_rows_give_different_columns_is_refused(db):
    now = db.clock.now()
    with db.session() as s, pytest.raises(ValueError, match="same columns"):
        insert_rows_if_absent(s, DocumentRow, [_values("a", now), {**_values("b", now), "source": "x"}], ["id"])


def test_a_batch_refuses_to_leave_out_a_column_with_a_python_default(db):
    """The batched statement is plain SQL on PostgreSQL, where SQLAlchemy's Python-side defaults would not
    apply: a missing column with one is an error naming it, not a NULL."""
    if db.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLAlchemy's own statement applies the defaults on SQLite")
    with db.session() as s, pytest.raises(ValueError, match="fetched"):
        insert_rows_if_absent(s, CrawlRun, [{"run_id": "r", "source_id": "s", "started_at": db.clock.now()}], ["id"])


def test_rows_inserted_with_returning_give_back_their_new_ids_in_one_statement(db):
    """The outbox rows of a batch (PostgreSQL: one array per column, a small fixed statement): each row
    inserted once with its values, and the database's ids come back paired with the column asked for."""
    now = db.clock.now()
    with db.session() as s:
        insert_rows_if_absent(s, DocumentRow, [_values(d, now) for d in ("a", "b", "c")], ["id"])
    rows = [dict(document_id=d, op="upsert", attempts=0, next_attempt_at=now, rejected=False, created_at=now,
                 last_error=None if d != "b" else "an \"old\" reason\t") for d in ("c", "a", "b")]
    with db.session() as s:
        statements: list[str] = []
        event.listen(s.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
        got = insert_rows_returning(s, IndexOutboxRow, rows, ["id", "document_id"])
        assert len(statements) == 1, statements
    assert sorted(d for _, d in got) == ["a", "b", "c"] and len({i for i, _ in got}) == 3
    with db.session() as s:
        stored = {r.id: r for r in s.scalars(select(IndexOutboxRow))}
    assert {i: stored[i].document_id for i, _ in got} == dict(got)
    b = next(r for r in stored.values() if r.document_id == "b")
    assert b.last_error == 'an "old" reason\t' and b.next_attempt_at == now and b.attempts == 0
    assert insert_rows_returning(db.session(), IndexOutboxRow, [], ["id"]) == []
