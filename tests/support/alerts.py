"""Ready-analysed documents for tests and benchmarks of the alert engine.

The pipeline skips analysis when ``Document.analysis`` is given, so engine
behaviour can be checked without depending on model accuracy.
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore


def analysed_document(doc_id: str, department: str | None = "surgut", severity: str | None = "high", *,
                      incident: bool = True, topic: str | None = "emergency_care", story: str | None = None,
                      channel: Channel = Channel.NEWS, title: str | None = None,
                      text: str = "Пациент ждал скорую помощь три часа.", sentiment: str = "negative",
                      language: str = "ru", published_at: datetime | None = None) -> Document:
    return Document(
        id=doc_id, channel=channel, title=title or f"Incident {doc_id}", text=text, story_id=story,
        url=f"https://news.example/{doc_id}", published_at=published_at,
        analysis=Analysis(language=language, incident=incident, severity=severity if incident else None,
                          department=department, health_related=True,
                          topics=[TopicScore(id=topic, score=0.9)] if topic else [],
                          sentiment=Sentiment(label=sentiment, score=0.9)),
    )
