"""The incident's response: a ticket reply or action, or the first new official statement in a later report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthpulse.cli.incidents_cmds import _render_incident
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Channel
from healthpulse.core.models.incidents import IncidentRow
from healthpulse.incidents.service import get_incident
from sqlalchemy import select

from tests.support.containers import make_container
from tests.support.event_set import shared_embedder

from .test_stage import T0, _doc, _vector, hp  # noqa: F401 - the shared fixture

OPENER = ("В Сургуте вторую неделю нет льготного инсулина. В Депздраве Югры ситуацию пообещали взять на контроль.")
REPRINT = ("Как сообщает «Сургут Информ», в Сургуте нет льготного инсулина. "
           "В Депздраве Югры ситуацию пообещали взять на контроль.")
COMPLAINT = "Инсулина нет десять дней. Депздрав, ау? Ответа нет."
DECISION = ("Как пояснили в Депздраве Югры, в Сургут направлена партия инсулина из окружного резерва, "
            "выдача начнётся в понедельник.")


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
    assert "(official statement in decision: \"Как пояснили в Депздраве Югры" in shown


@pytest.fixture
def reading(tmp_path):
    """A container that embeds documents itself, as production does: its incident stage runs the statement model."""
    c = make_container(tmp_path, clock=FakeClock(T0 + timedelta(hours=31)), index=None, embedder=shared_embedder())
    yield c
    c.close()


def test_the_model_read_each_joining_report_until_the_first_statement(reading):
    """The statement model runs at ingest, once per report that joined, and stops after the first statement."""
    from healthpulse.core.models.incidents import IncidentDocumentRow

    reading.pipeline.ingest_many([_report("opener", OPENER, 0), _report("post", COMPLAINT, 10, Channel.SOCIAL),
                                  _report("decision", DECISION, 20), _report("reprint", DECISION, 30)])
    with reading.session() as s:
        signals = {m.document_id: m.signals for m in s.scalars(select(IncidentDocumentRow))}
    assert "statements" not in signals["opener"]  # the first report's own comment is part of the report
    assert signals["post"]["statements"] == [] and signals["decision"]["statements"] == [DECISION]
    assert "statements" not in signals["reprint"]  # after the first statement nothing more is read
    assert _incident(reading)["response"]["document_id"] == "decision"


def test_without_an_encoder_stored_reports_fall_back_to_the_rule(hp):  # noqa: F811
    """A container fed ready-made analyses loads no encoder: nothing is read at ingest, the rule answers."""
    from healthpulse.core.models.incidents import IncidentDocumentRow

    hp.pipeline.ingest_many([_report("opener", OPENER, 0), _report("decision", DECISION, 5)])
    with hp.session() as s:
        assert all("statements" not in m.signals for m in s.scalars(select(IncidentDocumentRow)))
    assert _incident(hp)["response"]["document_id"] == "decision"


def test_the_first_reports_own_comment_and_its_reprints_are_no_response(hp):  # noqa: F811
    hp.pipeline.ingest_many([_report("opener", OPENER, 0), _report("reprint", REPRINT, 5),
                             _report("post", COMPLAINT, 10, Channel.SOCIAL)])
    inc = _incident(hp)
    assert inc["response"] is None and inc["response_at"] is None


def test_the_incidents_topics_are_those_most_of_its_reports_carry():
    """An insulin shortage listed "waiting times" and "digital services" because one appeal each read them."""
    from types import SimpleNamespace

    from healthpulse.incidents.service import main_topics

    def report(*topics):
        return SimpleNamespace(analysis={"topics": [{"id": t, "score": 0.9} for t in topics]}), None

    docs = [report("drug_supply"), report("drug_supply", "waiting_times"), report("drug_supply"),
            report("digital_services"), report("drug_supply", "maternal_child"), report("drug_supply")]
    stored = ["digital_services", "drug_supply", "maternal_child", "waiting_times"]
    assert main_topics(docs, stored) == ["drug_supply"]
    two = [report("drug_supply", "staff_conduct"), report("staff_conduct"), report("drug_supply")]
    assert main_topics(two, ["drug_supply", "staff_conduct"]) == ["drug_supply", "staff_conduct"]
    assert main_topics([report()], ["drug_supply"]) == ["drug_supply"]  # no analysis topics: the stored ones
