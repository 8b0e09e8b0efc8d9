"""Access-control matrix: every route × role × own/other department returns what it should.

The test enumerates the app's URL map, so a new route without a decision
here fails the suite.  Departments never see each other's tickets, alerts,
appeal documents or videos — through pages, POST actions and the API.  The
triage desk sees only the triage queue (tickets without a department).
"""

from datetime import timedelta

import pytest
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.incidents import IncidentRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import select

from tests.support.web import add_user, api_token, csrf_from, login, news_document, submit_appeal, ticket_id_for

ROLES = ("anon", "own", "other", "press", "triage", "admin")
PUBLIC = {r: 200 for r in ROLES}
STAFF_DEPT = {"anon": 302, "own": 200, "other": 200, "press": 403, "triage": 403, "admin": 200}
SCOPED = {"anon": 302, "own": 200, "other": 404, "press": 403, "triage": 403, "admin": 200}
PRESS = {"anon": 302, "own": 403, "other": 403, "press": 200, "triage": 403, "admin": 200}
ADMIN = {"anon": 302, "own": 403, "other": 403, "press": 403, "triage": 403, "admin": 200}
TRIAGE = {"anon": 302, "own": 403, "other": 403, "press": 403, "triage": 200, "admin": 200}

# endpoint → (url template, expectations); {tid} is a ticket of the "own" department (surgut).
GET_MATRIX = {
    "citizen.home_default": ("/", {r: 302 for r in ROLES}),
    "citizen.home": ("/ru/", PUBLIC),
    "citizen.appeal": ("/fa/appeal", PUBLIC),
    "citizen.submitted": ("/en/appeal/submitted", {r: 302 for r in ROLES}),
    "citizen.track": ("/vi/track", PUBLIC),
    "citizen.faq": ("/ar/faq", PUBLIC),
    "citizen.survey_link": ("/survey/not-a-token", {r: 404 for r in ROLES}),
    "auth.login": ("/auth/login", PUBLIC),
    "department.index": ("/department/", {**STAFF_DEPT, "own": 302, "other": 302, "admin": 302}),
    "department.tickets": ("/department/tickets", STAFF_DEPT),
    "department.ticket": ("/department/tickets/{tid}", SCOPED),
    "department.media": ("/department/tickets/{tid}/media/{doc}", {**SCOPED, "own": 404, "admin": 404}),
    "department.alerts": ("/department/alerts", STAFF_DEPT),
    "department.alert": ("/department/alerts/{aid}", SCOPED),
    "triage.queue": ("/triage/", TRIAGE),
    "triage.ticket": ("/triage/tickets/{triage_tid}", TRIAGE),
    "department.praise": ("/department/praise", STAFF_DEPT),
    "department.hotline": ("/department/hotline", STAFF_DEPT),
    "press.dashboard": ("/press/", PRESS),
    "press.tables": ("/press/tables", PRESS),
    "press.part": ("/press/part/regions.html", PRESS),
    "press.alert": ("/press/alerts/{aid}", PRESS),
    "press.open_view": ("/press/views/999", {**PRESS, "press": 404, "admin": 404}),
    "press.data": ("/press/data/regions.json", PRESS),
    "press.export": ("/press/export/regions.csv", PRESS),
    "press.search": ("/press/search?q=insulin", PRESS),
    "press.faq_gaps": ("/press/faq-gaps", PRESS),
    "press.posts": ("/press/posts", PRESS),
    "incidents.press_incident": ("/press/incidents/{iid}", PRESS),
    "incidents.press_list": ("/press/incidents", PRESS),
    "incidents.department_list": ("/department/incidents", STAFF_DEPT),
    "incidents.department_incident": ("/department/incidents/{iid}", SCOPED),
    "admin.index": ("/admin/", ADMIN),
    "admin.users": ("/admin/users", ADMIN),
    "admin.edit_user": ("/admin/users/1", ADMIN),
    "admin.departments": ("/admin/departments", ADMIN),
    "admin.faq": ("/admin/faq", ADMIN),
    "admin.edit_faq": ("/admin/faq/999", {**ADMIN, "admin": 404}),
    "admin.rules": ("/admin/rules", ADMIN),
    "admin.sla": ("/admin/sla", ADMIN),
    "admin.jobs": ("/admin/jobs", ADMIN),
    "aliases.index": ("/admin/aliases/", ADMIN),
    "api.openapi": ("/api/v1/openapi.json", PUBLIC),
    "api.docs": ("/api/v1/docs", PUBLIC),
    "static": ("/static/css/app.css", PUBLIC),
    "favicon": ("/favicon.ico", {r: 301 for r in ROLES}),  # to the static icon
    "health.healthz": ("/healthz", PUBLIC),
}
# POST-only endpoints: checked separately below (CSRF, role, scope).
POST_ONLY = {"citizen.survey", "citizen.faq_vote", "auth.logout", "department.ticket_action",
             "department.alert_action", "admin.create_token", "admin.revoke_token", "admin.delete_faq",
             "department.correct", "aliases.confirm", "aliases.delete", "triage.route", "press.save_view",
             "press.delete_view", "incidents.split", "incidents.merge", "admin.retry_jobs"}
# API endpoints: token matrix below.
API = {"api.create_appeal", "api.appeal_status", "api.search_documents", "api.search", "api.dashboard_view", "api.alerts",
       "api.tickets", "api.ticket", "api.ticket_action", "api.incidents", "api.incident", "api.incident_decision", "api.kpis", "api.correct_document", "api.document_corrections",
       "calls.events", "calls.recording"}


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    """One instance for the whole matrix (read-mostly; the POST tests check they change nothing)."""
    from healthpulse.core.clock import FakeClock

    from tests.support.containers import make_container

    c = make_container(tmp_path_factory.mktemp("matrix"), clock=FakeClock())
    yield c
    c.close()


@pytest.fixture(scope="module")
def app(container):
    from tests.support.web import make_web_app

    return make_web_app(container)


@pytest.fixture(scope="module")
def world(app, container):
    """Two departments, each with an appeal ticket and an incident alert; an incident no department serves."""
    for user, role, dep in (("surgut-officer", "department", "surgut"), ("cairo-officer", "department", "cairo"),
                            ("press-office", "press", None), ("triage-desk", "triage", None), ("admin", "admin", None)):
        add_user(container, user, role, dep)
    clock = container.clock
    own_code = submit_appeal(container, "surgut", text="В Сургутской больнице нет инсулина две недели", language="ru")
    other_code = submit_appeal(container, "cairo", text="لا يوجد أنسولين في مستشفى القصر العيني", language="ar")
    for i, dep in enumerate(("surgut", "cairo")):
        container.pipeline.ingest(news_document(
            100 + i, department=dep, published=clock.now() - timedelta(hours=2), incident=True,
            text=f"Patient died after ambulance delay in {dep}; the emergency department had no doctors."))
    container.pipeline.ingest(news_document(
        199, department="atlantis", published=clock.now() - timedelta(hours=2), incident=True,
        text="Patient died after ambulance delay in a town no department serves; no doctors on duty."))
    with container.session() as s:
        alerts = {a.department_id: a.id for a in s.scalars(select(AlertRow))}
        triage_tid = s.scalar(select(TicketRow.id).where(TicketRow.department_id.is_(None)))
    clients = {"anon": app.test_client()}
    for role, user in (("own", "surgut-officer"), ("other", "cairo-officer"), ("press", "press-office"),
                       ("triage", "triage-desk"), ("admin", "admin")):
        clients[role] = app.test_client()
        assert login(clients[role], user).status_code == 302
    own_tid, other_tid = ticket_id_for(container, own_code), ticket_id_for(container, other_code)
    from healthpulse.appeals.lifecycle import get_by_code

    with container.session() as s:
        own_doc = get_by_code(s, own_code).document_id
        own_iid = s.scalar(select(IncidentRow.id).where(IncidentRow.department_id == "surgut"))
    assert own_iid is not None, "the surgut incident news opened no incident"
    return {"clients": clients, "own_tid": own_tid, "other_tid": other_tid, "alerts": alerts, "own_doc": own_doc,
            "triage_tid": triage_tid, "own_iid": own_iid}


def test_every_route_has_an_access_decision(app, world):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if not r.endpoint.startswith("video")}
    missing = endpoints - set(GET_MATRIX) - POST_ONLY - API
    assert not missing, f"routes without an access decision in the matrix: {sorted(missing)}"


@pytest.mark.parametrize("endpoint", sorted(GET_MATRIX))
def test_get_matrix(world, endpoint):
    url, expected = GET_MATRIX[endpoint]
    url = url.format(tid=world["own_tid"], doc=world["own_doc"], aid=world["alerts"]["surgut"],
                     triage_tid=world["triage_tid"], iid=world["own_iid"])
    for role in ROLES:
        r = world["clients"][role].get(url)
        assert r.status_code == expected[role], f"{endpoint} as {role}: {r.status_code} (expected {expected[role]})"
        if expected[role] == 302 and role == "anon" and endpoint.split(".")[0] in ("department", "press", "admin"):
            assert "/auth/login" in r.location


def test_lists_only_show_own_department(world):
    own = world["clients"]["own"]
    html = own.get("/department/tickets").get_data(as_text=True)
    assert f'data-ticket-id="{world["own_tid"]}"' in html
    assert f'data-ticket-id="{world["other_tid"]}"' not in html
    assert 'data-department="cairo"' not in html
    alerts_html = own.get("/department/alerts").get_data(as_text=True)
    assert 'data-department="surgut"' in alerts_html and 'data-department="cairo"' not in alerts_html
    # the other department's ticket, its documents and its video are unreachable
    assert own.get(f"/department/tickets/{world['other_tid']}").status_code == 404
    assert own.get(f"/department/tickets/{world['other_tid']}/media/{world['own_doc']}").status_code == 404
    # the press dashboard's department filter cannot be used by a department user either
    assert own.get("/press/data/regions.json").status_code == 403


@pytest.mark.parametrize("action,data", [
    ("take", {}), ("assign", {"assignee": "x"}), ("status", {"status": "in_progress"}), ("note", {"text": "n"}),
    ("reply", {"text": "r"}), ("contact", {"channel": "phone", "outcome": "reached"}),
    ("close", {"resolution": "r"}), ("reopen", {"text": "r"}),
])
def test_post_actions_on_other_departments_ticket_are_404_and_change_nothing(world, container, action, data):
    from healthpulse.core.models.tickets import TicketEventRow

    own = world["clients"]["own"]
    token = csrf_from(own.get(f"/department/tickets/{world['own_tid']}").get_data(as_text=True))
    with container.session() as s:
        before = len(list(s.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == world["other_tid"]))))
    r = own.post(f"/department/tickets/{world['other_tid']}/{action}", data={"csrf_token": token, **data})
    assert r.status_code == 404
    with container.session() as s:
        after = len(list(s.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == world["other_tid"]))))
    assert after == before
    press = world["clients"]["press"]
    press_token = csrf_from(press.get("/press/").get_data(as_text=True))
    r = press.post(f"/department/tickets/{world['own_tid']}/{action}", data={"csrf_token": press_token, **data})
    assert r.status_code == 403
    triage = world["clients"]["triage"]
    triage_token = csrf_from(triage.get("/triage/").get_data(as_text=True))
    for tid in (world["own_tid"], world["triage_tid"]):
        r = triage.post(f"/department/tickets/{tid}/{action}", data={"csrf_token": triage_token, **data})
        assert r.status_code == 403


def test_corrections_on_other_departments_ticket_are_404_and_change_nothing(world, container):
    from healthpulse.core.models.corrections import CorrectionRow
    from healthpulse.core.models.documents import DocumentRow

    own, press = world["clients"]["own"], world["clients"]["press"]
    token = csrf_from(own.get(f"/department/tickets/{world['own_tid']}").get_data(as_text=True))
    with container.session() as s:
        before = len(list(s.scalars(select(CorrectionRow))))
        other_doc = s.scalar(select(DocumentRow.id).where(DocumentRow.department == "cairo"))
    data = {"csrf_token": token, "c0-document_id": other_doc, "c0-incident": "yes", "c0-severity": "critical"}
    assert own.post(f"/department/tickets/{world['other_tid']}/documents/0/correct", data=data).status_code == 404
    press_token = csrf_from(press.get("/press/").get_data(as_text=True))
    assert press.post(f"/department/tickets/{world['own_tid']}/documents/0/correct",
                      data={**data, "csrf_token": press_token}).status_code == 403
    no_csrf = {k: v for k, v in data.items() if k != "csrf_token"}
    assert own.post(f"/department/tickets/{world['own_tid']}/documents/0/correct", data=no_csrf).status_code == 400
    # through the API: another department's document is 404, a press token 403
    tokens = {role: api_token(container, user) for role, user in (("own", "surgut-officer"), ("press", "press-office"))}
    c = world["clients"]["anon"]
    r = c.post(f"/api/v1/documents/{other_doc}/corrections", json={"incident": True},
               headers={"Authorization": f"Bearer {tokens['own']}"})
    assert r.status_code == 404
    r = c.post(f"/api/v1/documents/{world['own_doc']}/corrections", json={"incident": True},
               headers={"Authorization": f"Bearer {tokens['press']}"})
    assert r.status_code == 403
    with container.session() as s:
        assert len(list(s.scalars(select(CorrectionRow)))) == before


def test_post_without_csrf_token_is_rejected(world):
    own = world["clients"]["own"]
    r = own.post(f"/department/tickets/{world['own_tid']}/note", data={"text": "no token"})
    assert r.status_code == 400
    assert world["clients"]["anon"].post("/en/track", data={"code": "HP-AAAA-BBBB"}).status_code == 400


def test_alert_actions_scoped(world):
    own, other = world["clients"]["own"], world["clients"]["other"]
    token = csrf_from(own.get("/department/alerts").get_data(as_text=True))
    cairo_alert = world["alerts"].get("cairo")
    surgut_alert = world["alerts"].get("surgut")
    assert cairo_alert and surgut_alert, "the incident rule should have fired in both departments"
    assert own.post(f"/department/alerts/{cairo_alert}/acknowledge", data={"csrf_token": token}).status_code == 404
    assert own.post(f"/department/alerts/{surgut_alert}/acknowledge", data={"csrf_token": token}).status_code == 303
    html = own.get("/department/alerts?state=acknowledged").get_data(as_text=True)
    assert f'data-alert-id="{surgut_alert}"' in html
    token2 = csrf_from(other.get("/department/alerts").get_data(as_text=True))
    assert other.post(f"/department/alerts/{surgut_alert}/resolve", data={"csrf_token": token2}).status_code == 404


def test_admin_post_routes_need_admin(world):
    for role, home in (("press", "/press/"), ("triage", "/triage/")):
        client = world["clients"][role]
        token = csrf_from(client.get(home).get_data(as_text=True))
        for url in ("/admin/users/1/tokens", "/admin/tokens/1/revoke", "/admin/faq/1/delete", "/admin/users",
                    "/admin/sla", "/admin/aliases/", "/admin/aliases/1/delete"):
            assert client.post(url, data={"csrf_token": token}).status_code == 403, (role, url)
    assert world["clients"]["anon"].post("/admin/users", data={}).status_code in (302, 400)


def test_api_token_matrix(world, container):
    tokens = {role: api_token(container, user) for role, user in
              (("own", "surgut-officer"), ("other", "cairo-officer"), ("press", "press-office"),
               ("triage", "triage-desk"), ("admin", "admin"))}
    c = world["clients"]["anon"]

    def get(url, role=None):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        return c.get(url, headers=headers)

    own_t, other_t = world["own_tid"], world["other_tid"]
    from healthpulse.core.models.incidents import IncidentRow

    with container.session() as s:
        own_i = s.scalar(select(IncidentRow.id).where(IncidentRow.department_id == "surgut"))
    expectations = {
        "/api/v1/incidents": {None: 401, "own": 200, "other": 200, "press": 403, "admin": 200},
        f"/api/v1/incidents/{own_i}": {None: 401, "own": 200, "other": 404, "press": 403, "admin": 200},
        "/api/v1/tickets": {None: 401, "own": 200, "other": 200, "press": 403, "admin": 200},
        f"/api/v1/tickets/{own_t}": {None: 401, "own": 200, "other": 404, "press": 403, "admin": 200},
        "/api/v1/alerts": {None: 401, "own": 200, "other": 200, "press": 200, "admin": 200},
        "/api/v1/kpis": {None: 401, "own": 200, "other": 200, "press": 200, "admin": 200},
        "/api/v1/documents/search?q=insulin": {None: 401, "own": 200, "other": 200, "press": 200, "admin": 200},
        "/api/v1/search?q=insulin": {None: 401, "own": 200, "other": 200, "press": 200, "admin": 200},
        "/api/v1/dashboard/regions": {None: 401, "own": 403, "other": 403, "press": 200, "admin": 200},
        f"/api/v1/documents/{world['own_doc']}/corrections": {None: 401, "own": 200, "other": 404, "press": 403,
                                                               "admin": 200},
    }
    for url, exp in expectations.items():
        for role, status in {**exp, "triage": 403}.items():
            r = get(url, role)
            assert r.status_code == status, f"{url} as {role}: {r.status_code}"
            assert r.is_json
    own_list = get("/api/v1/tickets", "own").get_json()["tickets"]
    assert {t["department"] for t in own_list} == {"surgut"} and all(t["id"] != other_t for t in own_list)
    assert {a["department"] for a in get("/api/v1/alerts", "own").get_json()["alerts"]} == {"surgut"}
    own_incidents = get("/api/v1/incidents", "own").get_json()["incidents"]
    assert own_incidents and {i["department"] for i in own_incidents} == {"surgut"}
    assert set(get("/api/v1/kpis", "own").get_json()["departments"]) == {"surgut"}
    docs = get("/api/v1/documents/search?department=cairo", "own").get_json()
    assert {h["department"] for h in docs["hits"]} <= {"surgut"}
    assert get("/api/v1/tickets", None).headers["WWW-Authenticate"].startswith("Bearer")
    assert c.get("/api/v1/tickets", headers={"Authorization": "Bearer hp_forged"}).status_code == 401
    # changing a ticket through the API: another department's is 404 and unchanged, press and triage 403
    with container.session() as s:
        before = (s.get(TicketRow, other_t).status, s.get(TicketRow, other_t).version)
    for role, status in ((None, 401), ("own", 404), ("press", 403), ("triage", 403)):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        r = c.post(f"/api/v1/tickets/{other_t}/status", json={"status": "in_progress"}, headers=headers)
        assert r.status_code == status and r.is_json, f"status change as {role}: {r.status_code}"
    with container.session() as s:
        assert (s.get(TicketRow, other_t).status, s.get(TicketRow, other_t).version) == before


def test_triage_route_posts(world, container):
    """Only the triage desk and admins may route; an unknown department is a form error that changes nothing."""
    url = f"/triage/tickets/{world['triage_tid']}/route"
    for role in ROLES:
        client = world["clients"][role]
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        r = client.post(url, data={"csrf_token": token, "department": "atlantis"})
        expected = {"anon": 302, "triage": 422, "admin": 422}.get(role, 403)
        assert r.status_code == expected, (role, r.status_code)
    own = world["clients"]["own"]
    token = csrf_from(own.get("/department/tickets").get_data(as_text=True))
    assert own.get(f"/triage/tickets/{world['own_tid']}").status_code == 403
    assert own.post(f"/triage/tickets/{world['own_tid']}/route", data={"csrf_token": token,
                                                                        "department": "surgut"}).status_code == 403
    with container.session() as s:
        assert s.get(TicketRow, world["triage_tid"]).department_id is None


def test_call_events_take_only_a_pbx_token(world, container):
    """A department, press or triage token may not report calls (403); no token is 401; nothing is stored."""
    from healthpulse.core.models.calls import CallEventRow

    tokens = {role: api_token(container, user) for role, user in
              (("own", "surgut-officer"), ("press", "press-office"), ("triage", "triage-desk"))}
    c = world["clients"]["anon"]
    event = {"event": "newCall", "callId": "matrix-1", "from": "+7 900 000-00-01", "ivr": "1"}
    assert c.post("/api/v1/calls/events", json=event).status_code == 401
    for role, token in tokens.items():
        r = c.post("/api/v1/calls/events", json=event, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403, role
    with container.session() as s:
        assert s.scalar(select(CallEventRow.id)) is None
