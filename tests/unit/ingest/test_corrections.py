"""ingest.corrections on a real embedded instance: validation, apply, idempotence, outbox/index, KPI share, export."""

from datetime import timedelta

import pytest
from healthpulse.core.models.corrections import CorrectionRow
from healthpulse.core.models.documents import DocumentRow, IndexOutboxRow
from healthpulse.indexes.query import SearchQuery
from healthpulse.ingest import corrections as corr
from healthpulse.ingest.correction_kpis import correction_share
from healthpulse.ingest.labels_export import export_labels
from sqlalchemy import func, select

from tests.support.web import TOPIC_IDS, news_document

DEPS = ["surgut", "cairo", "tehran", "hanoi", "giza"]


@pytest.fixture
def doc(container):
    d = news_document(1, department="surgut", published=container.clock.now() - timedelta(hours=1),
                      topics=["waiting_times"], sentiment="neutral", incident=False,
                      text="The Surgut clinic ran out of insulin; patients were sent home.")
    container.pipeline.ingest(d)
    return d


def apply(container, doc_id, body, user="surgut-officer"):
    changes, note = corr.parse_changes(body)
    with container.session() as s:
        row = s.get(DocumentRow, doc_id)
        made = corr.apply_correction(s, row, changes, user=user, now=container.clock.now(), note=note,
                                     topic_ids=TOPIC_IDS, department_ids=DEPS)
        return [(c.field, c.old_value, c.new_value) for c in made]


def test_apply_updates_analysis_columns_and_records_old_new(container, doc):
    made = apply(container, doc.id, {"incident": True, "severity": "high", "topics": ["drug_supply"],
                                     "sentiment": "negative", "note": "insulin shortage"})
    assert sorted(made) == sorted([("incident", False, True), ("severity", None, "high"),
                                   ("topics", ["waiting_times"], ["drug_supply"]), ("sentiment", "neutral", "negative")])
    with container.session() as s:
        row = s.get(DocumentRow, doc.id)
        assert (row.incident, row.severity, row.sentiment, row.health_related) == (True, "high", "negative", True)
        assert [t["id"] for t in row.analysis["topics"]] == ["drug_supply"]
        notes = set(s.scalars(select(CorrectionRow.note)))
        assert notes == {"insulin shortage"}


def test_same_correction_twice_records_nothing_new(container, doc):
    body = {"incident": True, "severity": "medium"}
    assert len(apply(container, doc.id, body)) == 2
    container.pipeline.drain_outbox()
    assert apply(container, doc.id, body) == []
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(CorrectionRow)) == 2
        assert s.scalar(select(func.count()).select_from(IndexOutboxRow)) == 0  # no index write for a no-op


@pytest.mark.parametrize("body,field", [
    ({"topics": ["drug_supply", "not_a_topic"]}, "topics"),
    ({"department": "atlantis"}, "department"),
    ({"severity": "high"}, "severity"),  # the document is not an incident
    ({"severity": "enormous"}, "severity"),
    ({"incident": "yes"}, "incident"),
    ({"sentiment": "angry"}, "sentiment"),
    ({"confidence": 1}, "confidence"),
    ({}, None),
])
def test_invalid_corrections_are_refused_and_change_nothing(container, doc, body, field):
    with pytest.raises(corr.CorrectionInvalid) as err:
        apply(container, doc.id, body)
    assert err.value.field == field
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(CorrectionRow)) == 0
        assert s.get(DocumentRow, doc.id).severity is None


def test_incident_false_clears_severity_as_its_own_correction(container, doc):
    apply(container, doc.id, {"incident": True, "severity": "critical"})
    made = apply(container, doc.id, {"incident": False})
    assert sorted(made) == [("incident", True, False), ("severity", "critical", None)]


def test_correction_reaches_the_search_index_through_the_outbox(container, doc):
    apply(container, doc.id, {"department": "cairo", "sentiment": "negative"})
    container.pipeline.drain_outbox()
    res = container.index.search(SearchQuery(departments=["cairo"], size=10))
    assert [h.id for h in res.hits] == [doc.id]
    assert res.hits[0].sentiment == "negative"
    assert container.index.search(SearchQuery(departments=["surgut"], size=10)).total == 0


def test_correction_share_counts_the_department_the_analysis_routed_to(container, doc):
    now = container.clock.now()
    other = news_document(2, department="surgut", published=now, text="Second clinic story in Surgut.")
    container.pipeline.ingest(other)
    apply(container, doc.id, {"department": "cairo"})
    start, end = now - timedelta(days=7), now + timedelta(days=1)
    with container.session() as s:
        assert correction_share(s, "surgut", start, end) == {"analyses": 2, "analyses_corrected": 1,
                                                             "analyses_corrected_pct": 50.0}
        assert correction_share(s, "cairo", start, end) == {"analyses": 0, "analyses_corrected": 0,
                                                            "analyses_corrected_pct": None}
        assert correction_share(s, "surgut", end, end + timedelta(days=7))["analyses"] == 0


def test_export_line_uses_corrected_and_stored_values(container, doc):
    apply(container, doc.id, {"incident": True, "severity": "high", "topics": ["drug_supply"]}, user="officer-a")
    container.clock.advance(timedelta(minutes=5))
    apply(container, doc.id, {"sentiment": "negative"}, user="officer-b")
    with container.session() as s:
        lines = list(export_labels(s))
        assert list(export_labels(s, department_id="cairo")) == []
        assert list(export_labels(s, since=container.clock.now() + timedelta(days=1))) == []
    assert len(lines) == 1
    line = lines[0]
    assert line["id"] == doc.id and line["lang"] == "en" and line["channel"] == "news"
    assert (line["health_related"], line["incident"], line["severity"]) == (True, True, "high")
    assert line["topics"] == ["drug_supply"] and line["sentiment"] == "negative" and line["department"] == "surgut"
    assert line["source"] == "staff_correction"
    assert line["corrected_fields"] == ["incident", "sentiment", "severity", "topics"]
    assert line["corrected_by"] == "officer-b" and line["corrected_at"].startswith(str(container.clock.now().date()))
    assert line["text"] == doc.text and line["title"] == doc.title


def test_export_severity_is_null_unless_incident(container, doc):
    apply(container, doc.id, {"incident": True, "severity": "low"})
    apply(container, doc.id, {"incident": False})
    with container.session() as s:
        (line,) = export_labels(s)
    assert line["incident"] is False and line["severity"] is None


def test_stored_analysis_keeps_evidence_and_review_flags(container):
    from healthpulse.core.domain import Evidence
    from healthpulse.ingest.store import row_to_document

    d = news_document(9, department="cairo", published=container.clock.now(), incident=True)
    d.analysis.evidence = Evidence(incident_text="the clinic", incident_score=0.91, places=["Cairo"])
    d.analysis.needs_review, d.analysis.review_reasons = True, ["incident score 0.55 near the threshold"]
    container.pipeline.ingest(d)
    apply(container, d.id, {"severity": "low"})  # a correction rewrites the analysis JSON: the new fields stay
    with container.session() as s:
        back = row_to_document(s.get(DocumentRow, d.id)).analysis
    assert back.evidence == d.analysis.evidence and back.needs_review is True
    assert back.review_reasons == ["incident score 0.55 near the threshold"] and back.severity == "low"
