"""End to end through the real NLP analyzer: incidents open routed tickets, non-incidents none.

Clear-cut incident reports in four languages, one of the seed articles (an
announcement about a pilot project, not an incident), an announcement and a
piece of praise: exactly one ticket per incident, in the department the text
names, with the deadline of the severity the analyzer gave.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from healthpulse.alerts import service
from healthpulse.core.domain import Document

from tests.support.containers import make_container
from tests.support.web import run_appeal_jobs

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data"

INCIDENTS = {
    "inc-surgut": ("surgut", "В Сургуте пациент скончался в приёмном покое городской больницы: скорая помощь ехала "
                             "к нему почти три часа, родственники подали жалобу в прокуратуру."),
    "inc-cairo": ("cairo", "وفاة مريض في مستشفى بالقاهرة بعد انتظار سيارة الإسعاف لأكثر من ثلاث ساعات، "
                           "وأسرته تتهم المستشفى بالإهمال الطبي."),
    "inc-hcmc": ("hcmc", "Bệnh nhân tử vong tại bệnh viện ở TP.HCM sau khi chờ cấp cứu hơn ba giờ, "
                         "gia đình tố cáo bác sĩ tắc trách."),
    "inc-shiraz": ("shiraz", "در بیمارستانی در شیراز بیمار پس از سه ساعت انتظار برای آمبولانس جان باخت "
                             "و خانواده از پزشکان شکایت کردند."),
}
NON_INCIDENTS = {
    "praise-manchester": "Manchester's new children's hospital wing opened on Monday; parents praised the friendly "
                         "staff and short waiting times.",
    "announce-cairo": "أعلنت وزارة الصحة في القاهرة عن إطلاق منصة إلكترونية موحدة لخدمات المواطنين خلال العام المقبل.",
}


def test_incidents_open_tickets_non_incidents_do_not(tmp_path, fclock):
    c = make_container(tmp_path, clock=fclock, index=None, analyzer="auto")
    try:
        docs = [Document(id=k, text=text) for k, (_, text) in INCIDENTS.items()]
        docs += [Document(id=k, text=text) for k, text in NON_INCIDENTS.items()]
        docs += [Document(id=p.stem, text=p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("seed_*.txt"))]
        results = {r.document_id: r.analysis for r in c.pipeline.ingest_many(docs)}
        with c.session() as s:
            tickets, _ = service.list_tickets(s, sort="id")
            sla = service.get_sla_settings(s, c.settings)
    finally:
        c.close()
    by_doc = {d: t for t in tickets for d in t["document_ids"]}
    assert {d: t["department"] for d, t in by_doc.items()} == {k: dep for k, (dep, _) in INCIDENTS.items()}
    for doc_id, t in by_doc.items():
        assert t["origin"] == "alert" and t["severity"] == results[doc_id].severity
        assert t["due_at"] == t["created_at"] + timedelta(hours=sla[t["severity"]])


def test_low_severity_incident_gets_a_ticket_with_the_low_deadline(tmp_path, fclock):
    """A corridor left dirty for two days (the guideline's own 'low': a minor inconvenience): the analyzer says
    incident, severity low. (A refused referral or rude staff is 'medium' by the guideline.)"""
    c = make_container(tmp_path, clock=fclock, index=None, analyzer="auto", sla_hours={"low": 120})
    try:
        text = "Здравствуйте. В поликлинике Сургута второй день грязно в коридоре первого этажа, мусор не убирают. " \
               "Прошу разобраться."
        [result] = c.pipeline.ingest_many([Document(id="dirty-corridor", text=text)])
        with c.session() as s:
            tickets, _ = service.list_tickets(s, sort="id")
    finally:
        c.close()
    assert result.analysis.incident and result.analysis.severity == "low"
    assert [(t["department"], t["severity"], t["document_ids"]) for t in tickets] == [
        ("surgut", "low", ["dirty-corridor"])]
    assert tickets[0]["due_at"] == tickets[0]["created_at"] + timedelta(hours=120)


def test_thank_you_appeal_opens_no_ticket_and_is_praise(tmp_path, fclock):
    """A citizen's thanks, analysed for real: positive, no incident → the praise list, not the incident queue."""
    from healthpulse.alerts.praise import list_praise
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.appeals.lifecycle import get_by_code

    c = make_container(tmp_path, clock=fclock, index=None, analyzer="auto")
    try:
        code = submit_text_appeal(c, text="Thank you to the nurses of Manchester Royal Infirmary for the wonderful "
                                          "care my mother received.", consent=True, language="en",
                                  department_id="manchester")
        assert run_appeal_jobs(c) == 1  # the analysis runs in the worker's job, not in the request (issue 16)
        with c.session() as s:
            tickets, _ = service.list_tickets(s)
            praise, _ = list_praise(s, department_ids=["manchester"])
            status = get_by_code(s, code).status
    finally:
        c.close()
    assert tickets == [] and status == "closed"
    assert [p["department"] for p in praise] == ["manchester"] and "wonderful care" in praise[0]["text"]
