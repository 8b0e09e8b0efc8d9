"""ingest.store.upsert_documents: a batch stored in a fixed number of statements, with the outcome
of storing its documents one by one (created / changed per document, in order)."""

from __future__ import annotations

from datetime import UTC, datetime

from healthpulse.core.db import transaction
from healthpulse.core.domain import Document
from healthpulse.core.models.documents import DocumentRow
from healthpulse.ingest.store import upsert_documents
from sqlalchemy import event, func, select

from tests.support.containers import make_container

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def doc(doc_id: str, text: str, story: str | None = None) -> Document:
    return Document(id=doc_id, text=text, story_id=story, fetched_at=NOW)


def test_new_existing_and_repeated_documents_in_one_batch(tmp_path):
    c = make_container(tmp_path)
    with transaction(c.session_factory) as s:
        upsert_documents(s, [doc("a", "first text", story="s1"), doc("b", "kept as it is")], NOW)
    batch = [doc("c", "new"), doc("a", "first text, corrected"), doc("b", "kept as it is"), doc("c", "new, again")]
    with transaction(c.session_factory) as s:
        out = upsert_documents(s, batch, NOW)
        assert [(r.id, created, changed) for r, created, changed in out] == [
            ("c", True, True), ("a", False, True), ("b", False, False), ("c", False, True)]
    with transaction(c.session_factory) as s:
        rows = {r.id: r for r in s.scalars(select(DocumentRow))}
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 3
        assert rows["c"].text == "new, again" and rows["a"].text == "first text, corrected"
        assert rows["a"].story_id == "s1"  # a re-fetched copy keeps the story it was grouped into
    c.close()


def test_a_batch_costs_the_same_few_statements_whatever_its_size(tmp_path):
    c = make_container(tmp_path)
    engine = c.engine

    def statements(n: int, prefix: str) -> int:
        seen: list[str] = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731 - (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with transaction(c.session_factory) as s:
                upsert_documents(s, [doc(f"{prefix}{i}", f"text {i}") for i in range(n)], NOW)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return sum(1 for q in seen if q.lstrip().upper().startswith(("SELECT", "INSERT")))

    assert statements(5, "x") == statements(200, "y") == 2  # read, insert … returning the rows
    c.close()
