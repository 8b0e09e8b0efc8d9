"""``ingest``: analyse → store (+ index outbox, one transaction) → index → post-ingest stages.

Why an outbox: the database is the source of truth and the search index is
derived.  The outbox row is committed with the document, so a search node
that is down delays indexing but never loses a document; the drain retries
with backoff and reports permanent rejections.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Protocol

from healthpulse.core.batching import batched
from healthpulse.core.clock import Clock
from healthpulse.core.context import StoreContext
from healthpulse.core.db import insert_rows_returning, is_write_conflict, transaction
from healthpulse.core.domain import Analysis, Document
from healthpulse.core.models.documents import DocumentRow, IndexOutboxRow
from healthpulse.core.stages import DocumentAnalyzer, IngestResult, PostIngestStage, StoredDocument, TextEmbedder
from healthpulse.indexes.base import IndexUnavailable, SearchIndex
from healthpulse.indexes.query import IndexDoc
from healthpulse.ingest.index_push import BackgroundPush
from healthpulse.ingest.store import (
    INDEX_CUT_MARK,
    get_documents,
    index_cut_warning,
    iter_index_docs,
    row_to_document,
    to_index_doc,
    upsert_document,
    upsert_documents,
)
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

log = logging.getLogger(__name__)


class _IndexDown(Exception):
    """The index was unavailable for a push: its rows are backed off; the transaction commits that."""


CONFLICT_RETRIES = 3  # a post-ingest stage that lost a race to a concurrent ingest runs again this often


class PipelineContext(StoreContext, Protocol):
    """What the pipeline needs; ``wiring.container.Container`` provides it (analyzer and index load lazily)."""

    @property
    def analyzer(self) -> DocumentAnalyzer | None: ...

    @property
    def index(self) -> SearchIndex | None: ...

    @property
    def hooks(self) -> Sequence[PostIngestStage]: ...

    @property
    def embedder(self) -> TextEmbedder | None: ...


class Pipeline:
    def __init__(self, context: PipelineContext, *, outbox_batch: int = 500, max_outbox_backoff: float = 300.0):
        self.c = context
        self.outbox_batch = outbox_batch
        self.max_outbox_backoff = max_outbox_backoff
        # The web server's threads and the in-process worker share one analyzer; its models are not thread-safe.
        self._analyzer_lock = threading.Lock()

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.c.session_factory

    @property
    def clock(self) -> Clock:
        return self.c.clock

    # -- ingest ---------------------------------------------------------------
    def ingest(self, doc: Document) -> IngestResult:
        return self.ingest_many([doc])[0]

    def ingest_many(self, docs: Iterable[Document], batch_size: int = 64) -> list[IngestResult]:
        return [r for results in self.ingest_batches(batched(docs, batch_size)) for r in results]

    def ingest_batches(self, batches: Iterable[Sequence[Document]]) -> Iterator[list[IngestResult]]:
        """Each batch ingested in turn, its results as it is done; all of them indexed when the iteration ends.

        With a search node and a server database, each batch's index push runs while the next batch is
        stored and staged (``ingest.index_push``). Not on SQLite: its one writer at a time would make the
        push's delete of outbox rows wait on the next batch's insert; nor into the embedded index, which
        is quick to push anyway."""
        push = BackgroundPush(self.drain_outbox) if self._overlaps_push() else None
        try:
            for batch in batches:
                yield self._ingest_batch(list(batch), push=push)
        finally:
            if push is not None:
                push.wait()
        if push is not None:
            self.drain_outbox()  # what a push met while it ran (a batch stored meanwhile is pushed by now)

    def _overlaps_push(self) -> bool:
        settings = self.c.settings
        return not settings.search.embedded and not settings.database_url.startswith("sqlite") \
            and self.c.index is not None

    def analyse(self, docs: Sequence[Document]) -> list[Document]:
        """Documents with ``analysis`` filled (those that already have one are kept as given)."""
        analyzer = self.c.analyzer
        todo = [i for i, d in enumerate(docs) if d.analysis is None]
        if analyzer is None or not todo:
            return self.embed(list(docs))
        limit = self.c.settings.max_text_chars
        inputs = []
        for i in todo:
            d = docs[i]
            inputs.append(d.model_copy(update={"text": d.text[:limit]}) if len(d.text) > limit else d)
        with self._analyzer_lock:
            analyses = analyzer.analyze_many(inputs)
        out = list(docs)
        for i, a in zip(todo, analyses, strict=True):
            if len(docs[i].text) > limit:
                a = a.model_copy(update={"warnings": [*a.warnings, f"text truncated to {limit} characters for analysis"]})
            out[i] = docs[i].model_copy(update={"analysis": a})
        return self.embed(out)

    def embed(self, docs: list[Document]) -> list[Document]:
        """Health-related documents gain their vector (nlp.embedding) for incidents and semantic search.

        Only those: the rest are never merged into incidents, and embedding them would cost a 12-layer
        encoder pass for each of the ~80 % of a crawl that is not about health."""
        embedder = self.c.embedder
        todo = [i for i, d in enumerate(docs)
                if d.analysis is not None and d.analysis.health_related and d.analysis.embedding is None]
        if embedder is None or not todo:
            return docs
        with self._analyzer_lock:
            vectors = embedder.embed_documents([(docs[i].title, docs[i].text) for i in todo])
        out = list(docs)
        for i, v in zip(todo, vectors, strict=True):
            a = docs[i].analysis
            assert a is not None
            out[i] = docs[i].model_copy(update={"analysis": a.model_copy(update={"embedding": [float(x) for x in v]})})
        return out

    @property
    def max_index_chars(self) -> int:
        return self.c.settings.search.max_index_chars

    def _with_index_warning(self, doc: Document) -> Document:
        """A document longer than the index takes says so in its warnings (once, with the current lengths)."""
        a = doc.analysis
        if a is None:
            return doc
        warning = index_cut_warning(doc.text, self.max_index_chars)
        kept = [w for w in a.warnings if INDEX_CUT_MARK not in w]
        warnings = [*kept, warning] if warning else kept
        if warnings == a.warnings:
            return doc
        return doc.model_copy(update={"analysis": a.model_copy(update={"warnings": warnings})})

    def _ingest_batch(self, docs: list[Document], *, finishing: bool = False,
                      push: BackgroundPush | None = None) -> list[IngestResult]:
        """Analyse, store (+ outbox), index, stage.  ``finishing``: documents stored pending (``store_pending``)
        are indexed and staged even when nothing changed, so a retried job completes what a crash interrupted.
        ``push``: index on its thread, while the stages run (``ingest_batches``)."""
        docs = [self._with_index_warning(d) for d in self.analyse(docs)]
        stored, outbox = self._store(docs, finishing=finishing, prepare=push is not None)
        if push is not None:
            push.submit(lambda: self.push_prepared(outbox))
        else:
            self.drain_outbox()
        self.run_hooks([sd for sd in stored if sd.changed])
        return [IngestResult(sd.document.id, sd.created, sd.changed, sd.document.analysis) for sd in stored]

    def _store(self, docs: list[Document], *, finishing: bool,
               prepare: bool = False) -> tuple[list[StoredDocument], dict[int, IndexDoc]]:
        """The batch and its outbox rows in one transaction, rows written in id order (two concurrent
        batches then take row locks in the same order), tried again when a concurrent writer still got
        in the way (a deadlock, SQLite busy). ``prepare``: also each outbox row's index record, built from
        the rows as committed (``push_prepared``), keyed by the outbox row's id."""
        order = sorted(range(len(docs)), key=lambda i: docs[i].id)
        for attempt in range(1, CONFLICT_RETRIES + 1):
            try:
                now = self.clock.now()
                stored: dict[int, StoredDocument] = {}
                changed: list[tuple[DocumentRow, Document]] = []
                with transaction(self.factory) as s:
                    results = upsert_documents(s, [docs[i] for i in order], now)
                    for i, (row, created, was_changed) in zip(order, results, strict=True):
                        stored[i] = StoredDocument(row_to_document(row), created, was_changed or finishing)
                        if stored[i].changed:
                            changed.append((row, stored[i].document))
                    outbox = self._queue_index_writes(s, changed, now, prepare)
                return [stored[i] for i in range(len(docs))], outbox
            except OperationalError as exc:
                if attempt == CONFLICT_RETRIES or not is_write_conflict(exc):
                    raise
                log.info("storing a batch met a concurrent writer (%s); trying again", str(exc.orig)[:200])
        raise AssertionError("unreachable")  # pragma: no cover

    def _queue_index_writes(self, s: Session, changed: list[tuple[DocumentRow, Document]], now,  # type: ignore[no-untyped-def]
                            prepare: bool) -> dict[int, IndexDoc]:
        """An outbox row per changed document (its row and the document read from it), in one executemany (an
        ORM object each cost a RETURNING row and a flush); with ``prepare``, their ids with the index records
        to push (built with the analysis the document already holds, not validated again)."""
        if not changed:
            return {}
        values = [dict(document_id=row.id, op="upsert", attempts=0, next_attempt_at=now, rejected=False,
                       created_at=now, last_error=None) for row, _ in changed]
        if not prepare:
            s.execute(insert(IndexOutboxRow), values)
            return {}
        records = {row.id: to_index_doc(row, self.max_index_chars, doc.analysis) for row, doc in changed}
        ids = insert_rows_returning(s, IndexOutboxRow, values, ["id", "document_id"])
        return {outbox_id: records[doc_id] for outbox_id, doc_id in ids}

    # -- documents accepted now, finished by a job ------------------------------
    def store_pending(self, session: Session, doc: Document) -> None:
        """Store ``doc`` as it is, in the caller's transaction: no analysis, no index, no stages yet.

        Why: a citizen's appeal is answered with its tracking code at once, and the appeal, its text
        and the job that will analyse it commit together (or not at all); ``finish_pending`` does the rest.
        """
        upsert_document(session, doc, self.clock.now())
        session.flush()

    def finish_pending(self, document_ids: Sequence[str], *, fallback: Analysis | None = None) -> list[IngestResult]:
        """Analyse the stored documents that have no analysis yet (or give them ``fallback``), then store,
        index and run every post-ingest stage for all of them.  Safe to repeat: the stages are idempotent."""
        with transaction(self.factory) as s:
            docs = [row_to_document(r) for r in get_documents(s, list(document_ids))]
        if fallback is not None:
            docs = [d if d.analysis is not None else d.model_copy(update={"analysis": fallback}) for d in docs]
        return self._ingest_batch(docs, finishing=True) if docs else []

    # -- hooks ----------------------------------------------------------------
    def run_hooks(self, stored: list[StoredDocument]) -> None:
        """Post-ingest hooks in their own transaction; a failing hook is retried as a job, not lost.

        A unique key violated by a concurrent ingest of the same documents (its alert or ticket
        committed first), a ticket changed meanwhile (its version moved: ``StaleDataError``), or a
        deadlock with it, is not a failure: the hook runs again at once and
        now sees that work.
        """
        if not stored:
            return
        for hook in self.c.hooks:
            for attempt in range(1, CONFLICT_RETRIES + 1):
                try:
                    with transaction(self.factory) as s:
                        hook.on_ingested(s, stored)
                    break
                except (IntegrityError, OperationalError, StaleDataError) as exc:
                    if attempt < CONFLICT_RETRIES and (not isinstance(exc, OperationalError) or is_write_conflict(exc)):
                        log.info("post-ingest hook %s met a concurrent writer (%s); running it again",
                                 type(hook).__name__, str(getattr(exc, "orig", exc))[:200])
                        continue
                    self._queue_hook_retry(hook, stored, exc)
                    break
                except Exception as exc:  # noqa: BLE001 - the documents are stored; retry the hook later
                    self._queue_hook_retry(hook, stored, exc)
                    break

    def _queue_hook_retry(self, hook: PostIngestStage, stored: list[StoredDocument], exc: Exception) -> None:
        log.error("post-ingest hook %s failed; queued for retry", type(hook).__name__, exc_info=exc)
        self.c.jobs.enqueue("pipeline.post_ingest", {"hook": type(hook).__name__,
                                                     "document_ids": [sd.document.id for sd in stored],
                                                     "error": str(exc)[:500]})

    def rerun_hook(self, hook_name: str, document_ids: list[str]) -> None:
        with transaction(self.factory) as s:
            docs = [StoredDocument(row_to_document(r), False, True) for r in get_documents(s, document_ids)]
            for hook in self.c.hooks:
                if type(hook).__name__ == hook_name:
                    hook.on_ingested(s, docs)

    # -- outbox ---------------------------------------------------------------
    def drain_outbox(self, limit: int | None = None) -> int:
        """Push due outbox rows to the index; returns how many documents were indexed."""
        index = self.c.index
        if index is None:
            return 0
        done = 0
        limit = limit or self.outbox_batch
        while True:
            now = self.clock.now()
            with transaction(self.factory) as s:
                rows = s.scalars(
                    select(IndexOutboxRow)
                    .where(IndexOutboxRow.rejected.is_(False), IndexOutboxRow.next_attempt_at <= now)
                    .order_by(IndexOutboxRow.id).limit(limit)
                ).all()
                if not rows:
                    return done
                upsert_ids = list(dict.fromkeys(r.document_id for r in rows if r.op == "upsert"))
                records = {r.id: to_index_doc(r, self.max_index_chars) for r in get_documents(s, upsert_ids)}
                try:
                    done += self._push_rows(s, index, rows, records, now)
                except _IndexDown:
                    return done

    def push_prepared(self, outbox: dict[int, IndexDoc]) -> int:
        """Push the index records ``_store`` built for these outbox rows, as ``drain_outbox`` would have
        after reading them back; how many documents were indexed.

        Why: in a bulk ingest the push is the slower of the two threads (benchmarks/scale.py), and reading
        back and rebuilding every record it was handed was a third of its time; the storing thread builds
        them instead while the push waits on the cluster. Each record is the document as this batch
        committed it, and the push is of exactly this batch's outbox rows: a later change of the same
        document has its own row, pushed after this one. Rows already gone (another drain pushed them
        from the database) are skipped; a failure leaves the rows for the next drain, as there."""
        index = self.c.index
        if index is None or not outbox:
            return 0
        now = self.clock.now()
        with transaction(self.factory) as s:
            rows = s.scalars(select(IndexOutboxRow).where(IndexOutboxRow.id.in_(sorted(outbox)),
                                                          IndexOutboxRow.rejected.is_(False))).all()
            try:
                return self._push_rows(s, index, rows, {r.document_id: outbox[r.id] for r in rows}, now)
            except _IndexDown:
                return 0  # the rows are backed off (committed here) for the next drain

    def _push_rows(self, s: Session, index: SearchIndex, rows: Sequence[IndexOutboxRow],
                   records: dict[str, IndexDoc], now) -> int:  # type: ignore[no-untyped-def]
        """Send ``records`` (and the rows' deletes) to the index; delete the rows it took, mark the ones it
        refused, back off all of them when it is unavailable. How many documents were indexed."""
        if not rows:
            return 0
        docs = list(records.values())
        delete_ids = list(dict.fromkeys(r.document_id for r in rows if r.op == "delete"))
        try:
            result = index.upsert(docs) if docs else None
            if delete_ids:
                index.delete(delete_ids)
        except (IndexUnavailable, ConnectionError, OSError) as exc:
            self._backoff(rows, str(exc), now)
            log.warning("search index unavailable, %d outbox rows kept for retry: %s", len(rows), exc)
            raise _IndexDown from exc
        failed = result.failed if result else {}
        for r in rows:
            if r.document_id in failed:
                r.rejected = True
                r.last_error = failed[r.document_id][:2000]
                r.attempts += 1
                log.error("index rejected document %s: %s", r.document_id, r.last_error)
        ok_ids = [r.id for r in rows if r.document_id not in failed]
        if ok_ids:
            s.execute(delete(IndexOutboxRow).where(IndexOutboxRow.id.in_(ok_ids)))
        return len(docs) - len(failed)

    def _backoff(self, rows: Sequence[IndexOutboxRow], error: str, now) -> None:  # type: ignore[no-untyped-def]
        for r in rows:
            r.attempts += 1
            r.last_error = error[:2000]
            r.next_attempt_at = now + timedelta(seconds=min(self.max_outbox_backoff, 2 ** min(r.attempts, 16)))

    def outbox_pending(self) -> dict[str, int]:
        with transaction(self.factory) as s:
            pending = s.scalar(select(func.count()).select_from(IndexOutboxRow).where(IndexOutboxRow.rejected.is_(False)))
            rejected = s.scalar(select(func.count()).select_from(IndexOutboxRow).where(IndexOutboxRow.rejected.is_(True)))
        return {"pending": pending or 0, "rejected": rejected or 0}

    def reindex(self, watch: Callable[[Iterable[IndexDoc]], Iterable[IndexDoc]] | None = None) -> int:
        """Rebuild the search index from the database (the index is derived data).

        ``watch`` wraps the stream of documents (the CLI's progress bar)."""
        started = self.clock.now()
        index = self.c.index
        if index is None:
            return 0
        with transaction(self.factory) as s:
            docs = iter_index_docs(s, max_chars=self.max_index_chars)
            n = index.rebuild(watch(docs) if watch else docs)
            # Writes queued before the rebuild began are in the new index; later ones still drain.
            s.execute(delete(IndexOutboxRow).where(IndexOutboxRow.rejected.is_(False), IndexOutboxRow.created_at <= started))
        return n

    def count_documents(self) -> int:
        with transaction(self.factory) as s:
            return s.scalar(select(func.count()).select_from(DocumentRow)) or 0
