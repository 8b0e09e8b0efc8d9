"""Why an analysis says what it says, and when a person should check it.

- Incident evidence: every piece the encoder read (lead, chunks; nlp.chunking) is scored by the
  incident head as if it were a text of its own; the highest-scoring piece, quoted from the body as
  written, is the evidence the inbox highlights. Its own score is kept beside it.
- Review: an analysis whose calibrated confidence in its health or incident label, or in its
  sentiment, is below ``review.min_confidence`` of the heads' metadata is marked "needs review".
"""

from __future__ import annotations

from typing import Any

import numpy as np
from healthpulse.nlp.features import FeatureBuilder
from healthpulse.nlp.heads import HeadBundle, LinearHead

DEFAULT_MIN_CONFIDENCE = 0.7


def incident_evidence(st: Any, builder: FeatureBuilder, head: LinearHead) -> tuple[str | None, float | None]:
    """(the piece of text with the highest incident score, that score) for one document state."""
    if st.plan is None or st.pieces is None:
        text = f"{st.title}\n{st.body}" if st.title else st.body
        return (" ".join(text[:300].split()) or None), st.incident_score
    X = builder.build_pieces_alone(st.plan, st.pieces)
    scores = head.scores(X)[:, 0]
    k = int(np.argmax(scores))
    a, b = st.plan.spans[k] if k < len(st.plan.spans) else (0, 0)
    # Quoted from the body as written (the inbox highlights it verbatim); the folded piece otherwise.
    return (st.body[a:b] if b > a else st.plan.pieces[k]), round(float(scores[k]), 4)


class Reviewer:
    def __init__(self, min_confidence: float = DEFAULT_MIN_CONFIDENCE):
        self.min_confidence = min_confidence

    @classmethod
    def from_bundle(cls, bundle: HeadBundle) -> Reviewer:
        return cls(float((bundle.meta.get("review") or {}).get("min_confidence", DEFAULT_MIN_CONFIDENCE)))

    def reasons(self, st: Any) -> list[str]:
        if st.health_score is None or st.screened_out:
            return []
        out = []
        for name, p, t in (("health", st.health_score, st.health_threshold),
                           ("incident", st.incident_score, st.incident_threshold)):
            if p is None or (name == "incident" and st.health_score < st.health_threshold):
                continue
            conf = p if p >= t else 1.0 - p
            if conf < self.min_confidence:
                out.append(f"{name} uncertain ({p:.2f})")
        if st.sentiment is not None and st.sentiment[1] < self.min_confidence - 0.2:
            out.append(f"sentiment uncertain ({st.sentiment[1]:.2f})")
        return out
