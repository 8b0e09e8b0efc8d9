"""Exact and near-duplicate detection that groups copies of a story.

- Exact: ``content_hash`` of the folded, whitespace-collapsed text; a page
  whose text is already stored is a duplicate and is not stored again.
- Near: MinHash over word 3-shingles of ``fold()``ed text (so tashkeel,
  ё/е, Persian/Arabic letter variants and Vietnamese tones do not hide a copy),
  indexed with MinHash LSH.  A new article whose estimated Jaccard similarity
  to a known one reaches ``threshold`` joins that article's ``story_id``;
  otherwise it starts a story of its own (``story_id`` = its document id).
Signatures are persisted (``crawl_story_fingerprints``) and loaded into the
index at the start of a run, so grouping works across runs and sources.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from healthpulse.text.normalize import fold

NUM_PERM = 128
SCHEME = "affine32"
SHINGLE = 3
DEFAULT_THRESHOLD = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    """Hash of the folded text: identical articles served under different URLs collide."""
    return hashlib.sha1(" ".join(_WORD.findall(fold(text))).encode("utf-8"), usedforsecurity=False).hexdigest()


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(fold(text))
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash_of(text: str, num_perm: int = NUM_PERM) -> MinHash:
    sig = MinHash(num_perm=num_perm, scheme=SCHEME)
    sig.update_batch(list(shingles(text)))
    return sig


def minhash_to_bytes(sig: MinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype=np.uint32).tobytes()


def minhash_from_bytes(data: bytes, num_perm: int = NUM_PERM) -> MinHash:
    return MinHash(num_perm=num_perm, hashvalues=np.frombuffer(data, dtype=np.uint32), scheme=SCHEME)


@dataclass(frozen=True)
class StoryMatch:
    story_id: str
    matched_document_id: str | None
    similarity: float


class StoryIndex:
    """In-memory LSH of known articles; ``assign`` finds or starts the story of a new one."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, MinHash] = {}
        self._story_of: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, document_id: str) -> bool:
        return document_id in self._signatures

    def load(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Add persisted ``(document_id, story_id, signature bytes)`` rows."""
        for document_id, story_id, data in rows:
            self.add(document_id, story_id, minhash_from_bytes(data, self.num_perm))

    def add(self, document_id: str, story_id: str, signature: MinHash) -> None:
        if document_id in self._signatures:
            return
        self._signatures[document_id] = signature
        self._story_of[document_id] = story_id
        self._lsh.insert(document_id, signature)

    def match(self, signature: MinHash) -> StoryMatch | None:
        best: tuple[float, str] | None = None
        for candidate in self._lsh.query(signature):
            similarity = float(signature.jaccard(self._signatures[candidate]))
            if similarity >= self.threshold and (best is None or (similarity, candidate) > best):
                best = (similarity, candidate)
        if best is None:
            return None
        return StoryMatch(self._story_of[best[1]], best[1], best[0])

    def assign(self, document_id: str, text: str) -> tuple[StoryMatch, MinHash]:
        """The story of a new article (and its signature); the article is added to the index."""
        signature = minhash_of(text, self.num_perm)
        found = self.match(signature)
        story = found or StoryMatch(document_id, None, 1.0)
        self.add(document_id, story.story_id, signature)
        return story, signature
