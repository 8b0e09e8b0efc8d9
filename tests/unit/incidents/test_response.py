"""The incident's response: a ticket reply or action, or the first new official statement in a later report."""

from __future__ import annotations

from datetime import timedelta

from healthpulse.cli.incidents_cmds import _render_incident
from healthpulse.core.domain import Channel
from healthpulse.core.models.incidents import IncidentRow
from healthpulse.incidents.service import get_incident
from sqlalchemy import select

from .test_stage import T0, _doc, _vector, hp  # noqa: F401 - the shared fixture

OPENER = ("В Сургуте вторую неделю нет льготного инсулина. В Депздраве Югры ситуацию пообещали взять на контроль.")
REPRINT = ("Как сообщает «Сургут Информ», в Сургуте нет льготного инсулина. "
           "В Депздраве Югры ситуацию пообещали взять на контроль.")
COMPLAINT = "Инсулина нет десять дней. Депздрав, ау? Ответа нет."
DECISION = ("Департамент здравоохранения Югры распорядился передать в Сургут партию инсулина из окружного резерва.")


def _report(doc_id, text, hours, channel=Channel.NEWS):
    d = _doc(doc_id, _vector(1, 0.05 * hours, base=7), hours=hours, channel=channel)
    return d.model_copy(update={"text": text, "title": None})


def _incident(hp):  # noqa: F811
    with hp.session() as s:
        [incident_id] = s.scalars(select(IncidentRow.id)).all()
        return get_incident(s, incident_id)


def test_the_first_new_statement_after_the_first_report_is_the_response(hp):  # noqa: F811
    hp.pipeline.ingest_many([_report("opener", OPENER, 0), _report("reprint", REPRINT, 5),
                             _report("post", COMPLAINT, 10, Channel.SOCIAL), _report("decision", DECISION, 20),
                             _report("later", COMPLAINT.replace("десять", "двенадцать"), 30, Channel.SOCIAL)])
    inc = _incident(hp)
    assert len(inc["documents"]) == 5
    assert inc["response"]["kind"] == "official_statement" and inc["response"]["document_id"] == "decision"
    assert inc["response_at"] == T0 + timedelta(hours=20)
    assert inc["response"]["statement"] == DECISION
    # opener, reprint and post before; the decision and the later post after
    assert inc["coverage"]["before_per_day"] == 3.0 and inc["coverage"]["after_per_day"] == 2.0
    shown = "\n".join(_render_incident(inc))
    assert "(official statement in decision: \"Департамент здравоохранения Югры распорядился" in shown


def test_the_first_reports_own_comment_and_its_reprints_are_no_response(hp):  # noqa: F811
    hp.pipeline.ingest_many([_report("opener", OPENER, 0), _report("reprint", REPRINT, 5),
                             _report("post", COMPLAINT, 10, Channel.SOCIAL)])
    inc = _incident(hp)
    assert inc["response"] is None and inc["response_at"] is None
