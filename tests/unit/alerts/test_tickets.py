"""Ticket lifecycle through the service layer: audit, closure rule, reopen, SLA breach, CSAT."""

import pytest
from healthpulse.alerts import service
from healthpulse.alerts.jobs import run_sweep
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.appeals.lifecycle import get_by_code
from healthpulse.core.models.alerts import NotificationRow
from sqlalchemy import select

from .conftest import hours, make_doc


def _appeal_ticket(hp, **kw):
    code = submit_text_appeal(hp, text="Третий день нет инсулина в аптеке поликлиники", consent=True, language="ru",
                              department_id="surgut", contact_email="ivan@example.org", **kw)
    hp.worker.run_until_idle(kinds=["appeals.analyse"])  # the worker analyses and routes the appeal
    with hp.session() as s:
        items, _ = service.list_tickets(s, origin="appeal")
    return code, items[-1]["id"]


def test_status_flow_and_audit_log(hp, fclock, rt):
    _, tid = _appeal_ticket(hp)
    with hp.session() as s:
        service.assign_ticket(s, tid, "olga", "admin", now=fclock.now())
        fclock.advance(hours(1))
        service.set_status(s, tid, "in_progress", "olga", now=fclock.now())
        service.add_note(s, tid, "called the pharmacy", "olga", now=fclock.now())
        t = service.get_ticket(s, tid)
    assert t["status"] == "in_progress" and t["assignee"] == "olga"
    assert t["first_response_at"] == fclock.now()
    actions = [(e["actor"], e["action"]) for e in t["events"]]
    assert actions == [("system", "created"), ("admin", "assigned"), ("admin", "status"), ("olga", "status"), ("olga", "note")]
    assert t["notes"][0]["text"] == "called the pharmacy"
    with hp.session() as s, pytest.raises(service.InvalidTransition):
        service.set_status(s, tid, "new", "olga", now=fclock.now())


def test_closure_needs_a_citizen_contact(hp, fclock, rt):
    code, tid = _appeal_ticket(hp)
    with hp.session() as s:
        with pytest.raises(service.ClosureRefused, match="no contact with the citizen has been recorded"):
            service.close_ticket(s, tid, "olga", "insulin delivered", now=fclock.now(), runtime=rt)
        assert "no contact" in service.get_ticket(s, tid)["closure_blocked"]
    with hp.session() as s:
        service.record_contact(s, tid, "phone", "no_answer", "olga", now=fclock.now())
        with pytest.raises(service.ClosureRefused, match="1 so far"):
            service.close_ticket(s, tid, "olga", "insulin delivered", now=fclock.now(), runtime=rt)
        service.reply_to_citizen(s, tid, "Инсулин поступит завтра", "olga", now=fclock.now())
        service.record_contact(s, tid, "phone", "reached", "olga", now=fclock.now())
        out = service.close_ticket(s, tid, "olga", "insulin delivered", now=fclock.now(), runtime=rt)
    assert out["status"] == "closed" and out["survey_url"].startswith("https://hp.example/survey/")
    assert [c["outcome"] for c in out["contacts"]] == ["no_answer", "reached"]
    with hp.session() as s:
        appeal = get_by_code(s, code)
        assert appeal.status == "closed" and appeal.public_reply == "Инсулин поступит завтра"
        public = service.ticket_for_appeal(s, appeal.id)
        assert public["replies"][0]["text"] == "Инсулин поступит завтра" and "notes" not in public
        survey_mail = s.scalars(select(NotificationRow).where(NotificationRow.event == "survey")).one()
        assert survey_mail.recipient == "ivan@example.org" and out["survey_url"] in survey_mail.payload["text"]
        assert "Оцените" in survey_mail.subject


def test_reopen_requires_a_new_contact(hp, fclock, rt):
    _, tid = _appeal_ticket(hp)
    with hp.session() as s:
        service.record_contact(s, tid, "phone", "reached", "olga", now=fclock.now())
        service.close_ticket(s, tid, "olga", "done", now=fclock.now(), runtime=rt)
        fclock.advance(hours(5))
        service.reopen_ticket(s, tid, "citizen-call", "still no insulin", now=fclock.now())
        with pytest.raises(service.ClosureRefused, match="since it was reopened"):
            service.close_ticket(s, tid, "olga", "done again", now=fclock.now(), runtime=rt)
        service.record_contact(s, tid, "sms", "reached", "olga", now=fclock.now())
        t = service.close_ticket(s, tid, "olga", "done again", now=fclock.now(), runtime=rt)
    assert t["reopen_count"] == 1 and t["status"] == "closed"


def test_alert_ticket_without_citizen_closes_without_contact(hp, fclock, rt):
    hp.pipeline.ingest(make_doc("a", "surgut", "high"))
    with hp.session() as s:
        tid = service.list_tickets(s)[0][0]["id"]
        t = service.close_ticket(s, tid, "olga", "checked, false report", now=fclock.now(), runtime=rt)
        assert t["status"] == "closed" and t["survey_url"] is None


def test_sla_breach_marks_and_notifies_escalation_contact(hp, fclock, rt):
    hp.pipeline.ingest(make_doc("a", "surgut", "critical"))
    fclock.advance(hours(3.9))
    with hp.session() as s:
        assert run_sweep(s, rt, fclock.now())["breached"] == []
    fclock.advance(hours(0.2))
    with hp.session() as s:
        out = run_sweep(s, rt, fclock.now())
        assert len(out["breached"]) == 1
        assert run_sweep(s, rt, fclock.now())["breached"] == []  # only once
    with hp.session() as s:
        t = service.get_ticket(s, out["breached"][0])
        assert t["breached"] and t["events"][-1]["action"] == "breached"
        mail = s.scalars(select(NotificationRow).where(NotificationRow.event == "breach")).one()
        assert mail.recipient == "surgut-head@health.example"  # the escalation contact
        assert service.list_tickets(s, breached=True)[1] == 1


def test_sweep_job_runs_on_the_queue(hp, fclock):
    hp.pipeline.ingest(make_doc("a", "surgut", "critical"))
    fclock.advance(hours(5))
    hp.worker.run_until_idle()
    with hp.session() as s:
        assert service.list_tickets(s, breached=True)[1] == 1


def test_survey_works_once_and_expires(hp, fclock, rt):
    _, tid = _appeal_ticket(hp)
    with hp.session() as s:
        service.record_contact(s, tid, "phone", "reached", "olga", now=fclock.now())
        url = service.close_ticket(s, tid, "olga", "done", now=fclock.now(), runtime=rt)["survey_url"]
    token = url.rsplit("/", 1)[1]
    with hp.session() as s:
        assert service.get_survey(s, token, now=fclock.now())["ticket_id"] == tid
        with pytest.raises(ValueError):
            service.submit_survey(s, token, 6, now=fclock.now())
        service.submit_survey(s, token, 4, "спасибо", now=fclock.now())
    with hp.session() as s:
        with pytest.raises(service.SurveyUsed):
            service.submit_survey(s, token, 5, now=fclock.now())
        with pytest.raises(service.SurveyNotFound):
            service.get_survey(s, "forged-token", now=fclock.now())
        assert service.get_ticket(s, tid)["surveys"][0]["score"] == 4
    # a second closure after reopening issues a new survey, which expires after 14 days
    with hp.session() as s:
        service.reopen_ticket(s, tid, "olga", "more", now=fclock.now())
        service.record_contact(s, tid, "phone", "reached", "olga", now=fclock.now())
        url2 = service.close_ticket(s, tid, "olga", "done", now=fclock.now(), runtime=rt)["survey_url"]
    fclock.advance(hours(14 * 24 + 1))
    with hp.session() as s, pytest.raises(service.SurveyExpired):
        service.submit_survey(s, url2.rsplit("/", 1)[1], 5, now=fclock.now())


def test_sla_settings_override(hp, fclock):
    with hp.session() as s:
        assert service.get_sla_settings(s, hp.settings)["critical"] == 4
        service.set_sla_settings(s, {"critical": 2}, "admin", now=fclock.now())
        with pytest.raises(service.TicketError):
            service.set_sla_settings(s, {"urgent": 1}, "admin", now=fclock.now())
    hp.pipeline.ingest(make_doc("a", "surgut", "critical"))
    with hp.session() as s:
        assert service.list_tickets(s)[0][0]["due_at"] == fclock.now() + hours(2)


def test_department_scope_hides_other_tickets(hp, fclock):
    hp.pipeline.ingest(make_doc("a", "surgut", "high"))
    with hp.session() as s:
        tid = service.list_tickets(s)[0][0]["id"]
        with pytest.raises(service.TicketNotFound):
            service.get_ticket(s, tid, department_ids=["cairo"])
        with pytest.raises(service.TicketNotFound):
            service.assign_ticket(s, tid, "x", "y", department_ids=["cairo"])
        assert service.get_ticket(s, tid, department_ids=["surgut"])["id"] == tid
