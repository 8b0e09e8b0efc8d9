"""Incident members' unit vectors and facilities, remembered across batches by document id.

Why: at a national crawl's density every batch scores its documents against the thousands of incidents
open in its merge window, and most of those incidents' members were read, vectors and all, by the
batch before (benchmarks/scale.py at a 1M-a-year stream: reading members was two fifths of ingest).
Membership itself is read fresh every batch (splits, merges and other processes' joins show at once);
only what a document carries is remembered, and a document this process ingests again is forgotten
first, since a re-analysis may change its vector. A document re-analysed by another process keeps its
previous vector here until it falls out (least recently used first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.vectors import unpack_array
from sqlalchemy import select
from sqlalchemy.orm import Session

READ_CHUNK = 1000  # document ids per IN list


def unit(vector: np.ndarray | None) -> np.ndarray | None:
    if vector is None or vector.size == 0:
        return None
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


Member = tuple[np.ndarray | None, frozenset[str]]  # (unit vector or None, facilities)


class MemberVectors:
    """At most ``limit`` documents' (unit vector, facilities); 40,000 float64 vectors of 384 are ~120 MB.
    Shared by the threads of a web process that ingest appeals: the dictionary is touched under a lock,
    the database is read outside it."""

    def __init__(self, limit: int = 40_000) -> None:
        self.limit = limit
        self._items: OrderedDict[str, Member] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # documents read from the database (a test and the benchmark look)

    def forget(self, document_ids: Iterable[str]) -> None:
        with self._lock:
            for doc_id in document_ids:
                self._items.pop(doc_id, None)

    def of(self, session: Session, document_ids: list[str]) -> dict[str, Member]:
        """Each of ``document_ids``' vector and facilities: remembered ones as they are, the others read."""
        with self._lock:
            missing = [d for d in dict.fromkeys(document_ids) if d not in self._items]
        read: dict[str, Member] = {}
        for start in range(0, len(missing), READ_CHUNK):
            for doc_id, blob, facilities in session.execute(
                    select(DocumentRow.id, DocumentRow.embedding, DocumentRow.analysis["facilities"])
                    .where(DocumentRow.id.in_(missing[start:start + READ_CHUNK]))):
                read[doc_id] = (unit(unpack_array(blob)) if blob else None, frozenset(facilities or []))
        out: dict[str, Member] = {}
        with self._lock:
            self.reads += len(missing)
            self._items.update(read)
            for doc_id in document_ids:
                item = read.get(doc_id) or self._items.get(doc_id)
                if item is None:  # a member without a document row cannot be: skip rather than fail a batch
                    continue
                if doc_id in self._items:
                    self._items.move_to_end(doc_id)
                out[doc_id] = item
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return out
