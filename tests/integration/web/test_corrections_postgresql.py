"""Corrections, their ticket audit, KPI share, export and place aliases on PostgreSQL (JSON columns, row lock)."""

from datetime import timedelta

import pytest
from healthpulse.core.models.tickets import TicketEventRow
from healthpulse.ingest.correction_kpis import correction_share
from healthpulse.ingest.labels_export import export_labels
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services.users import Principal
from sqlalchemy import select

from tests.support.containers import postgres_container
from tests.support.web import news_document

pytestmark = pytest.mark.integration
OFFICER = Principal(3, "surgut-officer", "department", "surgut")
ADMIN = Principal(1, "admin", "admin", None)


@pytest.fixture
def pg(tmp_path, clock):
    with postgres_container(tmp_path, clock, "hp_corr", index=None) as c:
        yield c


def test_corrections_on_postgresql(pg, clock):
    doc = news_document(1, department="surgut", published=clock.now() - timedelta(hours=1), incident=True,
                        text="Patient died in Surgut after a three-hour wait for the ambulance.")
    pg.pipeline.ingest(doc)
    res = corr_svc.correct(pg, OFFICER, doc.id, {"severity": "critical", "topics": ["emergency_care"], "note": "n"})
    assert sorted(res["changed"]) == ["severity", "topics"]
    assert corr_svc.correct(pg, OFFICER, doc.id, {"severity": "critical"})["changed"] == []
    with pytest.raises(corr_svc.CorrectionInvalid):
        corr_svc.correct(pg, OFFICER, doc.id, {"topics": ["nope"]})
    with pg.session() as s:
        events = s.scalars(select(TicketEventRow).where(TicketEventRow.action == "correction")).all()
        assert {(e.field, e.new_value) for e in events} == {("severity", '"critical"'), ("topics", '["emergency_care"]')}
        (line,) = export_labels(s)
        assert line["severity"] == "critical" and line["topics"] == ["emergency_care"]
        share = correction_share(s, "surgut", clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
        assert share == {"analyses": 1, "analyses_corrected": 1, "analyses_corrected_pct": 100.0}
    corr_svc.correct(pg, ADMIN, doc.id, {"department": "nefteyugansk"})
    corr_svc.confirm_alias(pg, ADMIN, "nefteyugansk", "Pyt-Yakh", document_id=doc.id)
    corr_svc.confirm_alias(pg, ADMIN, "nefteyugansk", "Pyt-Yakh", document_id=doc.id)  # idempotent
    assert pg.analysis_departments().get("nefteyugansk").places.count("Pyt-Yakh") == 1
