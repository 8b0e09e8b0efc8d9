"""``event_time``: published_at, else fetched/received; a future date is clamped to now with a warning."""

import logging
from datetime import UTC, datetime, timedelta

from healthpulse.alerts.rules.base import event_time

from .conftest import make_doc

NOW = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)


def test_published_at_wins_and_fetched_at_is_the_fallback():
    doc = make_doc("a", published_at=NOW - timedelta(days=3))
    assert event_time(doc, NOW) == NOW - timedelta(days=3)
    unpublished = make_doc("b").model_copy(update={"fetched_at": NOW - timedelta(hours=2)})
    assert event_time(unpublished, NOW) == NOW - timedelta(hours=2)
    naive = make_doc("c", published_at=datetime(2026, 3, 19, 12, 0))  # no zone given: UTC
    assert event_time(naive, NOW) == datetime(2026, 3, 19, 12, 0, tzinfo=UTC)


def test_a_future_date_is_clamped_with_a_warning(caplog):
    doc = make_doc("future", published_at=NOW + timedelta(days=2))
    with caplog.at_level(logging.WARNING, logger="healthpulse.alerts.rules.base"):
        assert event_time(doc, NOW) == NOW
    assert len(caplog.records) == 1 and "in the future: counted at" in caplog.records[0].getMessage()
    slightly = make_doc("skew", published_at=NOW + timedelta(minutes=2))  # clock skew: clamped, no warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="healthpulse.alerts.rules.base"):
        assert event_time(slightly, NOW) == NOW
    assert caplog.records == []
