"""Issue 19: a PBX posts generic-CTI call events over real HTTP; calls are routed by IVR and KPIs come from the
events' own times (answered, abandoned, transferred, a duplicate event, a hang-up that arrives before the answer)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from healthpulse.cli import main
from healthpulse.core.models.calls import CallEventRow, CallRow
from sqlalchemy import func, select

from tests.support.servers import serve_app
from tests.support.web import PASSWORD, add_user, api_token, make_web_app

T0 = datetime(2026, 1, 5, 8, 0, 0)


def _ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat() + "+00:00"


def _count(container, model) -> int:
    with container.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def pbx(container):
    add_user(container, "asterisk-1", "pbx")
    add_user(container, "surgut-officer", "department", "surgut")
    with serve_app(container) as url:
        yield {"url": url, "token": api_token(container, "asterisk-1"),
               "officer": api_token(container, "surgut-officer")}


def _post(pbx, token=None, form=False, **fields):
    headers = {"Authorization": f"Bearer {token or pbx['token']}"}
    if form:
        return requests.post(f"{pbx['url']}/api/v1/calls/events", data=fields, headers=headers, timeout=10)
    return requests.post(f"{pbx['url']}/api/v1/calls/events", json=fields, headers=headers, timeout=10)


def _call(pbx, call_id, number, ivr, *, answer=None, hangup, cause="normalClearing", form=False):
    """newCall at 0 s, answer after ``answer`` s (None: never), hangup after ``hangup`` s."""
    events = [dict(event="newCall", callId=call_id, **{"from": number}, to="1900", direction="inbound", ivr=ivr,
                   timestamp=_ts(0))]
    if answer is not None:
        events.append(dict(event="answer", callId=call_id, user="operator-7", timestamp=_ts(answer)))
    events.append(dict(event="hangup", callId=call_id, cause=cause, timestamp=_ts(hangup)))
    return events


def test_event_sequences_give_exact_kpis_and_routing(pbx, container, clock, monkeypatch, capsys, tmp_path):
    sent = []
    sent += _call(pbx, "c-answered-1", "+7 900 000-00-01", "1-1", answer=4, hangup=184)
    sent += _call(pbx, "c-answered-2", "+7 900 000-00-02", "1", answer=25, hangup=85)
    sent += _call(pbx, "c-abandoned", "+7 900 000-00-03", "1", hangup=40, cause="cancel")
    sent += _call(pbx, "c-transferred", "+7 900 000-00-04", "1", answer=8, hangup=128, cause="forwarded")
    late = _call(pbx, "c-late", "+7 900 000-00-05", "1", answer=12, hangup=72)
    sent += [late[2], late[0], late[1]]  # the hang-up arrives first, then newCall, then the answer
    for ev in sent:
        r = _post(pbx, **ev)
        assert r.status_code == 200, r.text
        assert r.json() == {}
    # a PBX repeating an event: answered the same, stored once
    assert _post(pbx, **sent[1]).status_code == 200
    # form data is accepted as well (the generic CTI posts forms)
    for ev in _call(pbx, "c-form", "+7 900 000-00-06", "2-1", answer=3, hangup=33):
        assert _post(pbx, form=True, **ev).status_code == 200
    assert _count(container, CallEventRow) == 3 + 3 + 2 + 3 + 3 + 3  # the repeat is not stored again
    with container.session() as s:
        calls = {c.call_id: c for c in s.scalars(select(CallRow))}
    assert (calls["c-answered-1"].department_id, calls["c-answered-1"].topic) == ("surgut", "drug_supply")
    assert (calls["c-form"].department_id, calls["c-form"].topic) == ("cairo", "drug_supply")
    assert calls["c-late"].answered_at - calls["c-late"].offered_at == timedelta(seconds=12)
    assert calls["c-answered-1"].from_number == "+7 900 000-00-01"

    # the caller of c-answered-2 calls again within 7 days: that call was not resolved at first contact
    clock.advance(timedelta(days=3))
    for ev in _call(pbx, "c-repeat", "+7 900 000-00-02", "9", answer=5, hangup=65):
        ev["timestamp"] = (T0 + timedelta(days=2)).isoformat() + "Z"
        assert _post(pbx, **ev).status_code == 200
    with container.session() as s:
        assert s.get(CallRow, "c-repeat").department_id is None  # an unknown IVR path: the triage queue

    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", str(container.settings.database_url))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(container.settings.data_dir))
    assert main(["report", "--department", "surgut", "--period", "week", "--end", "2026-01-05", "--format", "json"]) == 0
    calls_kpis = json.loads(capsys.readouterr().out)["calls"]
    # waits 4, 25, 8, 12 s; handling 180, 60, 120, 60 s; 1 abandoned of 5 offered; c-answered-2 called again
    assert {k: v for k, v in calls_kpis.items() if k != "by_ivr"} == {
        "offered": 5, "answered": 4, "abandoned": 1, "abandonment_rate": 0.2,
        "answer_p50_s": 8.0, "answer_p90_s": 25.0, "answered_within_10s_share": 0.5,
        "handling_avg_s": 105.0, "callbacks_in_sla_share": None, "fcr_share": 0.75,
        "csat_avg": None, "csat_responses": 0,
    }
    assert calls_kpis["by_ivr"] == {"1": {"offered": 4, "answered": 3, "abandoned": 1},
                                    "1-1": {"offered": 1, "answered": 1, "abandoned": 0}}

    # the API shows the same figures to the department
    k = requests.get(f"{pbx['url']}/api/v1/kpis", headers={"Authorization": f"Bearer {pbx['officer']}"}, timeout=10)
    assert k.json()["departments"]["surgut"]["calls"]["offered"] == 5


def test_a_bad_token_is_401_and_nothing_is_stored(pbx, container):
    ev = _call(pbx, "c-x", "+7 900 000-00-09", "1", hangup=5)[0]
    assert _post(pbx, token="hp_forged", **ev).status_code == 401
    r = requests.post(f"{pbx['url']}/api/v1/calls/events", json=ev, timeout=10)
    assert r.status_code == 401
    assert _post(pbx, token=pbx["officer"], **ev).status_code == 403  # a department's token is not a PBX's
    assert _count(container, CallEventRow) == 0 and _count(container, CallRow) == 0


@pytest.mark.parametrize("change,field", [
    ({"event": "ring"}, "event"),
    ({"callId": ""}, "callId"),
    ({"cause": "tired"}, "cause"),
    ({"ivr": "sales"}, "ivr"),
    ({"timestamp": "2026-01-05 08:00"}, "timestamp"),
    ({"timestamp": "yesterday"}, "timestamp"),
    ({"direction": "sideways"}, "direction"),
])
def test_bad_fields_are_422_naming_them_and_nothing_is_stored(pbx, container, change, field):
    ev = {**_call(pbx, "c-bad", "+7 900 000-00-09", "1", hangup=5)[0], **change}
    r = _post(pbx, **ev)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert _count(container, CallEventRow) == 0


def test_a_pbx_account_cannot_sign_in_to_the_pages(container):
    from healthpulse.core.models.users import User
    from healthpulse.web.services import users as user_svc

    from tests.support.web import csrf_from

    add_user(container, "asterisk-2", "pbx")  # no password: nothing to sign in with
    add_user(container, "asterisk-3", "pbx")
    with container.session() as s:  # an account made when pbx accounts still had a password
        user_svc.set_password(s, s.scalar(select(User).where(User.username == "asterisk-3")), PASSWORD)
    client = make_web_app(container).test_client()
    for account, status in (("asterisk-2", 401), ("asterisk-3", 403)):
        page = client.get("/auth/login")
        r = client.post("/auth/login", data={"username": account, "password": PASSWORD,
                                             "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert r.status_code == status, account
        assert ("telephone exchange" in r.get_data(as_text=True)) == (status == 403)


def test_a_call_ticket_closes_only_after_a_callback_the_exchange_reported(pbx, container, clock):
    """Seed 001 (the 937 rule): an e-mail is not a callback; an unanswered outbound call counts as an attempt, an
    answered one to the caller's number lets the ticket close."""
    from healthpulse.alerts import service
    from healthpulse.alerts.tickets.lifecycle import ClosureRefused
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.core.models.tickets import CitizenContactRow, TicketRow
    from healthpulse.web.services.calls import callbacks_due

    caller = "+7 900 555-01-02"
    submit_text_appeal(container, text="Operator notes: the caller's mother got no insulin at the Surgut clinic.",
                       consent=True, channel="hotline", department_id="surgut", contact_phone=caller)
    container.worker.run_until_idle()
    with container.session() as s:
        ticket = s.scalar(select(TicketRow))
        assert ticket.channel == "hotline"
        tid = ticket.id
        service.record_contact(s, tid, "email", "reached", "officer")
    with container.session() as s, pytest.raises(ClosureRefused, match="came from a hotline call"):
        service.close_ticket(s, tid, "officer", "Insulin delivered")

    clock.advance(timedelta(hours=1))
    for i, (answer, cause) in enumerate(((None, "noAnswer"), (True, "normalClearing"))):
        call = f"cb-{i}"
        assert _post(pbx, event="newCall", callId=call, direction="outbound", to=caller, user="op-3",
                     **{"from": "1900"}).status_code == 200
        if answer:
            clock.advance(seconds=5)
            assert _post(pbx, event="answer", callId=call, user="op-3").status_code == 200
        clock.advance(seconds=30)
        assert _post(pbx, event="hangup", callId=call, cause=cause).status_code == 200
        assert _post(pbx, event="hangup", callId=call, cause=cause).status_code == 200  # a repeat: one contact
        container.worker.run_until_idle()
        with container.session() as s:
            outcomes = [c.outcome for c in s.scalars(select(CitizenContactRow).where(
                CitizenContactRow.channel == "phone").order_by(CitizenContactRow.id))]
        with container.session() as s:
            due = callbacks_due(s, "surgut")
        if not answer:
            assert outcomes == ["no_answer"]
            # shown as due again two hours after the unanswered attempt
            assert [(d["id"], d["attempts"], d["phone"]) for d in due] == [(tid, 1, caller)]
            assert due[0]["next_at"] == clock.now() + timedelta(hours=2)
            with container.session() as s, pytest.raises(ClosureRefused, match=r"1 so far"):
                service.close_ticket(s, tid, "officer", "Insulin delivered")
    assert outcomes == ["no_answer", "reached"] and due == []  # reached: no longer due
    with container.session() as s:
        assert service.close_ticket(s, tid, "officer", "Insulin delivered")["status"] == "closed"
    # the callback counts in the KPIs: called back within the ticket's deadline
    with container.session() as s:
        k = service.kpis(s, "surgut", clock.now() - timedelta(days=7), clock.now() + timedelta(days=1))
    assert k["calls"]["callbacks_in_sla_share"] == 1.0
    assert k["calls"]["offered"] == 0  # outbound callbacks are not offered traffic


def test_operator_screen_shows_the_callers_earlier_appeals_open_first(pbx, container, clock):
    import re

    from healthpulse.alerts import service
    from healthpulse.core.models.tickets import TicketRow

    from tests.support.web import login, submit_appeal

    caller = "+7 900 777-00-11"
    submit_appeal(container, "surgut", text="No insulin at the Surgut pharmacy.", contact_phone=caller)
    clock.advance(hours=1)
    submit_appeal(container, "surgut", text="The Surgut clinic keeps us waiting.", contact_phone=caller)
    submit_appeal(container, "cairo", text="No insulin in Cairo.", contact_phone=caller)  # another department's
    with container.session() as s:
        first = s.scalar(select(TicketRow).order_by(TicketRow.id))
        service.record_contact(s, first.id, "phone", "reached", "officer")
        service.close_ticket(s, first.id, "officer", "Delivered")
        ids = {t.department_id + ("-closed" if t.status == "closed" else ""): t.id for t in s.scalars(select(TicketRow))}
    clock.advance(minutes=5)
    assert _post(pbx, event="newCall", callId="ring-1", to="1900", ivr="1", direction="inbound",
                 **{"from": caller}).status_code == 200

    client = make_web_app(container).test_client()
    login(client, "surgut-officer")
    page = client.get("/department/hotline").get_data(as_text=True)
    assert 'data-call-id="ring-1"' in page and caller in page
    shown = [int(x) for x in re.findall(r'class="earlier-ticket[^"]*" data-ticket-id="(\d+)"', page)]
    assert shown == [ids["surgut"], ids["surgut-closed"]]  # open first; the Cairo ticket is not Surgut's to see
    assert 'http-equiv="refresh"' in page

    add_user(container, "cairo-officer", "department", "cairo")
    other = make_web_app(container).test_client()
    login(other, "cairo-officer")
    assert "ring-1" not in other.get("/department/hotline").get_data(as_text=True)  # routed to Surgut only


def test_demo_calls_feed_the_kpis_and_the_triage_queue(container):
    from healthpulse.appeals.calls.events import CallEvent, record_event
    from healthpulse.appeals.calls.kpis import call_kpis
    from healthpulse.wiring.demo import load_demo_calls, summarize

    now = container.clock.now()
    load_demo_calls(container, now)
    load_demo_calls(container, now)  # a second load changes nothing (events are idempotent)
    with container.session() as s:
        surgut = call_kpis(s, "surgut", now - timedelta(days=1), now + timedelta(minutes=1))
        triage = call_kpis(s, None, now - timedelta(days=1), now + timedelta(minutes=1))
    assert (surgut["offered"], surgut["answered"], surgut["abandoned"]) == (3, 2, 1)
    assert surgut["answer_p50_s"] == 6.0 and surgut["handling_avg_s"] == 167.5
    assert triage["offered"] == 1
    assert summarize(container).extra["hotline calls"] == "7 (answered 5, abandoned 2, routed to triage 1)"
    # a call forwarded before anyone answered is not abandoned: the summary counts as the KPIs do
    record_event(container, CallEvent(call_id="fwd", event="newCall", at=now, from_number="+7 900 000-00-08",
                                      direction="inbound", ivr="1"), "demo-pbx")
    record_event(container, CallEvent(call_id="fwd", event="hangup", at=now + timedelta(seconds=9),
                                      cause="forwarded"), "demo-pbx")
    assert summarize(container).extra["hotline calls"] == "8 (answered 5, abandoned 2, routed to triage 1)"


def test_csat_of_tickets_from_calls_is_in_the_call_figures(container, clock):
    """`calls.csat_avg` / `csat_responses`: the answered surveys of the department's hotline tickets in the
    period (a survey on a web appeal's ticket, or one not answered, does not count)."""
    from urllib.parse import urlparse

    from healthpulse.alerts import service
    from healthpulse.alerts.tickets.csat import submit_survey
    from healthpulse.appeals.calls.kpis import call_kpis
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.core.models.tickets import TicketRow

    for i, channel in enumerate(("hotline", "hotline", "hotline", "text_appeal")):
        submit_text_appeal(container, text=f"Caller {i}: no insulin at the Surgut pharmacy.", consent=True,
                           channel=channel, department_id="surgut", contact_phone=f"+7 900 100-00-0{i}")
    container.worker.run_until_idle()
    clock.advance(hours=1)
    tokens = []
    with container.session() as s:
        for t in s.scalars(select(TicketRow).order_by(TicketRow.id)):
            service.record_contact(s, t.id, "phone", "reached", "officer")
            url = service.close_ticket(s, t.id, "officer", "Delivered")["survey_url"]
            tokens.append(urlparse(url).path.rsplit("/", 1)[1])
    with container.session() as s:
        for token, score in zip(tokens, (5, 2, None, 1), strict=True):
            if score is not None:
                submit_survey(s, token, score, None, clock.now())
        k = call_kpis(s, "surgut", clock.now() - timedelta(days=1), clock.now() + timedelta(minutes=1))
        before = call_kpis(s, "surgut", clock.now() - timedelta(days=1), clock.now() - timedelta(minutes=1))
    assert (k["csat_avg"], k["csat_responses"]) == (3.5, 2)
    assert (before["csat_avg"], before["csat_responses"]) == (None, 0)  # answered after that period ended

    from tests.support.web import login

    add_user(container, "surgut-officer", "department", "surgut")
    clock.advance(minutes=1)
    client = make_web_app(container).test_client()
    login(client, "surgut-officer")
    page = client.get("/department/hotline?lang=en").get_data(as_text=True)
    csat = re.search(r'<dd id="kpi-csat">(.*?)</dd>', page, re.S)
    assert csat and re.sub(r"<[^>]+>|\s+", " ", csat.group(1)).split() == ["3.5", "answers:", "2"]


def test_a_blocked_caller_is_rejected_as_busy_and_no_appeal_is_made(pbx, container, monkeypatch, capsys):
    """`calls block` (audit-logged) makes the API tell the PBX to refuse the caller; `unblock` lets them through."""
    from healthpulse.appeals.calls.kpis import call_kpis
    from healthpulse.core.config_audit import recent_changes
    from healthpulse.core.models.appeals import AppealRow

    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", str(container.settings.database_url))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(container.settings.data_dir))
    assert main(["calls", "block", "+7 900 000-66-66", "--reason", "robocalls"]) == 0
    assert main(["calls", "block", "not a number"]) == 2
    capsys.readouterr()
    assert main(["calls", "blocked"]) == 0
    assert [b["number"] for b in json.loads(capsys.readouterr().out)] == ["+7 900 000-66-66"]

    blocked = _call(pbx, "c-blocked", "79000006666", "1", hangup=5)[0]  # the same digits, written otherwise
    r = _post(pbx, **blocked)
    assert r.status_code == 200
    assert r.json() == {"action": "reject", "reason": "busy"}
    assert _post(pbx, form=True, **{**blocked, "callId": "c-blocked-form"}).json()["action"] == "reject"
    other = _call(pbx, "c-other", "+7 900 000-00-07", "1", hangup=5)[0]
    assert _post(pbx, **other).json() == {}
    blocked_hangup = _call(pbx, "c-blocked", "79000006666", "1", hangup=5)[-1]  # the exchange still reports it
    assert _post(pbx, **blocked_hangup).json() == {}
    with container.session() as s:
        assert s.get(CallRow, "c-blocked") is None and s.get(CallRow, "c-other") is not None
        refused = s.scalars(select(CallEventRow).where(CallEventRow.call_id == "c-blocked")).all()
        assert [(e.event, e.from_number) for e in refused] == [("refused", None)]  # its id, not the number
        k = call_kpis(s, None, datetime(2026, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
        assert k["abandoned"] == 0  # the refused call's hang-up is no abandoned call
    rec = requests.post(f"{pbx['url']}/api/v1/calls/c-blocked/recording", files={"file": ("r.wav", b"RIFF")},
                        headers={"Authorization": f"Bearer {pbx['token']}"}, timeout=10)
    assert rec.status_code == 404  # no call was taken, so no recording can make an appeal of it
    assert _count(container, AppealRow) == 0

    assert main(["calls", "unblock", "79000006666"]) == 0
    assert _post(pbx, **blocked).json() == {}
    with container.session() as s:
        assert [c["summary"] for c in recent_changes(s, "blocked_callers")] == [
            "unblocked +7 900 000-66-66", "blocked +7 900 000-66-66"]
        assert recent_changes(s, "blocked_callers")[1]["actor"].startswith("cli")


def test_a_pbx_may_sign_the_body_or_put_its_token_in_the_url(tmp_path, clock):
    """The issue's alternatives to a bearer token: an HMAC-SHA256 signature of the raw body with the account's
    secret (HEALTHPULSE_PBX_HMAC_SECRETS), or ?token= in the URL. A wrong signature is 401 and stores nothing."""
    from urllib.parse import urlencode

    from healthpulse.web.pbx_auth import body_signature

    from tests.support.containers import make_container

    c = make_container(tmp_path, clock=clock, pbx_hmac_secrets={"asterisk-1": "s3cret", "surgut-officer": "x"})
    try:
        add_user(c, "asterisk-1", "pbx")
        add_user(c, "surgut-officer", "department", "surgut")
        with serve_app(c) as url:
            events = f"{url}/api/v1/calls/events"

            def signed(body: bytes, content_type: str, account="asterisk-1", secret="s3cret"):
                return requests.post(events, data=body, timeout=10, headers={
                    "Content-Type": content_type, "X-Healthpulse-Pbx": account,
                    "X-Healthpulse-Signature": body_signature(secret, body)})

            ev = _call(None, "c-signed", "+7 900 000-00-11", "1", answer=3, hangup=30)
            assert signed(json.dumps(ev[0]).encode(), "application/json").json() == {}
            assert signed(urlencode(ev[1]).encode(), "application/x-www-form-urlencoded").status_code == 200
            token = api_token(c, "asterisk-1")
            assert requests.post(f"{events}?token={token}", json=ev[2], timeout=10).json() == {}
            with c.session() as s:
                call = s.get(CallRow, "c-signed")
                assert call.answered_at - call.offered_at == timedelta(seconds=3) and call.ended_at is not None
                assert {e.reported_by for e in s.scalars(select(CallEventRow))} == {"asterisk-1"}

            other = json.dumps(_call(None, "c-forged", "+7 900 000-00-12", "1", hangup=5)[0]).encode()
            assert signed(other, "application/json", secret="guess").status_code == 401
            tampered = requests.post(events, data=other, timeout=10, headers={
                "Content-Type": "application/json", "X-Healthpulse-Pbx": "asterisk-1",
                "X-Healthpulse-Signature": body_signature("s3cret", other + b" ")})
            assert tampered.status_code == 401
            assert signed(other, "application/json", account="asterisk-9").status_code == 401  # no such secret
            assert signed(other, "application/json", account="surgut-officer", secret="x").status_code == 403
            assert requests.post(f"{events}?token=hp_forged", data=other, timeout=10,
                                 headers={"Content-Type": "application/json"}).status_code == 401
            with c.session() as s:
                assert s.get(CallRow, "c-forged") is None
            assert _count(c, CallEventRow) == 3
            doc = requests.get(f"{url}/api/v1/openapi.json", timeout=10).json()
            assert {"pbxSignature": [], "pbxAccount": []} in doc["paths"]["/api/v1/calls/events"]["post"]["security"]
            assert doc["components"]["securitySchemes"]["pbxUrlToken"]["in"] == "query"
    finally:
        c.close()


@pytest.mark.parametrize("lang,expected", [
    ("ar", ["\u0622\u062e\u0631 \u0667 \u0623\u064a\u0627\u0645", "\u0661-\u0661", "\u0663\u0660"]),
    ("fa", ["\u06f7 \u0631\u0648\u0632 \u0627\u062e\u06cc\u0631", "\u06f1-\u06f1", "\u06f3\u06f0"]),
])
def test_the_hotline_screen_uses_the_readers_digits(pbx, container, clock, lang, expected):
    """On Arabic and Persian pages the hotline screen's labels, IVR option and figures use Arabic-Indic / Persian
    digits like the rest of the UI (the caller's number stays as dialled, left to right)."""
    from tests.support.web import login

    for ev in _call(pbx, "c-digits", "+7 900 000-00-21", "1-1", answer=4, hangup=64):
        ev.pop("timestamp")
        assert _post(pbx, **ev).status_code == 200
    client = make_web_app(container).test_client()
    login(client, "surgut-officer")
    page = client.get(f"/department/hotline?lang={lang}").get_data(as_text=True)
    assert 'data-call-id="c-digits"' in page
    for text in expected:  # "last 7 days", IVR option 1-1, "30 minutes"
        assert text in page, text
    kpis = page[page.index('id="call-kpis"'):]
    kpis = kpis[:kpis.index("</dl>")]
    assert not any(ch in "0123456789" for ch in re.sub(r"<[^>]+>", "", kpis)), kpis


def test_the_csat_scale_is_in_each_readers_digits_whoever_came_first(pbx, container, clock):
    """"out of 5" is a constant in the template: it must be written in the digits of each request's language, not
    those of the reader whose request first compiled the template (Jinja folds constant filter calls)."""
    from tests.support.web import login

    for ev in _call(pbx, "c-scale", "+7 900 000-00-22", "1", answer=4, hangup=64):
        ev.pop("timestamp")
        assert _post(pbx, **ev).status_code == 200
    client = make_web_app(container).test_client()
    login(client, "surgut-officer")
    for lang, scale in (("en", "Satisfaction (CSAT), out of 5<"), ("ar", "\u0645\u0646 \u0665<"),
                        ("fa", "\u0627\u0632 \u06f5<"), ("en", "Satisfaction (CSAT), out of 5<")):
        page = client.get(f"/department/hotline?lang={lang}").get_data(as_text=True)
        assert scale in page, (lang, re.findall(r"CSAT[^<]*<", page))


@pytest.mark.parametrize("lang,says,three", [
    ("en", "came from a hotline call", "3"),
    ("ar", "\u0627\u0644\u062e\u0637 \u0627\u0644\u0633\u0627\u062e\u0646", "\u0663"),
    ("fa", "\u062e\u0637 \u062a\u0644\u0641\u0646 \u0648\u06cc\u0698\u0647", "\u06f3"),
])
def test_closing_a_call_ticket_after_an_email_says_a_callback_is_missing(container, lang, says, three):
    """An e-mail that reached the caller is not a callback: the officer who just recorded one is told the ticket
    came from a call and needs a phone callback (not "record a contact first"), in their language and digits."""
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.core.models.tickets import TicketRow

    from tests.support.web import csrf_from, login, version_from

    add_user(container, "surgut-officer", "department", "surgut")
    submit_text_appeal(container, text="Operator notes: the caller's mother got no insulin at the Surgut clinic.",
                       consent=True, channel="hotline", department_id="surgut", contact_phone="+7 900 555-01-03")
    container.worker.run_until_idle()
    with container.session() as s:
        tid = s.scalar(select(TicketRow.id))
    officer = make_web_app(container).test_client()
    login(officer, "surgut-officer")
    page = officer.get(f"/department/tickets/{tid}?lang={lang}").get_data(as_text=True)
    officer.post(f"/department/tickets/{tid}/contact", data={"csrf_token": csrf_from(page), "channel": "email",
                                                            "outcome": "reached"})
    page = officer.get(f"/department/tickets/{tid}?lang={lang}").get_data(as_text=True)
    r = officer.post(f"/department/tickets/{tid}/close?lang={lang}", data={
        "csrf_token": csrf_from(page), "version": version_from(page), "resolution": "Insulin delivered."})
    assert r.status_code == 422
    at_form = re.search(r'<small class="error" role="alert">(.*?)</small>', r.get_data(as_text=True), re.S).group(1)
    assert says in at_form, at_form
    assert three in at_form and (lang == "en" or not re.search(r"[0-9]", at_form)), at_form


@pytest.mark.parametrize("lang,hidden", [("en", "[hidden]"), ("ar", "[\u0645\u062e\u0641\u064a]"), ("fa", "[\u067e\u0646\u0647\u0627\u0646]")])
def test_a_masked_number_is_marked_in_the_readers_language(pbx, container, clock, lang, hidden):
    """Staff outside the call's department see the caller's number masked, and the marker is in their language."""
    from tests.support.web import login

    for ev in _call(pbx, "c-masked", "+7 900 000-00-23", "1", answer=4, hangup=64):
        ev.pop("timestamp")
        assert _post(pbx, **ev).status_code == 200
    add_user(container, "admin-1", "admin")
    client = make_web_app(container).test_client()
    login(client, "admin-1")
    page = client.get(f"/department/hotline?lang={lang}").get_data(as_text=True)
    call = page[page.index('data-call-id="c-masked"'):]
    call = call[:call.index("</h2>")]
    assert f'<bdi dir="ltr">{hidden}</bdi>' in call and "900" not in call, call
    if lang != "en":
        assert "[hidden]" not in page


def test_a_call_ticket_without_a_number_is_no_callback_and_still_closes(container):
    """A call without the caller's number (the demo's typed-in hotline appeals, a withheld number) cannot be called
    back: it is not listed as a callback due, and it closes by the general rule (any contact), not never."""
    from healthpulse.alerts import service
    from healthpulse.alerts.tickets.lifecycle import ClosureRefused
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.core.models.appeals import AppealRow
    from healthpulse.core.models.tickets import TicketRow
    from healthpulse.web.services.calls import callbacks_due

    for phone in (None, "+7 900 555-01-04", "+7 900 555-01-05"):
        submit_text_appeal(container, text="Operator notes: no insulin at the Surgut clinic.", consent=True,
                           channel="hotline", department_id="surgut", contact_phone=phone)
    container.worker.run_until_idle()
    with container.session() as s:
        numberless, called, blank = s.scalars(select(TicketRow.id).order_by(TicketRow.id)).all()
        # A number of blanks only (an exchange that sends spaces for a withheld caller) is no number either.
        s.get(AppealRow, s.get(TicketRow, blank).appeal_id).contact_phone = "   "
    with container.session() as s:
        assert [d["id"] for d in callbacks_due(s, "surgut")] == [called]
    with container.session() as s, pytest.raises(ClosureRefused, match="no contact with the citizen"):
        service.close_ticket(s, numberless, "officer", "Insulin delivered")
    with container.session() as s:
        service.record_contact(s, numberless, "tracking_page", "reached", "officer")
    with container.session() as s:
        assert service.close_ticket(s, numberless, "officer", "Insulin delivered")["status"] == "closed"
    with container.session() as s:
        service.record_contact(s, blank, "tracking_page", "reached", "officer")
    with container.session() as s:
        assert service.close_ticket(s, blank, "officer", "Insulin delivered")["status"] == "closed"
