"""The labelled data (tests/data/nlp/*.jsonl) and a disk cache of its embeddings.

The cache (``~/.cache/healthpulse/nlp``, or ``HEALTHPULSE_NLP_CACHE``) only saves time between
training runs; it is keyed by the sha1 of the embedded text and of the encoder settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.features import E5Features, embed_text

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data" / "nlp"


@dataclass
class Item:
    id: str
    lang: str
    text: str
    health_related: bool
    incident: bool
    severity: str | None
    sentiment: str
    topics: list[str]
    department: str | None
    title: str | None = None
    scenario: int | None = None
    channel: str | None = None
    extra: dict = field(default_factory=dict)


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[Item]:
    path = data_dir / f"{split}.jsonl"
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                known = {k: d.pop(k) for k in list(d) if k in Item.__dataclass_fields__}
                items.append(Item(**known, extra=d))
    return items


def _cache_dir() -> Path:
    return Path(os.environ.get("HEALTHPULSE_NLP_CACHE", Path.home() / ".cache" / "healthpulse" / "nlp"))


def cached_embeddings(texts: list[str], features: E5Features, tag: str) -> np.ndarray:
    """E5 embeddings of ``texts`` (already cut by ``embed_text``), cached on disk per text."""
    d = _cache_dir() / tag
    d.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    out = np.zeros((len(texts), features.dim), dtype=np.float32)
    missing = [i for i, k in enumerate(keys) if not (d / f"{k}.npy").exists()]
    for start in range(0, len(missing), 64):
        idx = missing[start:start + 64]
        vecs = features.transform([texts[i] for i in idx])
        for i, v in zip(idx, vecs, strict=True):
            np.save(d / f"{keys[i]}.npy", v)
    for i, k in enumerate(keys):
        out[i] = np.load(d / f"{k}.npy")
    return out


def embed_items(items: list[Item], embed_chars: int, layers: int = FULL_LAYERS) -> np.ndarray:
    texts = [embed_text(it.title, it.text, embed_chars) for it in items]
    tag = f"e5-{embed_chars}" if layers == FULL_LAYERS else f"e5-L{layers}-{embed_chars}"
    return cached_embeddings(texts, E5Features(layers=layers), tag)
