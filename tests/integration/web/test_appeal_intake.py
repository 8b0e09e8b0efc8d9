"""Issue 16 at the web boundary: a lone surrogate is a 400 naming the field; an appeal is answered before its analysis."""

from __future__ import annotations

import json

import pytest
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import JobRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import func, select

from tests.support.web import csrf_from


def _count(container, model) -> int:
    with container.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _body(text: str = "Нет инсулина в аптеке поликлиники Сургута", contact_name: str = "Анна") -> str:
    # json.dumps escapes a lone surrogate as \udXXX: the bytes a client sends.
    return json.dumps({"text": text, "topic": "drug_supply", "department": "surgut", "language": "ru",
                       "consent": True, "contact_name": contact_name})


@pytest.mark.parametrize("field,body", [
    ("text", _body(text="Нет инсулина \ud800 в аптеке поликлиники Сургута")),
    ("contact_name", _body(contact_name="Анна \udfff")),
])
def test_api_lone_surrogate_is_a_400_naming_the_field_and_nothing_is_stored(client, container, field, body):
    assert "\\ud800" in body or "\\udfff" in body
    r = client.post("/api/v1/appeals", data=body.encode("ascii"), content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["field"] == field and "lone surrogate" in answer["message"]
    assert _count(container, AppealRow) == 0 and _count(container, JobRow) == 0


def test_api_answers_with_the_code_before_analysis_and_the_worker_finishes(client, container):
    r = client.post("/api/v1/appeals", data=_body().encode("utf-8"), content_type="application/json")
    assert r.status_code == 201
    code = r.get_json()["tracking_code"]
    pending = client.get(f"/api/v1/appeals/{code}").get_json()
    assert pending["status"] == "received" and [h["status"] for h in pending["history"]] == ["received"]
    with container.session() as s:
        assert s.scalar(select(JobRow.state).where(JobRow.kind == "appeals.analyse")) == "queued"
    assert _count(container, TicketRow) == 0

    container.worker.run_until_idle()
    done = client.get(f"/api/v1/appeals/{code}").get_json()
    assert done["status"] == "ticket_opened"
    with container.session() as s:
        ticket = s.scalar(select(TicketRow))
        assert ticket.department_id == "surgut" and ticket.origin == "appeal"


def test_form_appeal_is_tracked_as_received_until_the_worker_ran(client, container):
    page = client.get("/en/appeal")
    r = client.post("/en/appeal", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "topic": "drug_supply", "department": "cairo",
        "description": "No insulin at the Kasr Al Ainy hospital pharmacy for two weeks.", "consent": "y"})
    assert r.status_code == 302
    track = client.get("/en/track").get_data(as_text=True)
    assert 'id="appeal-status-label">Received<' in track
    container.worker.run_until_idle()
    track = client.get("/en/track").get_data(as_text=True)
    assert 'id="appeal-status-label">Passed to the department<' in track
