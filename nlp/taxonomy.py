"""The topic taxonomy: ids, labels per language, descriptions and examples, from a YAML file.

The bundled file is nlp/data/taxonomy.yaml; a deployment points ``settings.taxonomy_file`` at its
own copy to add topics or translations without code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from healthpulse.core.config_files import duplicate_id, load_yaml_model
from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    labels: dict[str, str] = Field(min_length=1)
    description: str = ""
    examples: list[str] = Field(default_factory=list)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()))


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topics: list[Topic] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TaxonomyFile:
        seen: dict[str, int] = {}
        for i, t in enumerate(self.topics):
            if t.id in seen:
                raise duplicate_id("topic", t.id, "topics", i, seen[t.id])
            seen[t.id] = i
        return self

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@lru_cache(maxsize=8)
def load_taxonomy(path: str | Path | None = None) -> TaxonomyFile:
    """The taxonomy file (cached per path); errors name the file, line, entry and key."""
    return load_yaml_model(Path(path) if path else DEFAULT_TAXONOMY, TaxonomyFile)
