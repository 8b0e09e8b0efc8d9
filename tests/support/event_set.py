"""The independent event-grouped set (tests/data/incidents/independent) and its vectors, embedded once.

Incident merging and cross-lingual search are both measured on it; the 12-layer encoder takes
about 40 s for its 337 documents on two cores, so every test shares one embedding per session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

EVENT_SET = Path(__file__).resolve().parents[1] / "data" / "incidents" / "independent"


def _read(name: str) -> list[dict[str, Any]]:
    with (EVENT_SET / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@lru_cache(maxsize=1)
def event_documents() -> tuple[dict[str, Any], ...]:
    return tuple(_read("documents.jsonl"))


@lru_cache(maxsize=1)
def event_queries() -> tuple[dict[str, Any], ...]:
    return tuple(_read("queries.jsonl"))


@lru_cache(maxsize=1)
def event_vectors() -> np.ndarray:
    """Unit vectors of ``event_documents()`` in order, by the production embedder (nlp.embedding)."""
    return shared_embedder().embed_documents([(d.get("title"), d["text"]) for d in event_documents()])


def event_index_docs(topics: Callable[[str], list[str]]) -> list[Any]:
    """The set as ingest would index it: production vectors, the analyzer gazetteer's department, ``topics(text)``."""
    from healthpulse.core.departments import load_departments
    from healthpulse.core.resources import bundled_departments_path
    from healthpulse.indexes.query import IndexDoc
    from healthpulse.nlp.gazetteer import PlaceGazetteer

    gazetteer = PlaceGazetteer(load_departments(bundled_departments_path()))  # no query-side exonyms
    docs = []
    for d, vector in zip(event_documents(), event_vectors(), strict=True):
        text = f"{d['title']}\n{d['text']}" if d.get("title") else d["text"]
        docs.append(IndexDoc(
            id=d["id"], channel=d["channel"], title=d.get("title"), text=d["text"], language=d["lang"],
            published_at=datetime.fromisoformat(d["published_at"]), department=gazetteer.analyse(text)[1],
            topics=topics(text), health_related=True, embedding=[float(x) for x in vector],
        ))
    return docs


@lru_cache(maxsize=1)
def shared_embedder():  # type: ignore[no-untyped-def]
    from healthpulse.nlp.embedding import DocumentEmbedder

    return DocumentEmbedder()
