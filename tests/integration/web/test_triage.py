"""Issue 16 (risk): tickets and appeals no department was found for wait in a triage queue with its own role.

The triage desk sees only unrouted tickets (masked contacts, no department's
data), routes one to a department, and the department then has it; every
other role is refused (403), a routed ticket is gone from the triage scope
(404), and the access checks fail closed for the new role elsewhere
(department pages, press, admin, the API).
"""

from datetime import timedelta

import pytest
from healthpulse.core.models.alerts import AlertRow, NotificationRow
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.tickets import TicketEventRow, TicketRow
from sqlalchemy import select

from tests.integration.web.conftest import make_accounts
from tests.support.web import add_user, api_token, csrf_from, login, news_document, submit_appeal, ticket_id_for

CALLER_PHONE = "+7 912 345 67 89"


def _unrouted_appeal(container) -> tuple[str, int]:
    """A hotline appeal with no department: the caller named no place any department serves."""
    from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, link_document
    from healthpulse.core.domain import Channel, Document

    now = container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=Channel.HOTLINE, now=now, language="ru", department_id=None,
                               topic="drug_supply", contact_phone=CALLER_PHONE, consent=True)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
        appeal_id, code = appeal.id, appeal.tracking_code
    container.pipeline.ingest(Document(
        id=doc_id, channel=Channel.HOTLINE, source="hotline", language_hint="ru", published_at=now, fetched_at=now,
        text=f"В аптеке нет инсулина уже две недели, перезвоните мне по номеру {CALLER_PHONE}"))
    with container.session() as s:
        tid = s.scalar(select(TicketRow.id).where(TicketRow.appeal_id == appeal_id))
    assert tid is not None
    return code, tid


@pytest.fixture
def world(app, container, clock):
    make_accounts(container)
    add_user(container, "triage-desk", "triage")
    code, appeal_tid = _unrouted_appeal(container)
    container.pipeline.ingest(news_document(
        700, department="atlantis", published=clock.now() - timedelta(hours=1), incident=True,
        text="A hospital no department serves ran out of oxygen; patients were moved at night."))
    with container.session() as s:
        alert_tid = s.scalar(select(TicketRow.id).where(TicketRow.department_id.is_(None), TicketRow.origin == "alert"))
    assert alert_tid is not None
    routed_tid = ticket_id_for(container, submit_appeal(container, "surgut"))
    clients = {"anon": app.test_client()}
    for role, user in (("department", "surgut-officer"), ("press", "press-office"), ("triage", "triage-desk"),
                       ("admin", "admin")):
        clients[role] = app.test_client()
        assert login(clients[role], user).status_code == 302
    return {"clients": clients, "appeal_tid": appeal_tid, "alert_tid": alert_tid, "routed_tid": routed_tid,
            "code": code}


def _route(client, tid, department):
    page = client.get(f"/triage/tickets/{tid}")
    token = csrf_from(page.get_data(as_text=True)) if page.status_code == 200 else csrf_from(
        client.get("/auth/login").get_data(as_text=True))
    return client.post(f"/triage/tickets/{tid}/route", data={"csrf_token": token, "department": department})


def test_triage_pages_are_for_the_triage_desk_and_admins_only(world):
    c = world["clients"]
    expected = {"anon": 302, "department": 403, "press": 403, "triage": 200, "admin": 200}
    for url in ("/triage/", f"/triage/tickets/{world['appeal_tid']}"):
        for role, status in expected.items():
            assert c[role].get(url).status_code == status, (url, role)
    assert "/auth/login" in c["anon"].get("/triage/").location
    # a ticket that already has a department is outside the triage scope, for admins too
    assert c["triage"].get(f"/triage/tickets/{world['routed_tid']}").status_code == 404
    assert c["admin"].get(f"/triage/tickets/{world['routed_tid']}").status_code == 404
    assert c["triage"].get("/triage/tickets/999999").status_code == 404


def test_the_triage_role_reaches_nothing_else(world, container):
    triage = world["clients"]["triage"]
    for url in ("/department/tickets", "/department/alerts", f"/department/tickets/{world['appeal_tid']}",
                f"/department/tickets/{world['routed_tid']}", "/press/", "/press/search?q=insulin", "/admin/",
                "/admin/users"):
        assert triage.get(url).status_code == 403, url
    token = api_token(container, "triage-desk")
    for url in ("/api/v1/tickets", f"/api/v1/tickets/{world['appeal_tid']}", "/api/v1/alerts", "/api/v1/kpis",
                "/api/v1/documents/search?q=insulin", "/api/v1/dashboard/regions"):
        r = triage.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403, url


def test_scope_fails_closed_for_roles_without_a_department_scope():
    from healthpulse.web.services.tickets import department_ids, scope_of
    from healthpulse.web.services.users import Principal

    assert department_ids(Principal(1, "t", "triage", None)) == [scope_of(Principal(1, "t", "triage", None))]
    assert department_ids(Principal(1, "x", "some-future-role", None)) != []  # a list: never "all departments"
    assert department_ids(Principal(1, "x", "some-future-role", None)) is not None
    assert department_ids(Principal(1, "a", "admin", None)) is None
    assert department_ids(Principal(1, "d", "department", "surgut")) == ["surgut"]


def test_queue_lists_unrouted_tickets_and_appeals_with_contacts_masked(world):
    html = world["clients"]["triage"].get("/triage/").get_data(as_text=True)
    assert f'data-ticket-id="{world["appeal_tid"]}"' in html and f'data-ticket-id="{world["alert_tid"]}"' in html
    assert f'data-ticket-id="{world["routed_tid"]}"' not in html
    page = world["clients"]["triage"].get(f"/triage/tickets/{world['appeal_tid']}").get_data(as_text=True)
    # the caller's number is masked for the triage desk (matched whole: a bare "912" also occurs in random tokens)
    assert "инсулина" in page and "[hidden]" in page
    assert CALLER_PHONE not in page and "9123456789" not in page
    assert 'id="route-form"' in page and 'value="cairo"' in page


def test_routing_gives_the_ticket_its_department(world, container, app):
    triage, tid = world["clients"]["triage"], world["appeal_tid"]
    officer = app.test_client()
    assert login(officer, "cairo-officer").status_code == 302
    assert officer.get(f"/department/tickets/{tid}").status_code == 404  # not yet theirs
    r = _route(triage, tid, "cairo")
    assert r.status_code == 303 and r.location.endswith("/triage/")
    with container.session() as s:
        t = s.get(TicketRow, tid)
        appeal = s.get(AppealRow, t.appeal_id)
        routed = s.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == tid,
                                                        TicketEventRow.action == "routed")).all()
        mail = s.scalars(select(NotificationRow).where(NotificationRow.ticket_id == tid,
                                                       NotificationRow.department_id == "cairo")).all()
    assert t.department_id == "cairo" and appeal.department_id == "cairo"
    assert [(e.actor, e.new_value) for e in routed] == [("triage-desk", "cairo")]
    assert mail, "the department is told about its new ticket"
    # the department now has it, with the caller's number visible to it; the queue no longer lists it
    page = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    assert CALLER_PHONE in page and "tel:+79123456789" in page
    assert f'data-ticket-id="{tid}"' not in triage.get("/triage/").get_data(as_text=True)
    # once routed, the triage desk cannot reach or re-route it
    assert triage.get(f"/triage/tickets/{tid}").status_code == 404
    assert _route(triage, tid, "giza").status_code == 404
    with container.session() as s:
        assert s.get(TicketRow, tid).department_id == "cairo"


def test_routing_an_alert_ticket_moves_its_alert_too(world, container):
    assert _route(world["clients"]["admin"], world["alert_tid"], "giza").status_code == 303
    with container.session() as s:
        t = s.get(TicketRow, world["alert_tid"])
        assert t.department_id == "giza" and s.get(AlertRow, t.alert_id).department_id == "giza"


@pytest.mark.parametrize("department", ["atlantis", "", "cairo'; --"])
def test_an_unknown_department_is_a_form_error_and_changes_nothing(world, container, department):
    r = _route(world["clients"]["triage"], world["appeal_tid"], department)
    assert r.status_code == 422
    form = r.get_data(as_text=True).split('id="route-form"')[1].split("</form>")[0]
    assert 'class="error"' in form
    with container.session() as s:
        assert s.get(TicketRow, world["appeal_tid"]).department_id is None


def test_other_roles_cannot_route(world, container):
    for role in ("department", "press"):
        assert _route(world["clients"][role], world["appeal_tid"], "surgut").status_code == 403, role
    r = world["clients"]["triage"].post(f"/triage/tickets/{world['appeal_tid']}/route", data={"department": "surgut"})
    assert r.status_code == 400  # no CSRF token
    with container.session() as s:
        assert s.get(TicketRow, world["appeal_tid"]).department_id is None


def test_admin_creates_a_triage_user_who_lands_on_the_queue(world, app):
    admin = world["clients"]["admin"]
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    assert 'value="triage"' in admin.get("/admin/users").get_data(as_text=True)
    r = admin.post("/admin/users", data={"csrf_token": token, "username": "triage-two", "password": "a-long-password",
                                         "role": "triage", "department": "", "active": "y"})
    assert r.status_code == 303
    bad = admin.post("/admin/users", data={"csrf_token": token, "username": "triage-three",
                                           "password": "a-long-password", "role": "triage", "department": "cairo",
                                           "active": "y"}, follow_redirects=True)
    assert "has no department" in bad.get_data(as_text=True)  # the service's refusal, through the page translations
    desk = app.test_client()
    r = login(desk, "triage-two", "a-long-password")
    assert r.status_code == 302 and r.location.endswith("/triage/")
