"""Ingest → incident stage, through the real pipeline (documents come analysed, with vectors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Channel
from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from sqlalchemy import select

from tests.support.alerts import analysed_document
from tests.support.containers import make_container

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def hp(tmp_path):
    c = make_container(tmp_path, clock=FakeClock(), index=None)
    yield c
    c.close()


def _vector(seed: int, noise: float = 0.0, base: int | None = None) -> list[float]:
    """A unit vector; the same ``base`` with a little ``noise`` gives a near neighbour."""
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=32) + noise * rng.normal(size=32)
    return (v / np.linalg.norm(v)).tolist()


def _doc(doc_id, vector, *, department="surgut", topic="drug_supply", hours=0.0, incident=True,
         sentiment="negative", channel=Channel.NEWS, language="ru"):
    d = analysed_document(doc_id, department, "high", topic=topic, incident=incident, sentiment=sentiment,
                          channel=channel, language=language, published_at=T0 + timedelta(hours=hours))
    assert d.analysis is not None
    return d.model_copy(update={"analysis": d.analysis.model_copy(update={"embedding": vector})})


def _members(hp) -> dict[int, list[str]]:
    with hp.session() as s:
        out: dict[int, list[str]] = {}
        for row in s.scalars(select(IncidentDocumentRow).order_by(IncidentDocumentRow.document_id)):
            out.setdefault(row.incident_id, []).append(row.document_id)
        return out


def test_reports_of_one_event_across_channels_and_languages_become_one_incident(hp):
    hp.pipeline.ingest_many([
        _doc("post-ru", _vector(1, 0.0, base=7)),
        _doc("call-ru", _vector(2, 0.3, base=7), channel=Channel.HOTLINE, hours=3),
        _doc("news-en", _vector(3, 0.3, base=7), language="en", hours=20),
        _doc("other-city", _vector(4, 0.3, base=7), department="nizhnevartovsk", hours=1),
        _doc("unrelated", _vector(99), hours=2),
    ])
    groups = sorted(_members(hp).values())
    assert ["call-ru", "news-en", "post-ru"] in groups
    assert ["other-city"] in groups and ["unrelated"] in groups  # a different department never joins
    with hp.session() as s:
        call = s.get(IncidentDocumentRow, "call-ru")
        assert call is not None and call.linked_by == "merge"
        assert call.signals["department"] is True and call.signals["topics"] == ["drug_supply"]
        assert call.signals["cosine"] > 0.8 and call.score is not None and call.score >= call.signals["threshold"]
        incident = s.get(IncidentRow, call.incident_id)
        assert incident is not None and incident.first_seen_at == T0
        assert incident.last_seen_at == T0 + timedelta(hours=20)


def test_outside_the_time_window_a_report_opens_a_new_incident(hp):
    hp.pipeline.ingest(_doc("first", _vector(1, 0.0, base=7)))
    hp.pipeline.ingest(_doc("weeks-later", _vector(2, 0.1, base=7), hours=24 * 30))
    assert len(_members(hp)) == 2


def test_a_follow_up_joins_but_never_opens_and_reingest_changes_nothing(hp):
    resolved = _doc("resolved", _vector(5, 0.2, base=7), incident=False, sentiment="positive", hours=48)
    hp.pipeline.ingest(resolved)  # nothing open yet: a resolution opens no incident
    assert _members(hp) == {}
    hp.pipeline.ingest(_doc("report", _vector(1, 0.0, base=7)))
    hp.pipeline.ingest(resolved.model_copy(update={"id": "resolved-2"}))
    hp.pipeline.ingest(_doc("report", _vector(1, 0.0, base=7)))  # re-ingested: stays where it is
    assert sorted(_members(hp).values()) == [["report", "resolved-2"]]
