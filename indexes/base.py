"""The SearchIndex protocol all backends implement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from healthpulse.core.errors import HealthpulseError
from healthpulse.indexes.query import FacetField, IndexDoc, Interval, SearchQuery, SearchResult, TrendItem


class IndexUnavailable(HealthpulseError, RuntimeError):
    """The search backend cannot be reached; the outbox keeps the write for later."""
    error_code = "unavailable"


@dataclass
class BulkResult:
    """Per-item outcome of a bulk write: a rejected document does not block the rest."""

    indexed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # id → reason (permanent rejection)

    @property
    def ok(self) -> bool:
        return not self.failed


@runtime_checkable
class SearchIndex(Protocol):
    @property
    def name(self) -> str: ...

    def ensure_ready(self) -> None:
        """Create tables / templates / alias if missing. Raises IndexUnavailable."""

    def upsert(self, docs: Sequence[IndexDoc]) -> BulkResult:
        """Idempotent write by id. Raises IndexUnavailable when the backend is down."""

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def refresh(self) -> None:
        """Make every acknowledged write visible to search (no-op where writes are immediate)."""

    def trends(
        self, query: SearchQuery, field: FacetField = "topics", interval: Interval = "day", size: int = 10
    ) -> list[TrendItem]:
        """Rising values of ``field`` among documents matching ``query``: recent window vs the previous one."""

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a fresh index from ``docs`` and switch to it atomically; returns the count."""

    def close(self) -> None: ...
