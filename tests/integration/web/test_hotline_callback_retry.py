"""Issue 19: an unanswered hotline callback comes back to the queue by itself after ``callback_retry_minutes``,
up to ``callback_max_attempts``, and the inbox shows it — on the fake clock, no sleeping."""

from __future__ import annotations

import re

import pytest
import requests
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.core.models.documents import JobRow
from healthpulse.core.models.tickets import TicketEventRow, TicketRow
from sqlalchemy import func, select

from tests.support.containers import make_container
from tests.support.servers import serve_app
from tests.support.web import add_user, api_token, login, make_web_app

CALLER = "+7 900 555-44-33"


@pytest.fixture
def hotline(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, callback_retry_minutes=30, callback_max_attempts=3)
    add_user(c, "asterisk-1", "pbx")
    add_user(c, "surgut-officer", "department", "surgut")
    with serve_app(c) as url:
        yield c, url, api_token(c, "asterisk-1")
    c.close()


def _unanswered_callback(url, token, clock, call_id):
    auth = {"Authorization": f"Bearer {token}"}
    for ev in ({"event": "newCall", "callId": call_id, "direction": "outbound", "to": CALLER, "from": "1900"},
               {"event": "hangup", "callId": call_id, "cause": "noAnswer"}):
        assert requests.post(f"{url}/api/v1/calls/events", json=ev, headers=auth, timeout=10).status_code == 200
        clock.advance(seconds=20)


def _badge(client):
    page = client.get("/department/tickets").get_data(as_text=True)
    return re.findall(r'<span class="badge callback-due">[^<]*?(\d+)</span>', page)


def _retry_jobs(c):
    with c.session() as s:
        return s.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "calls.callback_retry"))


def test_an_unanswered_callback_is_queued_again_until_the_last_attempt(hotline, clock):
    c, url, token = hotline
    submit_text_appeal(c, text="Operator notes: no insulin at the Surgut pharmacy.", consent=True, channel="hotline",
                       department_id="surgut", contact_phone=CALLER)
    c.worker.run_until_idle()
    with c.session() as s:
        tid = s.scalar(select(TicketRow.id).where(TicketRow.channel == "hotline"))
    client = make_web_app(c).test_client()
    login(client, "surgut-officer")

    _unanswered_callback(url, token, clock, "cb-1")
    c.worker.run_until_idle()
    assert _retry_jobs(c) == 1
    clock.advance(minutes=29)
    c.worker.run_until_idle()
    assert _badge(client) == []  # not yet: the retry waits 30 minutes after the attempt
    clock.advance(minutes=1)
    c.worker.run_until_idle()
    assert _badge(client) == ["2"]  # back in the queue: the second attempt is due
    with c.session() as s:
        ev = s.scalar(select(TicketEventRow).where(TicketEventRow.ticket_id == tid,
                                                   TicketEventRow.action == "callback_due"))
        assert ev.text == "callback attempt 2 of 3 due"

    _unanswered_callback(url, token, clock, "cb-2")
    c.worker.run_until_idle()
    assert _badge(client) == []  # attempted again: no longer shown as due until its own retry fires
    clock.advance(minutes=31)
    c.worker.run_until_idle()
    assert _badge(client) == ["3"]

    _unanswered_callback(url, token, clock, "cb-3")
    clock.advance(hours=5)
    c.worker.run_until_idle()
    assert _retry_jobs(c) == 2  # the third attempt was the last: nothing queued after it
    assert _badge(client) == []
