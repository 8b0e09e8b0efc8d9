"""What the areas exchange without knowing each other: the stage protocols and their records.

``ingest/`` runs the pipeline, ``alerts/`` (and anyone else) plugs post-ingest
stages into it, and ``appeals/``, ``video_intake/`` and ``crawlers/`` hand it
documents through ``Ingestor`` -- each against these types, never against the
concrete pipeline or the container (``wiring/`` connects them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from healthpulse.core.domain import Analysis, Document
from sqlalchemy.orm import Session


@dataclass
class StoredDocument:
    """A document as it was just stored, with its analysis; handed to post-ingest stages."""

    document: Document
    created: bool
    changed: bool


@dataclass
class IngestResult:
    document_id: str
    created: bool
    changed: bool
    analysis: Analysis | None


class PostIngestStage(Protocol):
    """Runs after documents are stored, in its own transaction (appeal tickets and the alert engine are two)."""

    def on_ingested(self, session: Session, stored: list[StoredDocument]) -> None: ...


class Ingestor(Protocol):
    """Analyse → store → index → post-ingest stages (``healthpulse.ingest.pipeline.Pipeline``)."""

    def ingest(self, doc: Document) -> IngestResult: ...

    def ingest_many(self, docs: Iterable[Document], batch_size: int = 64) -> list[IngestResult]: ...

    def ingest_batches(self, batches: Iterable[Sequence[Document]]) -> Iterator[list[IngestResult]]: ...

    def store_pending(self, session: Session, doc: Document) -> None:
        """Store ``doc`` in the caller's transaction, not yet analysed, indexed or staged (``finish_pending`` does)."""
        ...

    def finish_pending(self, document_ids: Sequence[str], *, fallback: Analysis | None = None) -> list[IngestResult]:
        """Analyse (``fallback`` instead, when given), store, index and stage stored documents; safe to repeat."""
        ...


class TextEmbedder(Protocol):
    """The document embedder as the pipeline sees it (``healthpulse.nlp.embedding.DocumentEmbedder``)."""

    def embed_documents(self, titled_texts: Sequence[tuple[str | None, str]]) -> Any: ...


class DocumentAnalyzer(Protocol):
    """The NLP analyzer as the pipeline sees it (``healthpulse.nlp.analyzer.Analyzer``)."""

    def analyze_many(self, docs: Sequence[Document]) -> list[Analysis]: ...
