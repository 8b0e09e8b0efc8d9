"""A search query read the way documents are read at ingest: its place → department, its topic cues, its vector.

The fields a query is matched on must come from the same NLP parts that filled the documents'
(nlp.gazetteer for places in any language or script, nlp.cues for topic words, nlp.embedding's
query side for the vector), so this lives here, above both nlp and indexes; indexes.hybrid runs
and fuses the lists.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from healthpulse.core.config_files import load_yaml_model
from healthpulse.core.departments import DepartmentsFile
from healthpulse.indexes.base import SearchIndex
from healthpulse.indexes.hybrid import DEFAULT_WEIGHTS, FusionWeights, QueryPlan, SearchMode, search_mode
from healthpulse.indexes.query import SearchQuery, SearchResult
from healthpulse.nlp.cues import CueLexicon, load_cues
from healthpulse.nlp.gazetteer import PlaceGazetteer
from healthpulse.nlp.taxonomy import load_taxonomy
from healthpulse.text.normalize import tokens
from pydantic import BaseModel, ConfigDict

PLACE_NAMES = Path(__file__).resolve().parent / "data" / "search_place_names.yaml"


class _Country(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str]
    departments: list[str]


class SearchPlaceNames(BaseModel):
    """ingest/data/search_place_names.yaml: every department's places in five languages, and countries."""

    model_config = ConfigDict(extra="forbid")

    places: dict[str, list[str]] = {}
    countries: dict[str, _Country] = {}


class QueryEmbedder(Protocol):
    def embed_queries(self, queries: list[str]) -> Any: ...

    def embed_documents(self, titled_texts: list[tuple[str | None, str]]) -> Any: ...


def query_vectors(embedder: QueryEmbedder, texts: list[str]) -> np.ndarray:
    """Unit vectors of search queries: e5's query side plus the same words read as a passage.

    Why both: on the independent event set the query side alone found 0.46 of the relevant
    documents in other languages, the passage side 0.39, their sum 0.49, and in the hybrid fusion
    the sum lifted cross-lingual recall@10 from 0.77 to 0.81 (README, "Cross-lingual search").
    """
    both = np.asarray(embedder.embed_queries(texts), dtype=np.float32) + np.asarray(
        embedder.embed_documents([(None, t) for t in texts]), dtype=np.float32)
    norms = np.linalg.norm(both, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return both / norms


class QueryReader:
    """Turns what a user typed into a ``QueryPlan``; one per process (the gazetteer and cues load once)."""

    def __init__(self, departments: DepartmentsFile, embedder: QueryEmbedder | None,
                 taxonomy_file: str | None = None) -> None:
        self.departments = departments
        self.embedder = embedder
        self.taxonomy_file = taxonomy_file

    @cached_property
    def _names(self) -> SearchPlaceNames:
        return load_yaml_model(PLACE_NAMES, SearchPlaceNames)

    @cached_property
    def gazetteer(self) -> PlaceGazetteer:
        """The departments' own place names plus their names in the other languages."""
        return PlaceGazetteer(self.departments.with_places(self._names.places))

    def departments_named(self, text: str) -> list[str]:
        """Departments whose place the text names; failing that, those of a country it names."""
        matches, _ = self.gazetteer.analyse(text)
        found = list(dict.fromkeys(m.department for m in matches if m.department))
        if found:
            return found
        words = f" {' '.join(tokens(text))} "
        known = set(self.departments.ids)
        for country in self._names.countries.values():
            if any(f" {' '.join(tokens(name))} " in words for name in country.names):
                found.extend(d for d in country.departments if d in known and d not in found)
        return found

    @cached_property
    def _cues(self) -> tuple[CueLexicon, list[tuple[int, str]]]:
        lexicon = load_cues()
        topic_ids = set(load_taxonomy(self.taxonomy_file).ids)
        return lexicon, [(i, name) for i, name in enumerate(lexicon.names) if name in topic_ids]

    def topics(self, text: str) -> list[str]:
        """Topics whose cue words the text contains (a cue group per topic, nlp/data/cues.yaml)."""
        lexicon, topic_groups = self._cues
        counts = lexicon.counts(text)
        return [name for i, name in topic_groups if counts[i] > 0]

    def plan(self, text: str, *, with_vector: bool = True) -> QueryPlan:
        departments = self.departments_named(text)
        vector = None
        if with_vector and self.embedder is not None and text.strip():
            vector = [float(x) for x in query_vectors(self.embedder, [text])[0]]
        return QueryPlan(text=text, vector=vector, departments=departments, topics=self.topics(text))

    def search(self, index: SearchIndex, query: SearchQuery, mode: SearchMode,
               weights: FusionWeights = DEFAULT_WEIGHTS) -> SearchResult:
        """``query`` (its ``text`` is what the user typed) answered in ``mode``."""
        plan = self.plan(query.text or "", with_vector=mode != "text")
        return search_mode(index, query, plan, mode, weights)
