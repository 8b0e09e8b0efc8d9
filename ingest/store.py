"""Documents in the database: mapping rows ↔ domain objects ↔ index records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from healthpulse.core.db import insert_rows_if_absent
from healthpulse.core.domain import Analysis, Channel, Document, Media, Reach
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.vectors import pack_vector, unpack_vector
from healthpulse.indexes.query import IndexDoc, IndexReach
from healthpulse.text.normalize import folded_words
from sqlalchemy import select
from sqlalchemy.orm import Session


def content_hash(doc: Document) -> str:
    """Hash of the folded title + text: equal for copies that differ only in spacing/diacritics."""
    return hashlib.sha256(" ".join(folded_words(doc.full_text)).encode("utf-8")).hexdigest()


def upsert_document(session: Session, doc: Document, now: datetime) -> tuple[DocumentRow, bool, bool]:
    """Insert or update by id. Returns (row, created, changed)."""
    return upsert_documents(session, [doc], now)[0]


def upsert_documents(session: Session, docs: Sequence[Document], now: datetime) -> list[tuple[DocumentRow, bool, bool]]:
    """Insert or update each document by id: (row, created, changed) per document, in order.

    A batch costs two statements, not three per document: one read of the rows already stored, one
    ``INSERT … ON CONFLICT DO NOTHING … RETURNING`` of the new ones (in id order; a third reads the rows
    of a concurrent writer that got there first)
    (benchmarks/scale.py: storing was 41 % of ingest time one document at a time). Idempotent under
    concurrency: a row another process inserted first is updated instead, and its document is not
    "created" here. The same id twice in a batch: the first is created, the second updates it.
    """
    ids = list(dict.fromkeys(d.id for d in docs))
    rows = {r.id: r for r in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))}
    values = [_row_values(d) for d in docs]
    fresh: dict[str, dict[str, Any]] = {}
    for d, v in zip(docs, values, strict=True):
        if d.id not in rows and d.id not in fresh:
            fresh[d.id] = {"id": d.id, "created_at": now, "updated_at": now, "embedding": None, **v}
    ours = insert_rows_if_absent(session, DocumentRow, [fresh[i] for i in sorted(fresh)], ["id"])
    rows.update((r.id, r) for r in ours)
    inserted = {r.id for r in ours}
    lost = [i for i in fresh if i not in inserted]
    if lost:  # the rows of whoever won the race
        rows.update((r.id, r) for r in session.scalars(
            select(DocumentRow).where(DocumentRow.id.in_(lost)).execution_options(populate_existing=True)))
    out: list[tuple[DocumentRow, bool, bool]] = []
    for d, v in zip(docs, values, strict=True):
        row = rows[d.id]
        if d.id in inserted:
            inserted.discard(d.id)  # a second copy in this batch updates the row the first created
            out.append((row, True, True))
        else:
            out.append((row, False, _update(row, d, v, now)))
    return out


def _row_values(doc: Document) -> dict[str, Any]:
    analysis = doc.analysis
    values: dict[str, Any] = dict(
        channel=str(doc.channel), source=doc.source, url=doc.url, canonical_url=doc.canonical_url,
        title=doc.title, text=doc.text, content_hash=content_hash(doc), language_hint=doc.language_hint,
        department_hint=doc.department_hint, author=doc.author, published_at=doc.published_at,
        fetched_at=doc.fetched_at, story_id=doc.story_id,
        media=doc.media.model_dump(mode="json") if doc.media else None,
        reach=doc.reach.model_dump(mode="json") if doc.reach else None,
        reach_score=doc.reach.score if doc.reach else None,
        analysis=analysis.model_dump(mode="json") if analysis else None,
        language=analysis.language if analysis else None,
        department=analysis.department if analysis else None,
        sentiment=analysis.sentiment.label if analysis and analysis.sentiment else None,
        health_related=analysis.health_related if analysis else None,
        incident=analysis.incident if analysis else None,
        severity=analysis.severity if analysis else None,
    )
    if analysis is not None and analysis.embedding is not None:
        values["embedding"] = pack_vector(analysis.embedding)  # absent: a stored vector stays as it was
    return values


def _update(row: DocumentRow, doc: Document, new_values: dict[str, Any], now: datetime) -> bool:
    """Bring a stored row up to ``doc``; whether anything but the fetch time changed."""
    new_values = dict(new_values)
    if not doc.story_id:
        new_values["story_id"] = row.story_id  # a re-fetched copy keeps the story it was grouped into
    changed = any(getattr(row, k) != v for k, v in new_values.items() if k != "fetched_at")
    for k, v in new_values.items():
        setattr(row, k, v)
    if changed:
        row.updated_at = now
    return changed


def row_to_document(row: DocumentRow) -> Document:
    return Document(
        id=row.id, channel=Channel(row.channel), source=row.source, url=row.url, canonical_url=row.canonical_url,
        title=row.title, text=row.text, language_hint=row.language_hint, department_hint=row.department_hint,
        published_at=row.published_at, fetched_at=row.fetched_at, story_id=row.story_id, author=row.author,
        media=Media.model_validate(row.media) if row.media else None,
        reach=Reach.model_validate(row.reach) if row.reach else None,
        analysis=_stored_analysis(row),
    )


def _stored_analysis(row: DocumentRow) -> Analysis | None:
    if not row.analysis:
        return None
    analysis = Analysis.model_validate(row.analysis)
    if row.embedding:
        analysis.embedding = unpack_vector(row.embedding)
    return analysis


INDEX_CUT_MARK = "for the search index"


def cut_for_index(text: str, max_chars: int | None) -> str:
    """At most ``max_chars`` of ``text``, ending at a word boundary when one is near."""
    if max_chars is None or len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ", max_chars - 200)
    return cut[:space] if space > 0 else cut


def index_cut_warning(text: str, max_chars: int) -> str | None:
    """The warning a document gets when the search index holds only the start of its text."""
    if len(text) <= max_chars:
        return None
    return f"text cut to {max_chars:,} characters {INDEX_CUT_MARK} (of {len(text):,})"


def to_index_doc(row: DocumentRow, max_chars: int | None = None, analysis: Analysis | None = None) -> IndexDoc:
    """The index record of a stored document; its text cut to ``max_chars`` (the stored original stays whole).
    ``analysis``: the row's analysis when the caller has validated it already (``row_to_document``)."""
    a = analysis or (Analysis.model_validate(row.analysis) if row.analysis else Analysis())
    return IndexDoc(
        id=row.id, channel=row.channel, source=row.source, url=row.url, title=row.title,
        text=cut_for_index(row.text, max_chars),
        language=a.language, published_at=row.published_at or row.fetched_at,
        department=a.department, topics=a.topic_ids, topic_scores={t.id: t.score for t in a.topics},
        sentiment=a.sentiment.label if a.sentiment else None, sentiment_score=a.sentiment.score if a.sentiment else None,
        incident=a.incident, severity=a.severity, health_related=a.health_related, story_id=row.story_id,
        places=list(a.places),
        reach=IndexReach.model_validate(row.reach) if row.reach else None, reach_total=row.reach_score,
        embedding=unpack_vector(row.embedding) if row.embedding else None,
    )


def get_documents(session: Session, ids: Sequence[str]) -> list[DocumentRow]:
    if not ids:
        return []
    rows = {r.id: r for r in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(list(ids))))}
    return [rows[i] for i in ids if i in rows]


def iter_index_docs(session: Session, batch_size: int = 500, *, max_chars: int | None = None) -> Iterator[IndexDoc]:
    """Every stored document as an index record, in id order (``healthpulse reindex``)."""
    last = ""
    while True:
        rows = session.scalars(select(DocumentRow).where(DocumentRow.id > last).order_by(DocumentRow.id).limit(batch_size)).all()
        if not rows:
            return
        for r in rows:
            yield to_index_doc(r, max_chars)
        last = rows[-1].id
