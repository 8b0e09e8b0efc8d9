"""The embedded backend's vector index: one numpy matrix over the vectors stored in the search database.

Why in process and brute force: SQLite has no vector index of its own, and a float32 matrix of
100k × 384 (150 MB) answers one query with one matrix product in milliseconds; see
benchmarks/search.py. The vectors live in the ``<generation>vectors`` table (little-endian
float32, core/vectors.py), so every process sees the same ones; each write bumps
``search_meta.vectors_version`` and a process reloads its matrix when that differs from the one
it loaded (a whole reload: simple, and at 100k vectors a fraction of a second).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

import numpy as np
from healthpulse.core.vectors import DTYPE

VERSION_KEY = "vectors_version"


def vector_blob(values: Sequence[float]) -> bytes:
    return np.asarray(values, dtype=DTYPE).tobytes()


def bump_version(conn: sqlite3.Connection) -> int:
    """Mark the stored vectors as changed (inside the writer's transaction); returns the new version."""
    conn.execute(
        "INSERT INTO search_meta (key, value) VALUES (?, '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        (VERSION_KEY,),
    )
    return int(conn.execute("SELECT value FROM search_meta WHERE key = ?", (VERSION_KEY,)).fetchone()[0])


def stored_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM search_meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


class VectorMatrix:
    """Row ids and unit vectors of one generation, loaded from SQLite and kept current."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int] | None = None
        self.rids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)

    def current(self, conn: sqlite3.Connection, prefix: str) -> tuple[np.ndarray, np.ndarray]:
        """(rids, matrix) as stored in ``conn``'s snapshot; reloads only when another writer changed them."""
        key = (prefix, stored_version(conn))
        with self._lock:
            if key != self._key:
                rows = conn.execute(f"SELECT rid, vec FROM {prefix}vectors ORDER BY rid").fetchall()
                dims = {len(v) for _, v in rows}
                dim = max(dims, key=lambda d: sum(len(v) == d for _, v in rows)) if rows else 0
                kept = [(r, v) for r, v in rows if len(v) == dim]  # a vector of another model's size cannot compare
                self.rids = np.fromiter((r for r, _ in kept), dtype=np.int64, count=len(kept))
                self.matrix = (
                    np.frombuffer(b"".join(v for _, v in kept), dtype=DTYPE).reshape(len(kept), dim // DTYPE.itemsize)
                    if kept else np.zeros((0, 0), dtype=np.float32)
                )
                self._key = key
            return self.rids, self.matrix

    def invalidate(self) -> None:
        with self._lock:
            self._key = None


def nearest(rids: np.ndarray, matrix: np.ndarray, vector: Sequence[float], k: int,
            allowed: set[int] | None = None) -> list[tuple[int, float]]:
    """The ``k`` rows most similar to ``vector`` (dot product of unit vectors = cosine), best first."""
    if not len(rids) or k <= 0:
        return []
    q = np.asarray(vector, dtype=np.float32)
    if q.shape[0] != matrix.shape[1]:
        return []
    scores = matrix @ q
    if allowed is not None:
        mask = np.isin(rids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        scores = np.where(mask, scores, -np.inf)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(rids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]
