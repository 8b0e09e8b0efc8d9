"""Cue-lexicon count features (nlp/data/cues.yaml) for the trained heads.

Not a classifier: each group (health words, one group per topic, positive/negative tone,
policy announcement, question) becomes one feature, log(1 + matches), appended to the encoder
and n-gram features; the heads learn the weights. Matching runs on folded tokens, so tones,
diacritics, Arabic/Persian letter variants and Russian ё are absorbed; ``word*`` is a prefix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from healthpulse.core.config_files import load_yaml_model
from healthpulse.text.normalize import tokens
from pydantic import BaseModel, ConfigDict

DEFAULT_CUES = Path(__file__).resolve().parent / "data" / "cues.yaml"


class CuesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    groups: dict[str, dict[str, list[str]]]


class CueLexicon:
    def __init__(self, groups: dict[str, dict[str, list[str]]]):
        self.names = list(groups)
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._prefix: dict[str, set[int]] = defaultdict(set)
        self._multi: dict[str, list[tuple[tuple[str, ...], bool, int]]] = defaultdict(list)
        for gi, name in enumerate(self.names):
            for words in groups[name].values():
                for w in words:
                    prefix = w.endswith("*")
                    toks = tuple(tokens(w.rstrip("*")))
                    if not toks:
                        continue
                    if len(toks) == 1:
                        (self._prefix if prefix else self._exact)[toks[0]].add(gi)
                    else:
                        self._multi[toks[0]].append((toks[1:], prefix, gi))

    @property
    def dim(self) -> int:
        return len(self.names)

    def counts(self, text: str) -> np.ndarray:
        toks = tokens(text)
        out = np.zeros(len(self.names), dtype=np.float32)
        for i, t in enumerate(toks):
            hit: set[int] = set(self._exact.get(t, ()))
            for k in range(2, len(t) + 1):
                hit |= self._prefix.get(t[:k], set())
            for rest, prefix, gi in self._multi.get(t, ()):
                nxt = toks[i + 1:i + 1 + len(rest)]
                if len(nxt) == len(rest) and all(a == b for a, b in zip(nxt[:-1], rest[:-1], strict=True)) and \
                        (nxt[-1].startswith(rest[-1]) if prefix else nxt[-1] == rest[-1]):
                    hit.add(gi)
            for gi in hit:
                out[gi] += 1
        return out

    def transform(self, texts: Sequence[str], max_chars: int = 2000) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.log1p(np.vstack([self.counts(t[:max_chars]) for t in texts]))


@lru_cache(maxsize=2)
def load_cues(path: str | Path | None = None) -> CueLexicon:
    return CueLexicon(load_yaml_model(Path(path) if path else DEFAULT_CUES, CuesFile).groups)
