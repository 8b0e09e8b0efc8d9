"""Issue 15.10: inbox search, "my tickets", pagination, assignee choice, local contact time, closing, alerts, phones.

The server side of the inbox tools (the browser flows are in tests/e2e/test_inbox_tools.py):
a real app on a real embedded container, driven through its forms.
"""

from datetime import UTC, datetime, timedelta

import pytest
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.tickets import CitizenContactRow, TicketEventRow, TicketRow
from sqlalchemy import select

from tests.support.web import add_user, csrf_from, login, news_document, submit_appeal, ticket_id_for, version_from

INSULIN_RU = "В Сургутской больнице нет ИНСУЛИНА две недели, пациенты покупают его сами"


def _client(app, user):
    c = app.test_client()
    assert login(c, user).status_code == 302
    return c


def _ticket_ids(html: str) -> list[int]:
    return [int(part.split('"')[0]) for part in html.split('data-ticket-id="')[1:]]


def _events(container, tid, action=None):
    with container.session() as s:
        q = select(TicketEventRow).where(TicketEventRow.ticket_id == tid)
        if action:
            q = q.where(TicketEventRow.action == action)
        return list(s.scalars(q))


# -- search, my tickets, pagination ---------------------------------------------------
def test_search_matches_title_text_and_tracking_code_within_scope(app, accounts, container):
    own_code = submit_appeal(container, "surgut", text=INSULIN_RU, language="ru")
    other = submit_appeal(container, "surgut", text="Очередь в поликлинике на месяц вперёд, запись не работает",
                          language="ru", topic="waiting_times")
    cairo_code = submit_appeal(container, "cairo", text="No insulin at the Kasr Al Ainy pharmacy for two weeks")
    own, other_tid = ticket_id_for(container, own_code), ticket_id_for(container, other)
    officer = _client(app, "surgut-officer")
    # text, any case (Cyrillic folded too), and only the own department's tickets
    for q in ("инсулин", "ИнСуЛиН", "insulin"):
        html = officer.get("/department/tickets", query_string={"q": q}).get_data(as_text=True)
        ids = _ticket_ids(html)
        if q == "insulin":
            assert ids == [], "another department's ticket must not be found"
        else:
            assert ids == [own], (q, ids)
    # the citizen's tracking code, typed in lower case
    html = officer.get("/department/tickets", query_string={"q": own_code.lower()}).get_data(as_text=True)
    assert _ticket_ids(html) == [own]
    assert _ticket_ids(officer.get("/department/tickets", query_string={"q": cairo_code}).get_data(as_text=True)) == []
    # the ticket number
    assert _ticket_ids(officer.get(f"/department/tickets?q=%23{other_tid}").get_data(as_text=True)) == [other_tid]
    # LIKE wildcards are literal
    assert _ticket_ids(officer.get("/department/tickets?q=%25").get_data(as_text=True)) == []
    # the search box keeps the query
    assert 'value="инсулин"' in officer.get("/department/tickets?q=инсулин").get_data(as_text=True)
    assert officer.get("/department/tickets?q=" + "x" * 201).status_code == 400


def test_my_tickets_lists_only_tickets_assigned_to_me(app, accounts, container):
    add_user(container, "surgut-second", "department", "surgut")
    codes = [submit_appeal(container, "surgut", text=f"Appeal number {i} about the Surgut clinic queue") for i in range(3)]
    tids = [ticket_id_for(container, c) for c in codes]
    me, colleague = _client(app, "surgut-officer"), _client(app, "surgut-second")
    for tid, who in ((tids[0], me), (tids[1], colleague)):
        page = who.get(f"/department/tickets/{tid}").get_data(as_text=True)
        assert who.post(f"/department/tickets/{tid}/take", data={"csrf_token": csrf_from(page),
                                                                "version": version_from(page)}).status_code == 303
    assert _ticket_ids(me.get("/department/tickets?mine=1").get_data(as_text=True)) == [tids[0]]
    assert _ticket_ids(colleague.get("/department/tickets?mine=1").get_data(as_text=True)) == [tids[1]]
    assert set(_ticket_ids(me.get("/department/tickets").get_data(as_text=True))) >= set(tids)
    assert me.get("/department/tickets?mine=maybe").status_code == 400


def test_pages_keep_the_filters_in_their_links(app, accounts, container):
    for i in range(12):
        submit_appeal(container, "surgut", text=f"Waiting times report {i}: the polyclinic queue is weeks long",
                      topic="waiting_times")
    officer = _client(app, "surgut-officer")
    first = officer.get("/department/tickets?q=polyclinic&per_page=10").get_data(as_text=True)
    second = officer.get("/department/tickets?q=polyclinic&per_page=10&page=2").get_data(as_text=True)
    assert len(_ticket_ids(first)) == 10 and len(_ticket_ids(second)) == 2
    assert not set(_ticket_ids(first)) & set(_ticket_ids(second))
    nxt = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "q=polyclinic" in nxt and "per_page=10" in nxt and "page=2" in nxt
    assert 'rel="prev"' in second and 'rel="next"' not in second
    for bad in ("page=0", "page=x", "per_page=7"):
        assert officer.get(f"/department/tickets?{bad}").status_code == 400, bad


# -- assignee: a select of the people who may work on the ticket -----------------------------
def test_assign_offers_only_active_users_of_the_department_and_refuses_others(app, accounts, container):
    add_user(container, "surgut-second", "department", "surgut")
    add_user(container, "surgut-gone", "department", "surgut")
    from healthpulse.core.models.users import User

    with container.session() as s:
        s.scalar(select(User).where(User.username == "surgut-gone")).active = False
    tid = ticket_id_for(container, submit_appeal(container, "surgut"))
    officer = _client(app, "surgut-officer")
    html = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    select_html = html.split('<select id="assignee"')[1].split("</select>")[0]
    offered = {part.split('"')[0] for part in select_html.split('value="')[1:]}
    assert offered - {""} == {"surgut-officer", "surgut-second", "admin"}  # "" is the empty first choice
    token = csrf_from(html)
    for ghost in ("nobody-by-that-name", "cairo-officer", "press-office", "surgut-gone"):
        r = officer.post(f"/department/tickets/{tid}/assign", data={"csrf_token": token, "assignee": ghost,
                                                                       "version": version_from(html)})
        assert r.status_code == 422, ghost
        page = r.get_data(as_text=True)
        assert 'id="assign-form"' in page and 'class="error"' in page.split('id="assign-form"')[1].split("</form>")[0]
    assert _events(container, tid, "assigned") == []
    r = officer.post(f"/department/tickets/{tid}/assign", data={"csrf_token": token, "assignee": "surgut-second",
                                                                   "version": version_from(html)})
    assert r.status_code == 303
    with container.session() as s:
        assert s.get(TicketRow, tid).assignee == "surgut-second"


def test_service_refuses_an_unknown_assignee_even_without_the_form(app, accounts, container):
    from healthpulse.web.services import tickets as svc
    from healthpulse.web.services.users import Principal

    tid = ticket_id_for(container, submit_appeal(container, "surgut"))
    officer = Principal(1, "surgut-officer", "department", "surgut")
    with pytest.raises(svc.ActionRefused):
        svc.act(container, officer, tid, "assign", assignee="cairo-officer")
    assert svc.act(container, officer, tid, "assign", assignee="admin")["assignee"] == "admin"


# -- contact time in the instance's time zone -------------------------------------------------
@pytest.fixture
def tehran(tmp_path, clock):
    from tests.support.containers import make_container

    c = make_container(tmp_path, clock=clock, timezone="Asia/Tehran")
    yield c
    c.close()


def test_contact_time_is_typed_in_the_local_zone_and_stored_in_utc(tehran):
    from tests.integration.web.conftest import make_accounts
    from tests.support.web import make_web_app

    make_accounts(tehran)
    app = make_web_app(tehran)
    tid = ticket_id_for(tehran, submit_appeal(tehran, "tehran", contact_phone="+98 21 1234 5678"))
    officer = _client(app, "admin")
    html = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    assert 'type="datetime-local"' in html and "Tehran, UTC+03:30" in html and "UTC)" not in html
    # 11:00 in Tehran (UTC+03:30) is 07:30 UTC; the clock says 09:00 UTC (12:30 in Tehran)
    r = officer.post(f"/department/tickets/{tid}/contact", data={
        "csrf_token": csrf_from(html), "channel": "phone", "outcome": "reached", "at": "2026-01-05T11:00"})
    assert r.status_code == 303
    with tehran.session() as s:
        contact = s.scalar(select(CitizenContactRow).where(CitizenContactRow.ticket_id == tid))
    assert contact.at == datetime(2026, 1, 5, 7, 30, tzinfo=UTC)
    # the page shows it back in local time
    assert "11:00" in officer.get(f"/department/tickets/{tid}").get_data(as_text=True).split('id="contacts"')[1]


def test_an_unknown_time_zone_is_a_settings_error(tmp_path):
    from healthpulse.core.config_files import ConfigError
    from healthpulse.core.settings import load_settings

    with pytest.raises(ConfigError, match="timezone"):
        load_settings(None, timezone="Mars/Olympus")


# -- closing: the citizen sees the resolution; the rule is help before, an error after ---------------
def test_close_form_explains_the_rule_and_errors_only_after_an_attempt(app, accounts, container):
    code = submit_appeal(container, "surgut", contact_phone="+7 912 345 67 89")
    tid = ticket_id_for(container, code)
    officer = _client(app, "surgut-officer")
    html = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    close_form = html.split('id="close-form"')[1].split("</form>")[0]
    assert "flash-error" not in close_form and 'class="error"' not in close_form and "cannot be closed" not in html
    assert 'id="close-rule"' in close_form and "visible to the citizen" in close_form
    r = officer.post(f"/department/tickets/{tid}/close", data={
        "csrf_token": csrf_from(html), "version": version_from(html), "resolution": "Insulin delivered to the pharmacy.",
        "internal_note": "Supplier was late; escalated to the ministry."})
    assert r.status_code == 422
    close_form = r.get_data(as_text=True).split('id="close-form"')[1].split("</form>")[0]
    assert 'class="error"' in close_form
    assert "Insulin delivered to the pharmacy." in close_form  # what was typed is kept
    assert "Supplier was late" in close_form
    assert _events(container, tid, "note") == [] and _events(container, tid, "closed") == []


def test_internal_note_at_closing_stays_internal(app, accounts, container):
    code = submit_appeal(container, "surgut", contact_phone="+7 912 345 67 89")
    tid = ticket_id_for(container, code)
    officer = _client(app, "surgut-officer")
    html = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    token = csrf_from(html)
    officer.post(f"/department/tickets/{tid}/contact", data={"csrf_token": token, "channel": "phone",
                                                            "outcome": "reached"})
    r = officer.post(f"/department/tickets/{tid}/close", data={
        "csrf_token": token, "version": version_from(html), "resolution": "Insulin delivered to the pharmacy.",
        "internal_note": "Supplier was late; escalated to the ministry."})
    assert r.status_code == 303
    notes = _events(container, tid, "note")
    assert [n.text for n in notes] == ["Supplier was late; escalated to the ministry."] and not notes[0].public
    citizen = app.test_client()
    citizen.post("/en/track", data={"code": code, "csrf_token": csrf_from(citizen.get("/en/track").get_data(as_text=True))})
    public = citizen.get("/en/track").get_data(as_text=True)
    assert "Insulin delivered to the pharmacy." in public and "Supplier was late" not in public


# -- alerts open, link their documents and ticket; scoped like tickets ---------------------------
def test_alert_detail_links_documents_and_ticket_and_is_scoped(app, accounts, container, clock):
    for i, dep in enumerate(("surgut", "cairo")):
        container.pipeline.ingest(news_document(
            500 + i, department=dep, published=clock.now() - timedelta(hours=1), incident=True,
            text=f"Patient died after an ambulance delay in {dep}; no doctor on duty."))
    with container.session() as s:
        alerts = {a.department_id: a.id for a in s.scalars(select(AlertRow))}
        ticket = s.scalar(select(TicketRow).where(TicketRow.alert_id == alerts["surgut"]))
    assert ticket is not None
    officer = _client(app, "surgut-officer")
    listing = officer.get("/department/alerts").get_data(as_text=True)
    assert f'href="/department/alerts/{alerts["surgut"]}"' in listing
    r = officer.get(f"/department/alerts/{alerts['surgut']}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'href="/department/tickets/{ticket.id}"' in html
    assert 'href="https://example-news.example/500"' in html  # the document's source
    assert f'href="/department/tickets/{ticket.id}#doc-' in html  # the document inside its ticket
    assert officer.get(f"/department/alerts/{alerts['cairo']}").status_code == 404
    assert officer.get("/department/alerts/999999").status_code == 404
    assert _client(app, "press-office").get(f"/department/alerts/{alerts['surgut']}").status_code == 403
    assert app.test_client().get(f"/department/alerts/{alerts['surgut']}").status_code == 302
    assert _client(app, "admin").get(f"/department/alerts/{alerts['cairo']}").status_code == 200


def test_alert_detail_never_links_a_script_url(app, accounts, container, clock):
    doc = news_document(600, department="surgut", published=clock.now() - timedelta(hours=1), incident=True,
                        text="A patient died after an ambulance delay in Surgut; no doctor on duty.")
    doc = doc.model_copy(update={"url": "javascript:alert(1)"})
    container.pipeline.ingest(doc)
    with container.session() as s:
        alert_id = s.scalar(select(AlertRow.id).where(AlertRow.department_id == "surgut"))
    r = _client(app, "surgut-officer").get(f"/department/alerts/{alert_id}")
    assert r.status_code == 200 and "ambulance delay in Surgut" in r.get_data(as_text=True)
    assert "javascript:" not in r.get_data(as_text=True)


# -- phone numbers are tel: links, only when they are numbers --------------------------------
@pytest.mark.parametrize("phone,href", [
    ("+20 (100) 222-3333", "tel:+201002223333"),
    ("+98 ۹۱۲ ۳۴۵ ۶۷۸۹", "tel:+989123456789"),
    ("8 912 345-67-89", "tel:89123456789"),
    ('+7 912"><script>alert(1)</script>', None),
    ("call me after six", None),
])
def test_citizen_phone_is_a_tel_link_when_valid(app, accounts, container, phone, href):
    tid = ticket_id_for(container, submit_appeal(container, "surgut"))
    from healthpulse.core.models.appeals import AppealRow

    with container.session() as s:
        s.get(AppealRow, s.get(TicketRow, tid).appeal_id).contact_phone = phone
    html = _client(app, "surgut-officer").get(f"/department/tickets/{tid}").get_data(as_text=True)
    citizen = html.split('id="citizen"')[1].split("</section>")[0]
    assert "<script>" not in citizen
    if href is None:
        assert "tel:" not in citizen
    else:
        assert f'href="{href}"' in citizen


def test_a_backfilled_incident_is_a_past_episode_on_the_alerts_page(app, accounts, container, clock):
    """Issue 21: an incident published long before it was ingested is recorded (filter "Past episode"), not
    listed among the live alerts and not given a ticket; a fresh one is listed as usual."""
    for n, age in ((700, timedelta(days=9)), (701, timedelta(hours=2))):
        container.pipeline.ingest(news_document(
            n, department="surgut", published=clock.now() - age, incident=True,
            text=f"Patient died after an ambulance delay in Surgut (report {n}); no doctor on duty."))
    with container.session() as s:
        states = {a.state: a.id for a in s.scalars(select(AlertRow))}
        assert s.scalar(select(TicketRow).where(TicketRow.alert_id == states["past"])) is None
    officer = _client(app, "surgut-officer")
    live = officer.get("/department/alerts").get_data(as_text=True)
    assert f'data-alert-id="{states["open"]}"' in live and f'data-alert-id="{states["past"]}"' not in live
    past = officer.get("/department/alerts?state=past").get_data(as_text=True)
    assert f'data-alert-id="{states["past"]}"' in past and f'data-alert-id="{states["open"]}"' not in past
    assert 'href="/department/alerts?state=past"' in live
    # What a past episode is, said where one is shown (the list's filter and the alert's own page).
    assert 'id="past-note"' in past and 'id="past-note"' not in live
    detail = officer.get(f"/department/alerts/{states['past']}").get_data(as_text=True)
    assert 'id="past-note"' in detail and "nobody was paged" in detail
    assert 'id="past-note"' not in officer.get(f"/department/alerts/{states['open']}").get_data(as_text=True)
