"""Fixtures for the alerts tests: a migrated embedded instance and ready-analysed documents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore
from healthpulse.core.testing import make_container


@pytest.fixture
def fclock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hp(tmp_path, fclock):
    """A container without NLP models or search index (documents come analysed)."""
    c = make_container(tmp_path, clock=fclock, index=None, base_url="https://hp.example")
    yield c
    c.close()


@pytest.fixture
def rt(hp) -> AlertsRuntime:
    return AlertsRuntime.of(hp)


def make_doc(doc_id: str, department: str | None = "surgut", severity: str | None = "high", *, incident: bool = True,
             topic: str | None = "emergency_care", story: str | None = None, channel: Channel = Channel.NEWS,
             title: str | None = None, text: str = "Пациент ждал скорую помощь три часа.", sentiment: str = "negative",
             language: str = "ru") -> Document:
    return Document(
        id=doc_id, channel=channel, title=title or f"Incident {doc_id}", text=text, story_id=story,
        url=f"https://news.example/{doc_id}",
        analysis=Analysis(language=language, incident=incident, severity=severity if incident else None,
                          department=department, health_related=True,
                          topics=[TopicScore(id=topic, score=0.9)] if topic else [],
                          sentiment=Sentiment(label=sentiment, score=0.9)),
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
