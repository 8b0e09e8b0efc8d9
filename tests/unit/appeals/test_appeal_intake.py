"""Text appeal intake (issue 16): accepted at once with its tracking code, never half stored, analysed by a job."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.appeals.lifecycle import AppealError, get_by_code
from healthpulse.core.domain import AppealStatus, Channel
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow, JobRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import func, select, text

from tests.support.analyzers import StandInAnalyzer
from tests.support.containers import make_container

LONE = json.loads('"Нет инсулина \\ud800 в аптеке"')


@pytest.fixture
def analyzer():
    return StandInAnalyzer()


@pytest.fixture
def hp(tmp_path, clock, analyzer):
    c = make_container(tmp_path, clock=clock, analyzer=analyzer, index=None)
    yield c
    c.close()


def _submit(hp, **kw):
    args = dict(text="В поликлинике Сургута третий день нет инсулина", consent=True, language="ru",
                department_id="surgut", contact_phone="+7 900 000 00 00")
    args.update(kw)
    return submit_text_appeal(hp, **args)


def _count(hp, model) -> int:
    with hp.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _ticket(hp, code):
    with hp.session() as s:
        appeal = get_by_code(s, code)
        return s.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id))


def test_accepted_at_once_with_the_appeal_its_document_and_a_queued_job(hp, analyzer):
    code = _submit(hp)
    assert analyzer.calls == 0  # no NLP inside the request
    with hp.session() as s:
        appeal = get_by_code(s, code)
        assert appeal.status == AppealStatus.RECEIVED
        doc = s.get(DocumentRow, appeal.document_id)
        assert doc is not None and doc.analysis is None and doc.text.startswith("В поликлинике")
        jobs = s.scalars(select(JobRow).where(JobRow.kind == "appeals.analyse")).all()
        assert [(j.state, j.payload) for j in jobs] == [("queued", {"appeal_id": appeal.id})]
    assert _ticket(hp, code) is None

    hp.worker.run_until_idle()
    assert analyzer.calls == 1
    ticket = _ticket(hp, code)
    assert ticket is not None and ticket.department_id == "surgut" and ticket.severity == "high"
    with hp.session() as s:
        appeal = get_by_code(s, code)
        assert appeal.status == AppealStatus.TICKET_OPENED
        assert s.get(DocumentRow, appeal.document_id).incident is True
    hp.worker.run_until_idle()  # nothing left to do: no second ticket
    assert _count(hp, TicketRow) == 1


@pytest.mark.parametrize("analyzer", [StandInAnalyzer(failures=1)])
def test_a_failing_analysis_is_retried_not_lost(hp, analyzer, clock):
    code = _submit(hp)
    hp.worker.run_until_idle()
    with hp.session() as s:
        job = s.scalar(select(JobRow).where(JobRow.kind == "appeals.analyse"))
        assert job.state == "queued" and job.attempts == 1 and "the model crashed" in job.last_error
        assert get_by_code(s, code).status == AppealStatus.RECEIVED
    assert _ticket(hp, code) is None
    clock.advance(timedelta(minutes=5))  # past the backoff
    hp.worker.run_until_idle()
    assert _ticket(hp, code) is not None and analyzer.calls == 2


@pytest.mark.parametrize("analyzer", [StandInAnalyzer(failures=100)])
def test_an_analysis_that_never_succeeds_still_reaches_the_department(hp, analyzer, clock):
    code = _submit(hp)
    for _ in range(10):
        hp.worker.run_until_idle()
        clock.advance(timedelta(hours=1))
    with hp.session() as s:
        assert s.scalar(select(JobRow.state).where(JobRow.kind == "appeals.analyse")) == "dead"
        appeal = get_by_code(s, code)
        warnings = s.get(DocumentRow, appeal.document_id).analysis["warnings"]
    assert any("analysis failed" in w for w in warnings)
    ticket = _ticket(hp, code)
    assert ticket is not None and ticket.department_id == "surgut"


@pytest.mark.parametrize("field", ["text", "title", "contact_name"])
def test_a_lone_surrogate_is_refused_naming_the_field_and_nothing_is_stored(hp, field):
    kw = {field: LONE}
    with pytest.raises(AppealError, match=f"'{field}' is not valid Unicode: a lone surrogate"):
        _submit(hp, **kw)
    assert _count(hp, AppealRow) == 0 and _count(hp, DocumentRow) == 0 and _count(hp, JobRow) == 0


@pytest.mark.parametrize("table", ["documents", "jobs"])
def test_a_failure_after_the_appeal_row_leaves_no_half_appeal(hp, table):
    """The database refuses the appeal's document (or its job) after the appeal row was written: nothing stays."""
    with hp.engine.begin() as conn:
        conn.execute(text(f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                          f"BEGIN SELECT RAISE(ABORT, 'no {table} today'); END"))
    with pytest.raises(Exception, match=f"no {table} today"):
        _submit(hp, channel=Channel.EMAIL)
    assert _count(hp, AppealRow) == 0 and _count(hp, TicketRow) == 0
