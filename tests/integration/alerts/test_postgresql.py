"""The alert engine, tickets and KPIs on PostgreSQL (the scale-out store)."""


import pytest
from healthpulse.alerts import service
from healthpulse.alerts.jobs import run_sweep
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.appeals.intake import submit_text_appeal

from tests.support.alerts import analysed_document as make_doc
from tests.support.containers import postgres_container

pytestmark = pytest.mark.integration


@pytest.fixture
def pg(tmp_path, fclock):
    with postgres_container(tmp_path, fclock, "hp_alerts", index=None) as c:
        yield c


def test_engine_tickets_and_kpis_on_postgresql(pg, fclock):
    start = fclock.now()
    pg.pipeline.ingest_many([make_doc("a", "surgut", "high", story="s"), make_doc("b", "surgut", "critical", story="s"),
                             make_doc("c", None, "medium", topic="drug_supply"), make_doc("n", "cairo", None, incident=False)])
    submit_text_appeal(pg, text="нет инсулина", consent=True, language="ru", department_id="surgut",
                       contact_email="c@example.org")
    pg.worker.run_until_idle(kinds=["appeals.analyse"])  # the worker analyses and routes the appeal
    rt = AlertsRuntime.of(pg)
    with pg.session() as s:
        items, total = service.list_tickets(s, sort="-severity")
        assert total == 3 and [t["severity"] for t in items] == ["critical", "medium", "medium"]
        appeal_ticket = next(t for t in items if t["origin"] == "appeal")
        with pytest.raises(service.ClosureRefused):
            service.close_ticket(s, appeal_ticket["id"], "olga", "ok", now=fclock.now(), runtime=rt)
    with pg.session() as s:
        service.record_contact(s, appeal_ticket["id"], "phone", "reached", "olga", now=fclock.now())
        token = service.close_ticket(s, appeal_ticket["id"], "olga", "ok", now=fclock.now(), runtime=rt)["survey_url"]
        service.submit_survey(s, token.rsplit("/", 1)[1], 5, now=fclock.now())
    fclock.advance(hours=5)
    with pg.session() as s:
        assert len(run_sweep(s, rt, fclock.now())["breached"]) == 1
        k = service.kpis(s, "surgut", start, fclock.now())
        assert k["tickets_created"] == 2 and k["csat_average"] == 5.0 and k["sla_breached"] == 1
        assert service.ticket_counters(s, ["surgut"], now=fclock.now())["breached"] == 1
