"""The cheap first stage of the analysis cascade: is this text about health at all?

Why: a crawl is mostly not about healthcare (politics, sport, weather), and the encoder is the
expensive part of the analysis. The screen is a logistic regression on character n-grams and cue
counts (no encoder, ~1 ms a text) with its own sentiment head, which also reads hashed words
(``sentiment_features`` in the bundle: the tone of non-health news lives in its words). Its threshold is chosen on
cross-validation folds to let through at least 99 % of the health texts (``SCREEN_RECALL`` in
nlp.training.train), so it only stops text the full heads would almost surely call not health;
everything it lets through is read in full. Its figures (recall, share of non-health text it
stops) are in ``heads.json`` under ``training.cv.screen``. A text it would stop but whose tone its
sentiment head is unsure of (confidence below ``tone_min``) is read in full too: the tone of non-health
news is where the screen's head is weakest (README "Measured quality: NLP").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from healthpulse.nlp.features import FeatureBuilder
from healthpulse.nlp.heads import HeadBundle, LinearHead


class Screen:
    def __init__(self, builder: FeatureBuilder, relevance: LinearHead, sentiment: LinearHead,
                 tone: FeatureBuilder | None = None, tone_min: float = 0.0):
        self.builder, self.relevance, self.sentiment = builder, relevance, sentiment
        self.tone = tone  # the sentiment head's own features, when they differ from the relevance head's
        self.tone_min = tone_min  # below this sentiment confidence a text is not stopped but read in full
        self.threshold = relevance.threshold(relevance.name)

    @classmethod
    def from_bundle(cls, bundle: HeadBundle) -> Screen | None:
        """The bundle's screen, or None when it was trained without one (every text is read in full)."""
        conf = bundle.meta.get("screen")
        if not conf or "screen" not in bundle.heads or "screen_sentiment" not in bundle.heads:
            return None
        cue_chars, ngram_chars = conf.get("cue_chars"), int(conf.get("ngram_chars", 2000))
        builder = FeatureBuilder(conf["features"], cue_chars=cue_chars, ngram_chars=ngram_chars)
        tone = None
        if conf.get("sentiment_features"):  # bundles before 2026-12-04 read the relevance features
            tone = FeatureBuilder(conf["sentiment_features"], weights=conf.get("sentiment_weights"),
                                  cue_chars=cue_chars, ngram_chars=ngram_chars)
        return cls(builder, bundle.heads["screen"], bundle.heads["screen_sentiment"], tone,
                   float(conf.get("tone_min") or 0.0))

    def apply(self, states: Sequence[Any]) -> None:
        """Mark the states the screen stops; give them the screen's health and sentiment scores."""
        X = self.builder.build([s.title for s in states], [s.body for s in states]).X
        p = self.relevance.scores(X)[:, 0]
        stopped = np.flatnonzero(p < self.threshold)
        if not len(stopped):
            return
        if self.tone is None:
            sent = self.sentiment.scores(X[stopped])
        else:
            held = [states[int(i)] for i in stopped]
            sent = self.sentiment.scores(self.tone.build([s.title for s in held], [s.body for s in held]).X)
        sure = sent.max(axis=1) >= self.tone_min
        stopped, sent = stopped[sure], sent[sure]
        for k, i in enumerate(stopped):
            s = states[int(i)]
            s.screened_out = True
            # P(incident) ≤ P(health): the screen's health score bounds the incident score from above.
            s.health_score = s.incident_score = float(p[i])
            s.health_threshold = s.incident_threshold = self.threshold
            j = int(sent[k].argmax())
            s.sentiment = (self.sentiment.classes[j], float(sent[k, j]))
            s.components.append("screen")
