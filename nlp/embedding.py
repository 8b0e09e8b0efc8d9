"""One vector per document and per search query, comparable across the five languages.

Incidents (which documents report the same event) and semantic search compare these vectors.
They come from the full 12-layer encoder, not the analyzer's 6-layer read: cut to 6 layers the
encoder no longer lines languages up (an English and a Russian report of the same insulin
shortage scored 0.84 against 0.83 for an unrelated English health item; at 12 layers 0.92
against 0.82, and a Persian copy 0.91). To keep that affordable only the title and lead are
embedded (``lead_chars``), in length-sorted batches with a content-hash cache (syndicated copies
cost one call); the caller decides which documents need a vector (health-related ones).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from healthpulse.nlp.encoder import FULL_LAYERS, encoder_lock, get_encoder
from healthpulse.nlp.features import E5Features, embed_text

LEAD_CHARS = 320


class _QueryE5(E5Features):
    """The same encoder with e5's query side (``query:``), for short search strings."""

    def _encode(self, texts: list[str]) -> np.ndarray:
        enc = get_encoder(self.num_threads, self.layers, self.cache_dir)
        with encoder_lock():
            vecs = enc.query([t if t.strip() else "." for t in texts])
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


class DocumentEmbedder:
    """``embed_documents`` for stored texts, ``embed_queries`` for what a user types."""

    def __init__(self, num_threads: int = 2, cache_dir: str | None = None, lead_chars: int = LEAD_CHARS,
                 layers: int = FULL_LAYERS):
        self.lead_chars = lead_chars
        self._passages = E5Features(num_threads, layers, cache_dir)
        self._queries = _QueryE5(num_threads, layers, cache_dir, cache_size=2_000)

    def embed_documents(self, titled_texts: Sequence[tuple[str | None, str]]) -> np.ndarray:
        """Unit vectors (n × 384) of each (title, text)'s title and lead."""
        texts = [embed_text(title, text, self.lead_chars) for title, text in titled_texts]
        return _unit(self._passages.transform(texts)) if texts else np.zeros((0, self._passages.dim), np.float32)

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        texts = [" ".join(q.split()) for q in queries]
        return _unit(self._queries.transform(texts)) if texts else np.zeros((0, self._queries.dim), np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)
