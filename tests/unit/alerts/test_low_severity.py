"""Every incident opens a ticket: low severity means the longest deadline, not silence (issue 15.8)."""

from healthpulse.alerts import service

from tests.support.alerts import analysed_document
from tests.support.containers import make_container

from .conftest import hours

RUDE_DOCTOR = "Вчера в поликлинике Сургута врач накричал на меня и отказал в направлении к неврологу."


def _tickets(c):
    with c.session() as s:
        return service.list_tickets(s, sort="id")[0]


def test_low_severity_incident_opens_a_ticket_with_the_configured_low_sla(tmp_path, fclock):
    c = make_container(tmp_path, clock=fclock, index=None, sla_hours={"low": 120})
    try:
        t0 = fclock.now()
        c.pipeline.ingest(analysed_document("rude", "surgut", "low", topic="staff_conduct", text=RUDE_DOCTOR))
        tickets = _tickets(c)
    finally:
        c.close()
    assert [(t["department"], t["severity"], t["document_ids"]) for t in tickets] == [("surgut", "low", ["rude"])]
    assert tickets[0]["due_at"] == t0 + hours(120)


def test_a_ticket_threshold_in_the_rules_file_does_not_silence_incidents(tmp_path, fclock):
    """``tickets.min_alert_severity`` filters spike and watchlist alerts; an incident always gets its ticket."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: incidents, type: incident}\n"
                     "  - {id: words, type: watchlist, terms: [очередь], severity: medium}\n"
                     "tickets:\n  min_alert_severity: high\n", encoding="utf-8")
    c = make_container(tmp_path, clock=fclock, index=None, rules_file=rules)
    try:
        c.pipeline.ingest_many([
            analysed_document("rude", "surgut", "low", topic="staff_conduct", text=RUDE_DOCTOR),
            analysed_document("queue", "cairo", None, incident=False, text="Большая очередь в регистратуру."),
        ])
        tickets = _tickets(c)
        with c.session() as s:
            alerts = {a["rule"] for a in service.list_alerts(s)[0]}
    finally:
        c.close()
    assert alerts == {"incidents", "words"}
    assert [(t["severity"], t["document_ids"]) for t in tickets] == [("low", ["rude"])]
