"""The second read: texts whose 6-layer incident or sentiment decision is uncertain are read again at full depth.

Why: heads on the encoder's first 6 layers keep the analyzer fast enough to read whole articles,
but on the independent dev sets 12-layer heads were better for incident and sentiment. Most texts
are clear at 6 layers; only those whose calibrated incident score lies within ``incident_band`` of
the threshold, or whose sentiment confidence is below ``sentiment_below``, go through the full
encoder (about 15 % of the health texts on the dev sets); for them the calibrated scores (and
thresholds) of health, incident and sentiment are the average of the 6-layer heads and the ``deep_*``
heads trained on 12-layer features (README "Measured quality: NLP"): as accurate as the deep heads
alone on cross-validation, with fewer wrong labels given at high confidence.
The encoder engine cannot resume from the 6-layer hidden states, so a second read costs a full
12-layer pass of that text's pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from healthpulse.nlp.features import FeatureBuilder, ReadingBudget
from healthpulse.nlp.heads import HeadBundle

DEEP_HEADS = ("health", "incident", "sentiment")


class SecondRead:
    def __init__(self, builder: FeatureBuilder, bundle: HeadBundle, incident_band: float, sentiment_below: float):
        self.builder = builder
        self.heads = {name: bundle.heads[f"deep_{name}"] for name in DEEP_HEADS}
        self.incident_band = incident_band
        self.sentiment_below = sentiment_below
        self.reads = 0

    @classmethod
    def from_bundle(cls, bundle: HeadBundle, budget: ReadingBudget, num_threads: int = 2,
                    cache_dir: str | None = None) -> SecondRead | None:
        """The bundle's second read, or None when it was trained without one."""
        conf = bundle.meta.get("cascade")
        if not conf or any(f"deep_{name}" not in bundle.heads for name in DEEP_HEADS):
            return None
        feats = bundle.meta["features"]
        builder = FeatureBuilder(feats["set"], int(feats["embed_chars"]),
                                 {k: float(v) for k, v in feats["weights"].items()}, num_threads,
                                 int(feats.get("cue_chars") or 0) or None, int(conf["encoder_layers"]),
                                 cache_dir or None, budget, int(feats.get("ngram_chars") or 2000))
        return cls(builder, bundle, float(conf["incident_band"]), float(conf["sentiment_below"]))

    def unsure(self, incident: np.ndarray, incident_threshold: float, sentiment: np.ndarray) -> np.ndarray:
        """Which texts (rows of the 6-layer scores) get the second read."""
        return (np.abs(incident - incident_threshold) < self.incident_band) | (sentiment.max(axis=1) < self.sentiment_below)

    def read(self, states: Sequence[Any]) -> dict[str, Any]:
        """12-layer scores of the given states: {"health", "incident", "sentiment", thresholds}."""
        X = self.builder.build([s.title for s in states], [s.body for s in states]).X
        if sp.issparse(X):
            X = sp.csr_matrix(X)
        self.reads += len(states)
        return {"health": self.heads["health"].scores(X)[:, 0],
                "incident": self.heads["incident"].scores(X)[:, 0],
                "sentiment": self.heads["sentiment"].scores(X),
                "health_threshold": self.heads["health"].threshold("health"),
                "incident_threshold": self.heads["incident"].threshold("incident")}
