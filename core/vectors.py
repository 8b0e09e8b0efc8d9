"""Document embeddings as bytes: little-endian float32, so a vector survives any database unchanged.

Incidents (which documents report one event) and semantic search both compare these vectors; the
store keeps them in ``DocumentRow.embedding`` rather than in the analysis JSON, where 384 floats
as text would triple the row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DTYPE = np.dtype("<f4")


def pack_vector(values: Sequence[float]) -> bytes:
    return np.asarray(values, dtype=DTYPE).tobytes()


def unpack_array(blob: bytes) -> np.ndarray:
    """A stored vector as float64 numpy, for arithmetic (no list of Python floats in between)."""
    if len(blob) % DTYPE.itemsize:
        raise ValueError(f"a stored vector has {len(blob)} bytes, not a multiple of {DTYPE.itemsize}")
    return np.frombuffer(blob, dtype=DTYPE).astype(np.float64)


def unpack_vector(blob: bytes) -> list[float]:
    return unpack_array(blob).tolist()
