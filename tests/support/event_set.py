"""The independent event-grouped set (tests/data/incidents/independent) and its vectors, embedded once.

Incident merging and cross-lingual search are both measured on it; the 12-layer encoder takes
about 40 s for its 337 documents on two cores, so every test shares one embedding per session.
The shipped analyzer (default profile, bundled departments) is loaded once per process too
(``shared_analyzer``): about 7 s to load and 30 s for the whole set on two cores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

EVENT_SET = Path(__file__).resolve().parents[1] / "data" / "incidents" / "independent"


def _read(name: str) -> list[dict[str, Any]]:
    with (EVENT_SET / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def in_tuning_half(event_id: str) -> bool:
    """The half of the events the merge weights were chosen on (SHA-256 of the id even); the rest is held out."""
    return int(hashlib.sha256(event_id.encode()).hexdigest(), 16) % 2 == 0


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


CHANNELS = {"news": "news", "social": "social", "hotline": "hotline", "email": "email",
            "text_appeal": "news", "video_appeal": "news"}  # appeals without an appeal row: as news


def event_source_documents(ids: Collection[str] | None = None) -> list[Any]:
    """The set's documents (those in ``ids``, default all) as a crawler hands them to ingest: text only,
    no analysis and no department hint, so department, topics and flags come from the analyzer."""
    from healthpulse.core.domain import Channel, Document

    return [Document(id=d["id"], channel=Channel(CHANNELS[d["channel"]]), title=d.get("title"), text=d["text"],
                     published_at=datetime.fromisoformat(d["published_at"]))
            for d in event_documents() if ids is None or d["id"] in ids]


def analyzer_merge_views(ids: Collection[str] | None = None) -> list[tuple[dict[str, Any], Any, Any]]:
    """``(labelled document, the shipped analyzer's Analysis, MergeDocument)`` per document in ``ids``.

    As ingest does it: the analyzer's department / topics / flags / facilities, the production
    vector for the documents it calls health-related (``Pipeline.embed``), the incident stage's
    own view of them (``incidents.stage.merge_view_of``); a document it calls not health-related
    never joins an incident (the stage skips it), so it is a view that can neither open nor join."""
    from healthpulse.incidents.merge import MergeDocument
    from healthpulse.incidents.stage import merge_view_of

    labelled = {d["id"]: d for d in event_documents()}
    row = {d["id"]: i for i, d in enumerate(event_documents())}
    sources = event_source_documents(ids)
    analyses = shared_analyzer().analyze_many(sources)
    vectors = event_vectors()
    out = []
    for doc, a in zip(sources, analyses, strict=True):
        if a.health_related:
            view = merge_view_of(doc, a, [float(x) for x in vectors[row[doc.id]]])
        else:
            view = MergeDocument(id=doc.id, event_at=datetime.fromisoformat(labelled[doc.id]["published_at"]),
                                 department=None, topics=frozenset(), vector=None, opens=False)
        out.append((labelled[doc.id], a, view))
    return out


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
def shared_analyzer():  # type: ignore[no-untyped-def]
    """The shipped analyzer as ``Container.analyzer`` loads it: default settings, the bundled departments."""
    from healthpulse.core.departments import load_departments
    from healthpulse.core.resources import bundled_departments_path
    from healthpulse.core.settings import Settings
    from healthpulse.nlp.analyzer import Analyzer

    return Analyzer.from_settings(Settings(), load_departments(bundled_departments_path()))


@lru_cache(maxsize=1)
def shared_embedder():  # type: ignore[no-untyped-def]
    from healthpulse.nlp.embedding import DocumentEmbedder

    return DocumentEmbedder()
