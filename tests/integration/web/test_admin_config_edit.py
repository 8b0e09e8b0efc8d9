"""Admins edit the alert rules and the SLA hours in the browser (issue 15.13).

Validated by the loader's own models (errors next to their line or field, in
the admin's language), saved atomically, in force for the next alert and
ticket, written to the audit log; no server path on the page; admins only.
"""

from datetime import timedelta

import pytest
from healthpulse.alerts import service
from healthpulse.alerts.rules_file import DEFAULT_RULES_FILE
from healthpulse.core.models.audit import ConfigChangeRow
from healthpulse.core.models.tickets import SlaPolicyRow
from sqlalchemy import select

from tests.support.alerts import analysed_document
from tests.support.web import csrf_from, login

INSULIN_RULE = """  - id: insulin-watch
    type: watchlist
    terms: [insulin]
    severity: high
"""


def _admin(app, lang="en"):
    c = app.test_client()
    assert login(c, "admin").status_code == 302
    c.get(f"/admin/?lang={lang}")  # the language sticks (cookie)
    return c


def _changes(container, target):
    with container.session() as s:
        return [(r.actor, r.summary, r.diff) for r in s.scalars(
            select(ConfigChangeRow).where(ConfigChangeRow.target == target).order_by(ConfigChangeRow.id))]


def _textarea(html: str) -> str:
    import html as h

    start = html.index(">", html.index('<textarea name="text"')) + 1
    return h.unescape(html[start:html.index("</textarea>", start)])


def test_rules_page_shows_the_rules_without_a_server_path(app, accounts, container):
    html = _admin(app).get("/admin/rules").get_data(as_text=True)
    assert _textarea(html) == DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    for path in (str(DEFAULT_RULES_FILE), str(DEFAULT_RULES_FILE.parent), str(container.settings.data_dir)):
        assert path not in html
    assert "Validate and save" in html


def test_admin_edits_a_rule_and_the_next_alert_follows_it(app, accounts, container):
    admin = _admin(app)
    page = admin.get("/admin/rules").get_data(as_text=True)
    current = _textarea(page)
    edited = current.replace("rules:\n", "rules:\n" + INSULIN_RULE, 1)
    r = admin.post("/admin/rules", data={"csrf_token": csrf_from(page), "text": edited, "base": _base(page),
                                         "save": "1"})
    assert r.status_code == 303
    assert _textarea(admin.get("/admin/rules").get_data(as_text=True)) == edited
    container.pipeline.ingest(analysed_document("ins-1", "surgut", None, incident=False,
                                                text="No insulin in the pharmacy again."))
    with container.session() as s:
        alerts, _ = service.list_alerts(s)
        tickets, _ = service.list_tickets(s)
    assert [(a["rule"], a["severity"]) for a in alerts] == [("insulin-watch", "high")]
    assert [t["document_ids"] for t in tickets] == [["ins-1"]]
    [(actor, summary, diff)] = _changes(container, "rules")
    assert actor == "admin" and "4 lines added" in summary
    assert "+  - id: insulin-watch" in diff and str(container.settings.data_dir) not in diff
    history = admin.get("/admin/rules").get_data(as_text=True)
    rows = history.split('id="rules-history"')[1].split("</table>")[0]
    assert "4 lines added, 0 removed" in rows and "insulin-watch" in rows


def _base(html: str) -> str:
    marker = 'name="base" type="hidden" value="'
    i = html.index(marker) + len(marker)
    return html[i:html.index('"', i)]


@pytest.mark.parametrize("lang,expected", [
    ("en", "must be at least 1"),
    ("ru", "должно быть не меньше 1"),
    ("ar", "يجب ألا تقل القيمة عن"),
])
def test_invalid_rule_edit_is_refused_next_to_its_line(app, accounts, container, lang, expected):
    admin = _admin(app, lang)
    page = admin.get("/admin/rules").get_data(as_text=True)
    bad = "rules:\n  - id: flu\n    type: spike\n    min_count: 0\n"
    r = admin.post("/admin/rules", data={"csrf_token": csrf_from(page), "text": bad, "base": _base(page), "save": "1"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="rule-problems"' in html
    problem = html.split('id="rule-problems"')[1].split("</ul>")[0]
    assert 'data-line="4"' in problem and "min_count: 0" in problem and expected in problem
    assert _textarea(html) == bad  # the admin's text stays in the editor
    assert not (container.settings.data_dir / "rules.yaml").exists()
    assert _changes(container, "rules") == []
    assert _textarea(admin.get("/admin/rules").get_data(as_text=True)) == DEFAULT_RULES_FILE.read_text(encoding="utf-8")


def test_rule_key_given_twice_is_refused_with_both_lines(app, accounts, container):
    admin = _admin(app)
    page = admin.get("/admin/rules").get_data(as_text=True)
    bad = "rules:\n  - id: a\n    type: incident\n    min_severity: low\n    min_severity: high\n"
    html = admin.post("/admin/rules", data={"csrf_token": csrf_from(page), "text": bad, "base": _base(page),
                                            "save": "1"}).get_data(as_text=True)
    problem = html.split('id="rule-problems"')[1].split("</ul>")[0]
    assert 'data-line="5"' in problem and "given twice (first on line 4)" in problem


def test_an_edit_made_meanwhile_is_not_overwritten(app, accounts, container):
    first, second = _admin(app), _admin(app)
    page1 = first.get("/admin/rules").get_data(as_text=True)
    page2 = second.get("/admin/rules").get_data(as_text=True)
    text = _textarea(page1)
    assert first.post("/admin/rules", data={"csrf_token": csrf_from(page1), "base": _base(page1), "save": "1",
                                            "text": text.replace("rules:\n", "rules:\n" + INSULIN_RULE, 1)}
                      ).status_code == 303
    r = second.post("/admin/rules", data={"csrf_token": csrf_from(page2), "base": _base(page2), "save": "1",
                                          "text": text + "\n# mine\n"})
    assert r.status_code == 409 and "changed since you opened" in r.get_data(as_text=True)
    assert "insulin-watch" in (container.settings.data_dir / "rules.yaml").read_text(encoding="utf-8")
    assert len(_changes(container, "rules")) == 1


def test_admin_edits_sla_and_the_next_ticket_gets_it(app, accounts, container, clock):
    admin = _admin(app)
    page = admin.get("/admin/sla").get_data(as_text=True)
    r = admin.post("/admin/sla", data={"csrf_token": csrf_from(page), "critical": "4", "high": "12", "medium": "72",
                                       "low": "120"})
    assert r.status_code == 303
    t0 = clock.now()
    container.pipeline.ingest(analysed_document("h-1", "surgut", "high"))
    with container.session() as s:
        [ticket] = service.list_tickets(s)[0]
    assert ticket["due_at"] == t0 + timedelta(hours=12)
    [(actor, summary, _diff)] = _changes(container, "sla")
    assert actor == "admin" and summary == "high: 24 → 12; low: 168 → 120"
    html = admin.get("/admin/sla").get_data(as_text=True)
    history = html.split('id="sla-history"')[1].split("</table>")[0]
    assert "High: 24 h → 12 h" in history and "Low: 168 h → 120 h" in history


@pytest.mark.parametrize("lang,expected", [("en", "must be greater than 0"), ("fa", "باید بیشتر از"),
                                           ("vi", "phải lớn hơn")])
def test_invalid_sla_is_refused_next_to_its_field(app, accounts, container, lang, expected):
    admin = _admin(app, lang)
    page = admin.get("/admin/sla").get_data(as_text=True)
    r = admin.post("/admin/sla", data={"csrf_token": csrf_from(page), "critical": "4", "high": "-1", "medium": "72",
                                       "low": "100000"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    high = html.split('id="high"')[1].split("</div>")[0]
    assert expected in high
    low = html.split('id="low"')[1].split("</div>")[0]
    assert 'class="error"' in low  # above 8760 hours
    with container.session() as s:
        assert s.scalars(select(SlaPolicyRow)).all() == []
    assert _changes(container, "sla") == []


@pytest.mark.parametrize("user", ["surgut-officer", "press-office"])
def test_only_admins_edit_rules_and_sla(app, accounts, container, user):
    c = app.test_client()
    login(c, user)
    token = csrf_from(c.get("/department/tickets" if user == "surgut-officer" else "/press/").get_data(as_text=True))
    for url, data in (("/admin/rules", {"text": "rules: []\n", "save": "1"}),
                      ("/admin/sla", {"critical": "1", "high": "1", "medium": "1", "low": "1"})):
        assert c.get(url).status_code == 403
        assert c.post(url, data={"csrf_token": token, **data}).status_code == 403
    assert not (container.settings.data_dir / "rules.yaml").exists()
    assert _changes(container, "rules") == [] and _changes(container, "sla") == []
