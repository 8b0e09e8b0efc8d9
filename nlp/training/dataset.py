"""The labelled data (tests/data/nlp/) and a disk cache of its embeddings.

Splits (README "Measured quality" says who wrote what):
- ``train``: ``train.jsonl`` (situations written by the first author, five languages, variants)
  plus every ``authored/*.jsonl`` (written natively per language by five independent authors);
  ``--extra FILE`` adds a deployment's own labels (``healthpulse labels export``);
- ``topic_only``: ``topic_only/*.jsonl`` — a health-desk editor's texts that train the topic head only
  (in every head they measured mixed on the dev sets; in the topic head alone, better);
- ``social_posts``: ``social_posts/*.jsonl`` — a social-media analyst's posts that train the heads
  deciding health relevance, incident and severity (and the screen), not sentiment or topics (chosen
  per head on the dev sets);
- ``dev``: ``independent/dev.jsonl`` — independent author, used for choices;
- ``final``: ``independent/final_*.jsonl`` — two more independent authors, opened only to report;
- ``second_dev``: ``independent/second_dev/*.jsonl`` — two more independent authors, a bigger dev set;
- ``retired_dev``: ``dev`` and ``second_dev`` together: since 2026-12-04, when ``third_dev`` took over the
  choices, they train every head but the sentiment heads (README "Measured quality: NLP");
- ``third_dev``: ``independent/third_dev/*.jsonl`` — two more independent authors (a news correspondent,
  citizens and hotline staff), written 2026-12-04 for the choices made after the other dev sets were used;
- ``posts``: ``independent/posts/*.jsonl`` — social-media posts by two more independent authors,
  opened only to report (README's posts figures);
- ``test``: ``test.jsonl`` — held-out situations of the first author (same hand as ``train.jsonl``).
The cache (``~/.cache/healthpulse/nlp``, or ``HEALTHPULSE_NLP_CACHE``) only saves time between
training runs; it is keyed by the sha256 of the embedded text and of the encoder settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.features import E5Features, FeatureBuilder, embed_text

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


REQUIRED = ("id", "lang", "text", "health_related", "incident", "sentiment")


class LabelledDataError(ValueError):
    """A labelled JSONL file that cannot be used: names the file, the line and the field."""


def load_file(path: Path) -> list[Item]:
    """Items of one labelled JSONL file (the training-data schema; unknown fields kept in ``extra``)."""
    items = []
    with Path(path).open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise LabelledDataError(f"{path}:{no}: not valid JSON ({e.msg})") from None
            missing = [k for k in REQUIRED if k not in d]
            if missing:
                raise LabelledDataError(f"{path}:{no}: missing field(s) {', '.join(missing)}")
            known = {k: d.pop(k) for k in list(d) if k in Item.__dataclass_fields__}
            known.setdefault("severity", None)
            known.setdefault("topics", [])
            known.setdefault("department", None)
            items.append(Item(**known, extra=d))
    return items


def split_files(split: str, data_dir: Path = DATA_DIR) -> list[Path]:
    """The files that make up a named split (see the module docstring)."""
    if split == "train":
        return [data_dir / "train.jsonl", *sorted((data_dir / "authored").glob("*.jsonl"))]
    if split == "dev":
        return [data_dir / "independent" / "dev.jsonl"]
    if split == "retired_dev":
        return [*split_files("dev", data_dir), *split_files("second_dev", data_dir)]
    if split == "final":
        return sorted((data_dir / "independent").glob("final_*.jsonl"))
    if split in ("topic_only", "social_posts"):
        return sorted((data_dir / split).glob("*.jsonl"))
    if split in ("second_dev", "third_dev", "posts"):
        return sorted((data_dir / "independent" / split).glob("*.jsonl"))
    return [data_dir / f"{split}.jsonl"]


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[Item]:
    return [it for f in split_files(split, data_dir) if f.is_file() for it in load_file(f)]


def group_of(it: Item) -> str:
    """Cross-validation group: one situation with all its variants and translations."""
    return f"scenario-{it.scenario}" if it.scenario is not None else f"item-{it.id}"


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


def embed_pieces(items: list[Item], builder: FeatureBuilder) -> list[np.ndarray]:
    """Piece embeddings (lead + chunks, as the analyzer reads them) of every item, via the disk cache."""
    assert builder.e5 is not None
    plans = builder.plans([it.title for it in items], [it.text for it in items])
    flat = [p for plan in plans for p in plan.pieces]
    vecs = cached_embeddings(flat, builder.e5, f"piece-L{builder.e5.layers}")
    out, k = [], 0
    for plan in plans:
        out.append(vecs[k:k + len(plan.pieces)])
        k += len(plan.pieces)
    return out


def embed_items(items: list[Item], embed_chars: int, layers: int = FULL_LAYERS) -> np.ndarray:
    texts = [embed_text(it.title, it.text, embed_chars) for it in items]
    tag = f"e5-{embed_chars}" if layers == FULL_LAYERS else f"e5-L{layers}-{embed_chars}"
    return cached_embeddings(texts, E5Features(layers=layers), tag)
