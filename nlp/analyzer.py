"""The Analyzer: one spaCy pipeline of registered stages → ``core.domain.Analysis`` per Document.

    analyzer = Analyzer.from_settings(settings, departments)
    analysis = analyzer.analyze(doc)
    analyses = analyzer.analyze_many(docs, batch_size=64)

Models (language id, encoder, heads, taxonomy) load once per process and are shared by every
Analyzer. Bad input never raises: no letters → language "und" plus a warning and no classifier
output; an over-long text is cut to ``max_text_chars`` (and the encoder reads only its head),
with a warning saying so. Place offsets in ``place_matches`` refer to ``Document.full_text``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import healthpulse.nlp.registry  # noqa: F401  (registers the stage factories)
import spacy
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.domain import Analysis, Document, Evidence, Sentiment, TopicScore
from healthpulse.nlp.cascade import SecondRead
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.heads import DEFAULT_MODELS_DIR, load_bundle
from healthpulse.nlp.state import DocState
from healthpulse.nlp.taxonomy import load_taxonomy
from healthpulse.text.normalize import normalize_display
from spacy.language import Language

log = logging.getLogger("healthpulse.nlp")
PIPELINE = ("hp_language", "hp_gazetteer", "hp_screen", "hp_features", "hp_classifier", "hp_severity")
# Profiles over one trained bundle (README "Speed and quality"): whether the cheap screen may stop
# text that is not about health before the encoder, and how many chunks after the lead are read.
# ``second_read``: uncertain texts are read again at full encoder depth (nlp.cascade).
PROFILES: dict[str, dict[str, Any]] = {
    "fast": {"screen": True, "max_chunks": 2, "second_read": False},
    "default": {"screen": True, "max_chunks": None, "second_read": True},  # None: the trained budget
    "full": {"screen": False, "max_chunks": 12, "second_read": True},
}


class Analyzer:
    def __init__(self, departments: DepartmentsFile, languages: Sequence[str] = ("ru", "ar", "fa", "vi", "en"),
                 taxonomy_file: str | Path | None = None, models_dir: str | Path = DEFAULT_MODELS_DIR,
                 max_text_chars: int = 200_000, pipeline: Sequence[str] = PIPELINE, num_threads: int = 2,
                 model_cache_dir: str | Path | None = None, profile: str = "default"):
        if profile not in PROFILES:
            raise ValueError(f"unknown NLP profile '{profile}' (one of {', '.join(PROFILES)})")
        self.max_text_chars = max_text_chars
        self.profile = profile
        self.bundle = load_bundle(str(models_dir))
        self.taxonomy = load_taxonomy(str(taxonomy_file) if taxonomy_file else None)
        feats = self.bundle.meta["features"]
        self.embed_chars = int(feats["embed_chars"])
        reading = dict(feats.get("reading") or {})
        if PROFILES[profile]["max_chunks"] is not None:
            reading["max_chunks"] = PROFILES[profile]["max_chunks"]
        if not PROFILES[profile]["screen"]:
            pipeline = [p for p in pipeline if p != "hp_screen"]
        configs = {
            "hp_language": {"languages": list(languages)},
            "hp_features": {"feature_set": feats["set"], "embed_chars": self.embed_chars,
                            "weights": {k: float(v) for k, v in feats["weights"].items()}, "num_threads": num_threads,
                            "cue_chars": int(feats.get("cue_chars") or 0),
                            "encoder_layers": int(feats.get("encoder_layers") or FULL_LAYERS),
                            "cache_dir": str(model_cache_dir or ""), "reading": reading,
                            "ngram_chars": int(feats.get("ngram_chars") or 2000)},
        }
        self.nlp: Language = spacy.blank("xx")
        for name in pipeline:
            self.nlp.add_pipe(name, config=configs.get(name, {}))
        stages: dict[str, Any] = dict(self.nlp.pipeline)
        if "hp_gazetteer" in stages:
            stages["hp_gazetteer"].configure(departments)
        if "hp_screen" in stages:
            stages["hp_screen"].configure(self.bundle)
        if "hp_classifier" in stages:
            features = stages.get("hp_features")
            second = None
            if features is not None and PROFILES[profile]["second_read"]:
                second = SecondRead.from_bundle(self.bundle, features.builder.budget, num_threads,
                                                str(model_cache_dir or "") or None)
            stages["hp_classifier"].configure(self.bundle, self.taxonomy, features.e5 if features else None,
                                              features.builder if features else None, second)
        if "hp_severity" in stages:
            stages["hp_severity"].configure(self.bundle)

    @classmethod
    def from_settings(cls, settings, departments: DepartmentsFile) -> Analyzer:
        return cls(departments, languages=list(settings.languages), taxonomy_file=settings.taxonomy_file,
                   max_text_chars=settings.max_text_chars, model_cache_dir=settings.model_cache_dir,
                   profile=settings.nlp_profile, num_threads=settings.nlp_threads)

    def set_departments(self, departments: DepartmentsFile) -> None:
        """Swap the departments (e.g. with confirmed place aliases); the models stay loaded."""
        stages: dict[str, Any] = dict(self.nlp.pipeline)
        gazetteer = stages.get("hp_gazetteer")
        if gazetteer is not None:
            gazetteer.configure(departments)

    def clear_cache(self) -> None:
        """Forget cached embeddings (benchmarks measure cold reads)."""
        stages: dict[str, Any] = dict(self.nlp.pipeline)
        features = stages.get("hp_features")
        if features is not None and features.e5 is not None:
            features.e5.clear_cache()

    @property
    def pipe_names(self) -> list[str]:
        return list(self.nlp.pipe_names)

    def analyze(self, doc: Document) -> Analysis:
        return self.analyze_many([doc])[0]

    def analyze_many(self, docs: Sequence[Document], batch_size: int = 64) -> list[Analysis]:
        prepared = [self._prepare(d) for d in docs]
        out = [self._to_analysis(sd._.hp) for sd in self.nlp.pipe(prepared, batch_size=batch_size)]
        return out

    def _prepare(self, d: Document):
        title = normalize_display(d.title) if d.title else None
        body = normalize_display(d.text or "")
        warnings = []
        if len(body) > self.max_text_chars:
            warnings.append(f"text cut from {len(body)} to {self.max_text_chars} characters for analysis")
            body = body[: self.max_text_chars]
        st = DocState(title=title or None, body=body, language_hint=d.language_hint,
                      department_hint=d.department_hint, warnings=warnings)
        # The spaCy Doc carries only a short head as tokens: stages read the text from the state
        # (tokenising a 200 000-character body would cost time for nothing).
        sdoc = self.nlp.make_doc(((title + "\n") if title else "") + body[:1000])
        sdoc._.hp = st
        return sdoc

    @staticmethod
    def _to_analysis(st: DocState) -> Analysis:
        hs, ins = st.health_score, st.incident_score
        classified = hs is not None
        health = hs is not None and hs >= st.health_threshold
        incident = health and ins is not None and ins >= st.incident_threshold and not st.incident_vetoed
        label: Any = st.sentiment[0] if st.sentiment else None  # a head class; Analysis validates it
        severity: Any = st.severity if incident else None
        places = list(dict.fromkeys(m.name for m in st.place_matches))
        facilities = list(dict.fromkeys(m.name for m in st.place_matches if m.kind == "facility"))
        return Analysis(
            language=st.language,
            language_score=st.language_score,
            sentiment=Sentiment(label=label, score=round(st.sentiment[1], 4)) if st.sentiment else None,
            topics=[TopicScore(id=t, score=round(s, 4)) for t, s in st.topics] if health else [],
            places=places,
            place_matches=st.place_matches,
            facilities=facilities,
            department=st.department,
            health_related=health if classified else None,
            health_score=round(hs, 4) if hs is not None else None,
            incident=incident if classified else None,
            incident_score=round(ins, 4) if classified and ins is not None else None,
            severity=severity,
            components=st.components,
            warnings=st.warnings,
            evidence=Evidence(incident_text=st.evidence_text if incident else None,
                              incident_score=st.evidence_score if incident else None,
                              places=list(dict.fromkeys(m.text for m in st.place_matches))),
            needs_review=bool(st.review_reasons),
            review_reasons=st.review_reasons,
        )
