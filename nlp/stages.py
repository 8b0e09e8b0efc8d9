"""The NLP pipeline stages (spaCy components). Each fills its part of ``doc._.hp``.

Stages are registered by name in ``nlp.registry`` and composed by ``nlp.analyzer`` from config.
Batched stages implement ``pipe`` so ``Language.pipe`` hands them whole batches (the encoder
and the heads are much faster on a matrix than row by row).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import scipy.sparse as sp
from healthpulse.core.batching import batched
from healthpulse.core.departments import DepartmentsFile
from healthpulse.nlp.cascade import SecondRead
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.evidence import Reviewer, incident_evidence
from healthpulse.nlp.features import E5Features, FeatureBuilder, ReadingBudget
from healthpulse.nlp.gazetteer import PlaceGazetteer
from healthpulse.nlp.heads import HeadBundle
from healthpulse.nlp.language_id import LanguageIdentifier
from healthpulse.nlp.screen import Screen
from healthpulse.nlp.severity import decide
from healthpulse.nlp.state import state
from healthpulse.nlp.taxonomy import TaxonomyFile
from spacy.tokens import Doc


class LanguageStage:
    """Language id (lingua restricted to the deployment languages)."""

    def __init__(self, languages: list[str], min_confidence: float = 0.5):
        self.identifier = LanguageIdentifier(languages, min_confidence)

    def __call__(self, doc: Doc) -> Doc:
        st = state(doc)
        text = f"{st.title}\n{st.body}" if st.title else st.body
        lang, score, warnings = self.identifier.identify(text, st.language_hint)
        st.language, st.language_score = lang, score
        st.warnings.extend(warnings)
        st.components.append("language")
        return doc


class GazetteerStage:
    """Places and facilities → department (see nlp.gazetteer for the rule)."""

    def __init__(self) -> None:
        self.gazetteer: PlaceGazetteer | None = None

    def configure(self, departments: DepartmentsFile) -> None:
        self.gazetteer = PlaceGazetteer(departments)

    def __call__(self, doc: Doc) -> Doc:
        st = state(doc)
        if self.gazetteer is None:
            st.warnings.append("no departments configured: places not matched")
            return doc
        text = f"{st.title}\n{st.body}" if st.title else st.body
        st.place_matches, st.department = self.gazetteer.analyse(text, st.department_hint)
        st.components.append("gazetteer")
        return doc


class ScreenStage:
    """The cheap first stage of the cascade (nlp.screen): text that is surely not about health skips the encoder."""

    def __init__(self) -> None:
        self.screen: Screen | None = None

    def configure(self, bundle: HeadBundle) -> None:
        self.screen = Screen.from_bundle(bundle)

    def __call__(self, doc: Doc) -> Doc:
        list(self.pipe([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in batched(docs, batch_size):
            sts = [s for s in (state(d) for d in batch) if s.classifiable]
            if self.screen is not None and sts:
                self.screen.apply(sts)
            yield from batch


class FeatureStage:
    """Feature rows for the heads (nlp.features.FeatureBuilder: lead / chunk pooling / n-grams / cue counts)."""

    def __init__(self, feature_set: str, embed_chars: int, weights: dict[str, float], num_threads: int = 2,
                 cue_chars: int | None = None, encoder_layers: int = FULL_LAYERS, cache_dir: str | None = None,
                 budget: ReadingBudget | None = None, ngram_chars: int = 2000):
        self.builder = FeatureBuilder(feature_set, embed_chars, weights, num_threads, cue_chars, encoder_layers,
                                      cache_dir, budget, ngram_chars)

    @property
    def e5(self):
        return self.builder.e5

    def __call__(self, doc: Doc) -> Doc:
        list(self.pipe([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in batched(docs, batch_size):
            sts = [s for s in (state(d) for d in batch) if s.classifiable and not s.screened_out]
            if sts:
                built = self.builder.build([s.title for s in sts], [s.body for s in sts])
                for i, s in enumerate(sts):
                    s.features = built.X[i:i + 1]
                    s.e5 = built.e5[i] if built.e5 is not None else None
                    if built.pieces is not None:
                        s.plan, s.pieces = built.plans[i], built.pieces[i]
                    s.components.append("features")
            yield from batch


class ClassifierStage:
    """Health relevance, incident, sentiment, topics and the severity head, from the trained heads."""

    def __init__(self) -> None:
        self.bundle: HeadBundle | None = None
        self.taxonomy: TaxonomyFile | None = None
        self._centroids: dict[str, np.ndarray] = {}
        self._untrained: list[str] = []
        self.builder: FeatureBuilder | None = None
        self.second: SecondRead | None = None

    def configure(self, bundle: HeadBundle, taxonomy: TaxonomyFile, e5: E5Features | None,
                  builder: FeatureBuilder | None = None, second: SecondRead | None = None) -> None:
        self.bundle, self.taxonomy, self.builder, self.second = bundle, taxonomy, builder, second
        trained = set(bundle.heads["topics"].classes)
        self._untrained = [t.id for t in taxonomy.topics if t.id not in trained and t.examples]
        if self._untrained and e5 is not None:
            # Topics a deployment added without training are scored against the examples of every topic:
            # raw cosine levels depend on the encoder (and are bunched), the nearest centroid does not.
            for t in taxonomy.topics:
                if t.examples:
                    v = e5.transform(t.examples).mean(axis=0)
                    self._centroids[t.id] = v / (np.linalg.norm(v) or 1.0)

    def _untrained_topics(self, e5: np.ndarray) -> list[tuple[str, float]]:
        """Untrained topics whose examples are nearer to the text than any other topic's examples."""
        sims = {tid: float(e5 @ c) for tid, c in self._centroids.items()}
        out = []
        for tid in self._untrained:
            if tid in sims:
                margin = sims[tid] - max((v for k, v in sims.items() if k != tid), default=-1.0)
                if margin > 0:
                    out.append((tid, round(0.5 + min(0.5, 10 * margin), 4)))
        return out

    def __call__(self, doc: Doc) -> Doc:
        list(self.pipe([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        assert self.bundle is not None and self.taxonomy is not None
        heads = self.bundle.heads
        allowed = set(self.taxonomy.ids)
        for batch in batched(docs, batch_size):
            sts = [s for s in (state(d) for d in batch) if s.features is not None]
            if sts:
                rows = [s.features for s in sts]
                X = sp.vstack(rows, format="csr") if sp.issparse(rows[0]) else np.vstack(rows)
                health = heads["health"].scores(X)[:, 0]
                incident = heads["incident"].scores(X)[:, 0]
                sent = heads["sentiment"].scores(X)
                topics = heads["topics"].scores(X)
                sev = heads["severity"].scores(X)
                th_h = np.full(len(sts), heads["health"].threshold("health"))
                th_i = np.full(len(sts), heads["incident"].threshold("incident"))
                deep = np.zeros(len(sts), dtype=bool)
                if self.second is not None:
                    deep = self.second.unsure(incident, float(th_i[0]), sent)
                    idx = np.flatnonzero(deep)
                    if len(idx):
                        r = self.second.read([sts[int(i)] for i in idx])
                        # The two reads are averaged (scores and thresholds): as good as the deep read alone
                        # and fewer confident mistakes (README "Measured quality: NLP").
                        health[idx] = (health[idx] + r["health"]) / 2
                        incident[idx] = (incident[idx] + r["incident"]) / 2
                        sent[idx] = (sent[idx] + r["sentiment"]) / 2
                        th_h[idx] = (th_h[idx] + r["health_threshold"]) / 2
                        th_i[idx] = (th_i[idx] + r["incident_threshold"]) / 2
                for i, s in enumerate(sts):
                    s.health_score, s.incident_score = float(health[i]), float(incident[i])
                    s.health_threshold, s.incident_threshold = float(th_h[i]), float(th_i[i])
                    if deep[i]:
                        s.components.append("second_read")
                    j = int(sent[i].argmax())
                    s.sentiment = (heads["sentiment"].classes[j], float(sent[i, j]))
                    s.negative_score = float(sent[i, heads["sentiment"].classes.index("negative")])
                    s.topics = [(c, float(topics[i, k])) for k, c in enumerate(heads["topics"].classes)
                                if c in allowed and topics[i, k] >= heads["topics"].threshold(c)]
                    if self._centroids and s.e5 is not None:
                        s.topics.extend(self._untrained_topics(s.e5))
                    if not s.topics and s.health_score >= s.health_threshold:
                        # A health text is about something: keep the best topic when it reaches the
                        # head's fallback share of its threshold (multi-label "never empty" rule; the
                        # share is chosen with the thresholds by cross-validation, see nlp/training).
                        k = int(np.argmax(topics[i]))
                        c = heads["topics"].classes[k]
                        if c in allowed and topics[i, k] >= heads["topics"].fallback * heads["topics"].threshold(c):
                            s.topics.append((c, float(topics[i, k])))
                    s.topics.sort(key=lambda t: -t[1])
                    s.severity_head = heads["severity"].classes[int(sev[i].argmax())]
                    if s.health_score >= s.health_threshold and s.incident_score >= s.incident_threshold \
                            and self.builder is not None:
                        s.evidence_text, s.evidence_score = incident_evidence(s, self.builder, heads["incident"])
                    s.components.append("classifier")
            yield from batch


class SeverityStage:
    """Severity for incidents: the head's label, raised to critical by documented cues (nlp.severity).

    Also keeps the outputs consistent with the definition of an incident (ARCHITECTURE.md: "a
    concrete negative event or failure"): an incident's sentiment is negative. When the incident head
    says yes and the sentiment head reads the text as neutral or positive, the sentiment head decides:
    not an incident, and the analysis goes to review with both heads' words. On the two independent
    dev sets the sentiment head was right in 23 of 29 such disagreements (positive features about a
    rescue or a premature baby, drills, complaint statistics, problems already fixed); forcing the
    sentiment to negative, as before, got them wrong (README "Measured quality: NLP"). Also marks
    low-confidence analyses for review (nlp.evidence.Reviewer).
    """

    def __init__(self) -> None:
        self.reviewer = Reviewer()

    def configure(self, bundle: HeadBundle) -> None:
        self.reviewer = Reviewer.from_bundle(bundle)

    def __call__(self, doc: Doc) -> Doc:
        st = state(doc)
        disagreement = None
        if st.incident_score is not None and st.incident_score >= st.incident_threshold \
                and (st.health_score or 0) >= st.health_threshold:
            if st.sentiment is not None and st.sentiment[0] != "negative":
                disagreement = (f"incident head says yes ({st.incident_score:.2f}) but the text reads "
                                f"{st.sentiment[0]} ({st.sentiment[1]:.2f}): not taken as an incident")
                st.incident_vetoed = True
                if st.negative_score is not None:  # an incident is negative: P(incident) <= P(negative)
                    st.incident_score = min(st.incident_score, st.negative_score)
            else:
                text = f"{st.title}\n{st.body}" if st.title else st.body
                st.severity, _reason = decide(st.severity_head, text, st.language)
                st.components.append("severity")
        st.review_reasons = self.reviewer.reasons(st)
        if disagreement:
            st.review_reasons.append(disagreement)
        return doc
