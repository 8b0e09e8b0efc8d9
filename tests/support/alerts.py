"""Ready-analysed documents for tests and benchmarks of the alert engine.

The pipeline skips analysis when ``Document.analysis`` is given, so engine
behaviour can be checked without depending on model accuracy.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


SERIES_FILE = Path(__file__).resolve().parent.parent / "data" / "alerts" / "shortage_series.jsonl"
SERIES_NOW = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # the series' "now": its burst is the last ten hours


def shortage_series(shift: timedelta = timedelta(0), *, analysed: bool = True) -> list[Document]:
    """Issue 21's series (``tests/data/alerts/shortage_series.jsonl``): 16 quiet days with a drug-shortage
    report in Surgut every third day, then 9 reports in the ten hours before ``SERIES_NOW``.

    ``shift`` moves every ``published_at`` (a negative one makes it a backfill of the past);
    ``analysed`` gives each document the analysis the NLP gives it (incident, drug_supply, surgut,
    negative), so alert tests need no models.
    """
    docs = []
    with SERIES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            when = datetime.fromisoformat(obj["published_at"]) + shift
            if analysed:
                doc = analysed_document(obj["id"], "surgut", "medium", topic="drug_supply", title=obj["title"],
                                        text=obj["text"], language="en", published_at=when)
            else:
                doc = Document(id=obj["id"], title=obj["title"], text=obj["text"], language_hint=obj["lang"],
                               published_at=when)
            docs.append(doc.model_copy(update={"source": obj["source"], "fetched_at": SERIES_NOW}))
    return docs
