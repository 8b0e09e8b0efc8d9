"""Issue 17.2: two crawlers fetch the same URL at the same moment → one document row, no error escapes.

A crawler's document id is ``stable_id`` of the canonical URL, so two crawlers that fetched one article
(under different tracking parameters) hand over the same id; the store inserts ``ON CONFLICT DO NOTHING``
and the loser updates the row the winner stored.  Checked on SQLite and on PostgreSQL, where the second
insert waits for the first's transaction.
"""

import threading

from healthpulse.core.db import insert_if_absent
from healthpulse.core.domain import Document, stable_id
from healthpulse.core.models.documents import DocumentRow
from healthpulse.crawlers.urls import canonicalize_url
from healthpulse.ingest.store import upsert_document
from sqlalchemy import func, select

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
