"""Admin pages (users, tokens, FAQ, rules validation, SLA) and the inbox filters/counters."""

import re
from datetime import timedelta

import pytest

from tests.support.web import csrf_from, login, submit_appeal, ticket_id_for, version_from


def _admin(app):
    c = app.test_client()
    assert login(c, "admin").status_code == 302
    return c


def test_admin_creates_department_user_who_can_log_in(app, accounts):
    admin = _admin(app)
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    r = admin.post("/admin/users", data={"csrf_token": token, "username": "giza-officer", "password": "a-long-password",
                                         "role": "department", "department": "giza", "active": "y"})
    assert r.status_code == 303
    bad = admin.post("/admin/users", data={"csrf_token": token, "username": "x", "password": "a-long-password",
                                           "role": "department", "department": "", "active": "y"},
                     follow_redirects=True)
    assert "needs" in bad.get_data(as_text=True)
    officer = app.test_client()
    r = login(officer, "giza-officer", "a-long-password")
    assert r.status_code == 302 and r.location.endswith("/department/tickets")
    assert officer.get("/admin/users").status_code == 403


@pytest.mark.parametrize("lang,says", [("en", "has no password"), ("ar", "كلمة مرور"),
                                       ("fa", "رمز عبور")])
def test_admin_creates_a_pbx_account_without_a_password(app, accounts, container, lang, says):
    """A telephone exchange authenticates with its API token: the form needs no password for it, and refuses one."""
    from healthpulse.core.models.users import User
    from sqlalchemy import select

    admin = _admin(app)
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    r = admin.post("/admin/users", data={"csrf_token": token, "username": "asterisk-1", "password": "",
                                         "role": "pbx", "department": "", "active": "y"})
    assert r.status_code == 303
    bad = admin.post(f"/admin/users?lang={lang}", data={"csrf_token": token, "username": "asterisk-2",
                                                        "password": "a-long-password", "role": "pbx",
                                                        "department": "", "active": "y"}, follow_redirects=True)
    flashed = re.search(r'class="flash flash-error"[^>]*>(.*?)</p>', bad.get_data(as_text=True), re.S).group(1)
    assert says in flashed, flashed
    with container.session() as s:
        assert list(s.scalars(select(User.username).where(User.role == "pbx"))) == ["asterisk-1"]


def test_admin_deactivation_ends_sessions(app, accounts, container):
    from healthpulse.core.models.users import User
    from sqlalchemy import select

    officer = app.test_client()
    login(officer, "cairo-officer")
    assert officer.get("/department/tickets").status_code == 200
    admin = _admin(app)
    with container.session() as s:
        uid = s.scalar(select(User.id).where(User.username == "cairo-officer"))
    page = admin.get(f"/admin/users/{uid}").get_data(as_text=True)
    admin.post(f"/admin/users/{uid}", data={"csrf_token": csrf_from(page), "username": "cairo-officer",
                                             "role": "department", "department": "cairo"})  # active unchecked
    assert officer.get("/department/tickets").status_code == 302


def test_api_token_created_once_and_revoked(app, accounts, container):
    admin = _admin(app)
    page = admin.get("/admin/users").get_data(as_text=True)
    admin.post("/admin/users/1/tokens", data={"csrf_token": csrf_from(page), "name": "etl"})
    page = admin.get("/admin/users").get_data(as_text=True)
    token = page.split('id="new-token" dir="ltr">')[1].split("<")[0]
    assert admin.get("/admin/users").get_data(as_text=True).count(token) == 0  # shown once
    api = app.test_client()
    assert api.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    from healthpulse.core.models.users import ApiToken

    with container.session() as s:
        tid = s.query(ApiToken).one().id
    admin.post(f"/admin/tokens/{tid}/revoke", data={"csrf_token": csrf_from(page)})
    assert api.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_faq_managed_by_admin_voted_by_citizens(app, accounts):
    admin = _admin(app)
    token = csrf_from(admin.get("/admin/faq").get_data(as_text=True))
    admin.post("/admin/faq", data={"csrf_token": token, "topic": "waiting_times", "language": "vi",
                                   "question": "Phải chờ khám bao lâu?", "answer": "Không quá 14 ngày làm việc.",
                                   "position": "0", "published": "y"})
    citizen = app.test_client()
    page = citizen.get("/vi/faq").get_data(as_text=True)
    assert "Phải chờ khám bao lâu?" in page
    assert "Phải chờ khám bao lâu?" not in citizen.get("/ru/faq").get_data(as_text=True)
    entry_id = int(page.split('id="faq-')[1].split('"')[0])
    citizen.post(f"/vi/faq/{entry_id}/vote", data={"csrf_token": csrf_from(page), "useful": "yes"})
    citizen.post(f"/vi/faq/{entry_id}/vote", data={"csrf_token": csrf_from(page), "useful": "no"})  # same session: ignored
    other = app.test_client()
    p2 = other.get("/vi/faq").get_data(as_text=True)
    other.post(f"/vi/faq/{entry_id}/vote", data={"csrf_token": csrf_from(p2), "useful": "no"})
    listing = admin.get("/admin/faq").get_data(as_text=True)
    assert ">50%<" in listing
    assert "Hữu ích với 50%" in app.test_client().get("/vi/faq").get_data(as_text=True)


def test_rules_are_validated_with_line_and_field(app, accounts):
    admin = _admin(app)
    page = admin.get("/admin/rules").get_data(as_text=True)
    assert "rules:" in page
    bad = "rules:\n  - id: broken\n    type: incident\n    severity: apocalyptic\n"
    r = admin.post("/admin/rules", data={"csrf_token": csrf_from(page), "text": bad, "validate": "1"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="rule-problems"' in html
    assert 'data-line="4"' in html and "rules[0].severity" in html and "unknown key; did you mean min_severity?" in html


def test_sla_hours_saved(app, accounts, container):
    admin = _admin(app)
    page = admin.get("/admin/sla").get_data(as_text=True)
    r = admin.post("/admin/sla", data={"csrf_token": csrf_from(page), "critical": "2", "high": "12", "medium": "48",
                                       "low": "100"})
    assert r.status_code == 303
    from healthpulse.alerts.service import get_sla_settings

    with container.session() as s:
        assert get_sla_settings(s, container.settings)["critical"] == 2.0


def test_inbox_filters_sort_and_counters(app, accounts, container, clock):
    codes = [submit_appeal(container, "surgut", topic=t, text=f"Обращение номер {i}: проблема в поликлинике Сургута")
             for i, t in enumerate(["drug_supply", "waiting_times", "waiting_times"])]
    officer = app.test_client()
    login(officer, "surgut-officer")
    html = officer.get("/department/tickets").get_data(as_text=True)
    assert html.count('class="ticket-row"') == 3
    assert html.count('class="ticket-row"') == len(codes)
    assert officer.get("/department/tickets?topic=waiting_times").get_data(as_text=True).count('class="ticket-row"') == 2
    clock.advance(timedelta(days=30))
    late = officer.get("/department/tickets?sla=breached").get_data(as_text=True)
    assert late.count('class="ticket-row"') == 3
    assert officer.get("/department/tickets?sort=bogus").status_code == 400
    tid = ticket_id_for(container, codes[0])
    page = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    officer.post(f"/department/tickets/{tid}/status", data={"csrf_token": csrf_from(page), "status": "in_progress",
                                                                 "version": version_from(page)})
    assert officer.get("/department/tickets?status=in_progress").get_data(as_text=True).count('class="ticket-row"') == 1
    counters = officer.get("/department/tickets").get_data(as_text=True).split('id="counters"')[1].split("</div>")[0]
    assert '<b class="breached">3</b>' in counters
