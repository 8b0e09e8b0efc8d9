"""Per-document working state carried on a spaCy ``Doc`` (``doc._.hp``) between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from healthpulse.core.domain import PlaceMatch
from spacy.tokens import Doc

if not Doc.has_extension("hp"):
    Doc.set_extension("hp", default=None)


@dataclass
class DocState:
    title: str | None
    body: str
    language_hint: str | None = None
    department_hint: str | None = None
    language: str = "und"
    language_score: float | None = None
    place_matches: list[PlaceMatch] = field(default_factory=list)
    department: str | None = None
    features: Any = None  # one row of the design matrix (numpy or scipy.sparse)
    e5: np.ndarray | None = None  # the e5 embedding row, when computed
    health_score: float | None = None
    incident_score: float | None = None
    sentiment: tuple[str, float] | None = None
    negative_score: float | None = None  # the sentiment head's P(negative), whatever label it gave
    topics: list[tuple[str, float]] = field(default_factory=list)
    severity_head: str | None = None
    severity: str | None = None
    components: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    health_threshold: float = 0.5
    incident_threshold: float = 0.5
    screened_out: bool = False  # the cheap screen judged it not about health: the encoder never read it
    plan: Any = None  # the nlp.chunking.ReadingPlan the encoder read
    pieces: np.ndarray | None = None  # the embeddings of the plan's pieces (lead first)
    evidence_text: str | None = None
    evidence_score: float | None = None
    review_reasons: list[str] = field(default_factory=list)
    # The incident head said yes, the sentiment head read the text as not negative: not an incident
    # (nlp.stages.SeverityStage), sent to review so a person sees the incident head's yes.
    incident_vetoed: bool = False

    @property
    def classifiable(self) -> bool:
        return self.language != "und" or (self.language_score or 0) > 0


def state(doc: Doc) -> DocState:
    st = doc._.hp
    if st is None:
        raise RuntimeError("document entered the NLP pipeline without its state (use Analyzer)")
    return st
