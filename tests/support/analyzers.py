"""A stand-in for the NLP analyzer: same interface, a fixed answer, no models to load.

For tests about what happens around analysis (queues, retries, concurrency), not about its quality.
"""

from __future__ import annotations

import threading
from typing import Any

from healthpulse.core.domain import Analysis, Document, Sentiment, TopicScore


class StandInAnalyzer:
    """Every text is a negative ``severity`` incident in its hinted department; the first ``failures`` calls raise."""

    def __init__(self, failures: int = 0, *, severity: str = "high", topic: str | None = "drug_supply"):
        self.failures = failures
        self.severity = severity
        self.topic = topic
        self.calls = 0
        self._lock = threading.Lock()

    def set_departments(self, departments: Any) -> None:
        """Confirmed place aliases would reach the gazetteer here; a stand-in has none."""

    def analyze_many(self, docs: list[Document]) -> list[Analysis]:
        with self._lock:
            self.calls += 1
            if self.calls <= self.failures:
                raise RuntimeError("the model crashed")
        return [Analysis(language="en", department=d.department_hint, health_related=True, incident=True,
                         severity=self.severity,  # type: ignore[arg-type]
                         sentiment=Sentiment(label="negative", score=0.9),
                         topics=[TopicScore(id=self.topic, score=0.9)] if self.topic else []) for d in docs]
