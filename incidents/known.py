"""The open incidents ingest scored its last batches against, kept with the revision they were read at.

Why: at a national crawl's density every batch scores against the thousands of incidents open in its
merge window, and nearly all of them are the ones the batch before read (benchmarks/scale.py, a 1M-a-year
stream: reading them again was two fifths of ingest). A batch now reads only the ids and revisions of the
window's open incidents and the whole of those it does not hold at that revision. Whatever changes an
incident's members or span moves its revision in SQL (``store.bump_revisions``), in any process; the
incidents a batch joined are forgotten here after it, committed or not, since merging changed them in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from healthpulse.incidents.merge import IncidentState


class KnownIncidents:
    """At most ``limit`` incidents (the oldest last report goes first); safe to share between threads."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._items: dict[int, tuple[int, IncidentState]] = {}
        self._lock = threading.Lock()
        self.read = 0  # incidents read whole (a test and the benchmark look)

    def held(self, revisions: dict[int, int]) -> dict[int, IncidentState]:
        """Those of ``{id: revision}`` held at that very revision."""
        with self._lock:
            return {key: item[1] for key, rev in revisions.items()
                    if (item := self._items.get(key)) is not None and item[0] == rev}

    def keep(self, states: Iterable[tuple[int, IncidentState]], quiet_before: datetime) -> None:
        """Hold ``(revision, state)`` pairs; let go of incidents quiet since before ``quiet_before`` (a later
        batch of a stream in time order cannot reach them) and, past ``limit``, the quietest."""
        with self._lock:
            for revision, state in states:
                self._items[state.key] = (revision, state)
            stale = [k for k, (_, s) in self._items.items() if s.last_at < quiet_before]
            for key in stale:
                del self._items[key]
            if len(self._items) > self.limit:
                by_last = sorted(self._items, key=lambda k: self._items[k][1].last_at)
                for key in by_last[:len(self._items) - self.limit]:
                    del self._items[key]

    def forget(self, keys: Iterable[int]) -> None:
        with self._lock:
            for key in keys:
                self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
