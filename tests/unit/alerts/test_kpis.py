"""KPIs on a small scripted week with known answers."""

import pytest
from healthpulse.alerts import service
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.core.domain import Channel

from .conftest import hours, make_doc


def _appeal(hp, text, channel=Channel.TEXT_APPEAL):
    submit_text_appeal(hp, text=text, consent=True, channel=channel, language="ru", department_id="surgut",
                       contact_email="c@example.org")
    hp.worker.run_until_idle(kinds=["appeals.analyse"])  # the worker analyses and routes the appeal
    with hp.session() as s:
        return service.list_tickets(s, sort="-id", limit=1)[0][0]["id"]


def test_department_kpis(hp, fclock, rt):
    start = fclock.now()
    a = _appeal(hp, "нет лекарств")                       # closed in 2 h after one contact: FCR, within SLA
    b = _appeal(hp, "грубый врач", Channel.HOTLINE)       # closed after 2 contacts, then reopened
    hp.pipeline.ingest(make_doc("news-1", "surgut", "critical", topic="medical_error"))  # breached
    hp.pipeline.ingest(make_doc("news-cairo", "cairo", "high"))                           # another department
    with hp.session() as s:
        c = service.list_tickets(s, department_ids=["surgut"], origin="alert")[0][0]["id"]
    now = fclock.advance(hours(1))
    with hp.session() as s:
        service.reply_to_citizen(s, a, "ответ", "olga", now=now)
        service.record_contact(s, a, "phone", "resolved", "olga", now=fclock.advance(hours(1)))
        service.close_ticket(s, a, "olga", "выдано", now=fclock.now(), runtime=rt)
        service.record_contact(s, b, "phone", "no_answer", "olga", now=fclock.advance(hours(1)))
        service.record_contact(s, b, "phone", "reached", "olga", now=fclock.advance(hours(1)))
        service.close_ticket(s, b, "olga", "извинились", now=fclock.now(), runtime=rt)
        service.reopen_ticket(s, b, "olga", "жалоба повторно", now=fclock.advance(hours(1)))
    fclock.advance(hours(5))  # ticket c (critical, 4 h) is past its deadline
    hp.worker.run_until_idle()
    with hp.session() as s:
        k = service.kpis(s, "surgut", start, start + hours(24 * 7))
    assert k["tickets_created"] == 3
    assert k["volume_by_channel"] == {"text_appeal": 1, "hotline": 1, "news": 1}
    assert k["volume_by_topic"]["medical_error"] == 1
    assert k["alerts_raised"] == 1
    assert k["time_to_first_response_hours"]["count"] == 2
    assert k["time_to_first_response_hours"]["median"] == pytest.approx(2.0)  # a: 1 h, b: 3 h
    assert k["time_to_resolution_hours"]["mean"] == pytest.approx((2 + 4) / 2)
    assert k["tickets_closed"] == 2
    assert k["sla_compliance_pct"] == pytest.approx(100 * 2 / 3, abs=0.1)  # a, b on time; c breached
    assert k["sla_breached"] == 1
    assert k["first_contact_resolution_pct"] == 50.0
    assert k["reopen_rate_pct"] == 50.0
    assert k["csat_surveys_issued"] == 2 and k["csat_average"] is None and k["csat_response_rate_pct"] == 0.0
    assert c is not None
    with hp.session() as s:
        surveys = [sv for t in (a, b) for sv in service.get_ticket(s, t)["surveys"]]
    assert len(surveys) == 2


def test_csat_average_and_response_rate(hp, fclock, rt):
    start = fclock.now()
    ids = [_appeal(hp, f"обращение {i}") for i in range(4)]
    tokens = []
    with hp.session() as s:
        for t in ids:
            service.record_contact(s, t, "phone", "reached", "olga", now=fclock.now())
            tokens.append(service.close_ticket(s, t, "olga", "ok", now=fclock.now(), runtime=rt)["survey_url"].rsplit("/", 1)[1])
    with hp.session() as s:
        service.submit_survey(s, tokens[0], 5, now=fclock.now())
        service.submit_survey(s, tokens[1], 2, "долго", now=fclock.now())
        k = service.kpis(s, "surgut", start, start + hours(24))
    assert k["csat_average"] == 3.5 and k["csat_responses"] == 2 and k["csat_response_rate_pct"] == 50.0
    assert k["first_contact_resolution_pct"] == 100.0
