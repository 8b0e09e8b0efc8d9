"""Staff corrections through the inbox form and the API; evidence and "needs review" in the inbox; place aliases."""

import json
from datetime import timedelta

import pytest
from healthpulse.core.domain import Evidence
from healthpulse.core.models.corrections import CorrectionRow, PlaceAliasRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketEventRow
from sqlalchemy import select

from tests.support.web import api_token, csrf_from, login, news_document

from .conftest import make_accounts

INCIDENT_TEXT = "A patient died in the Surgut hospital after the ambulance took three hours."


@pytest.fixture
def world(container, app):
    accounts = make_accounts(container)
    now = container.clock.now()
    doc = news_document(500, department="surgut", published=now - timedelta(hours=1), incident=True,
                        topics=["emergency_care"],
                        text=f"Relatives filed a complaint. {INCIDENT_TEXT} The clinic <b>denies</b> it.")
    doc.analysis.evidence = Evidence(incident_text=INCIDENT_TEXT, incident_score=0.97, places=["Surgut"])
    doc.analysis.needs_review = True
    doc.analysis.review_reasons = ["incident score near the threshold"]
    other = news_document(501, department="cairo", published=now - timedelta(hours=1), incident=True,
                          text="Patient died in Cairo after the emergency department turned him away.")
    other.analysis.evidence = Evidence(incident_text="<script>alert(1)</script> not in the text", places=[])
    container.pipeline.ingest_many([doc, other])
    with container.session() as s:
        tickets = {d: t for t, d in s.execute(select(TicketDocumentRow.ticket_id, TicketDocumentRow.document_id))}
    assert doc.id in tickets and other.id in tickets, "the incident rule should open a ticket per document"
    return {"accounts": accounts, "doc": doc, "other": other, "tid": tickets[doc.id], "other_tid": tickets[other.id]}


def _client(app, user):
    c = app.test_client()
    assert login(c, user).status_code == 302
    return c


def _post_correction(c, url, html, doc_id, **fields):
    """Submit the first document's correction form with the page's CSRF token; ``fields`` without the prefix."""
    data = {"csrf_token": csrf_from(html), "c0-document_id": doc_id}
    data.update({f"c0-{k}": v for k, v in fields.items()})
    return c.post(f"{url}/documents/0/correct", data=data)


def test_inbox_shows_evidence_needs_review_and_current_values(app, world):
    c = _client(app, "surgut-officer")
    html = c.get(f"/department/tickets/{world['tid']}").get_data(as_text=True)
    assert 'id="needs-review-0"' in html and "Needs review" in html
    assert f'<mark class="evidence" title="This passage decided the incident">{INCIDENT_TEXT}</mark>' in html
    assert "&lt;b&gt;denies&lt;/b&gt;" in html  # the rest of the text stays escaped
    assert "Correct the analysis" in html
    assert 'name="c0-incident"' in html and '<option selected value="yes">' in html
    assert '<input checked id="c0-topics-4" name="c0-topics" type="checkbox" value="emergency_care">' in html
    assert '<input id="c0-topics-0" name="c0-topics" type="checkbox" value="drug_supply">' in html


def test_evidence_not_in_text_is_a_quoted_why_block_escaped(app, world):
    c = _client(app, "cairo-officer")
    html = c.get(f"/department/tickets/{world['other_tid']}").get_data(as_text=True)
    assert 'class="why"' in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "needs-review-0" not in html


def test_department_user_corrects_through_the_form_and_sees_it_in_the_audit_log(app, world, container):
    c = _client(app, "surgut-officer")
    url = f"/department/tickets/{world['tid']}"
    fields = {"incident": "yes", "severity": "critical", "sentiment": "negative",
              "topics": ["emergency_care", "medical_error"], "department": "surgut"}
    r = _post_correction(c, url, c.get(url).get_data(as_text=True), world["doc"].id, **fields,
                         note="death confirmed by the hospital")
    assert r.status_code == 303 and r.location.endswith("#correct-0")
    html = c.get(url).get_data(as_text=True)
    assert "Correction saved." in html
    with container.session() as s:
        rows = s.scalars(select(CorrectionRow).order_by(CorrectionRow.field)).all()
        assert [(x.field, x.old_value, x.new_value) for x in rows] == [
            ("severity", "high", "critical"), ("topics", ["emergency_care"], ["emergency_care", "medical_error"])]
        assert {x.user for x in rows} == {"surgut-officer"}
        events = s.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == world["tid"],
                                                        TicketEventRow.action == "correction")).all()
        assert {(e.field, e.old_value, e.new_value, e.actor) for e in events} == {
            ("severity", '"high"', '"critical"', "surgut-officer"),
            ("topics", '["emergency_care"]', '["emergency_care", "medical_error"]', "surgut-officer")}
        assert s.get(DocumentRow, world["doc"].id).severity == "critical"
    assert 'id="corrections-0"' in html and "death confirmed by the hospital" in html
    history = html.split('id="ticket-history"')[1]
    assert "corrected the analysis" in history and "&#34;critical&#34;" in history
    # the same form again: nothing new
    _post_correction(c, url, html, world["doc"].id, **fields)
    assert "Nothing changed." in c.get(url).get_data(as_text=True)
    with container.session() as s:
        assert len(s.scalars(select(CorrectionRow)).all()) == 2


def test_invalid_form_is_refused_with_422_and_keeps_what_was_typed(app, world, container):
    c = _client(app, "surgut-officer")
    url = f"/department/tickets/{world['tid']}"
    r = _post_correction(c, url, c.get(url).get_data(as_text=True), world["doc"].id, incident="yes", severity="high",
                         topics=["emergency_care", "made_up"], note="my careful note")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "my careful note</textarea>" in html and "<details class=\"correct\" open>" in html
    topics = html.split('id="c0-topics"')[1].split("</fieldset>")[0]
    assert 'class="error" role="alert"' in topics and "made_up" in topics
    with container.session() as s:
        assert s.scalars(select(CorrectionRow)).all() == []


def test_api_post_get_validation_and_scope(app, world, container):
    c = app.test_client()
    own = {"Authorization": f"Bearer {api_token(container, 'surgut-officer')}"}
    admin = {"Authorization": f"Bearer {api_token(container, 'admin')}"}
    path = f"/api/v1/documents/{world['doc'].id}/corrections"
    r = c.post(path, json={"sentiment": "negative", "department": "cairo", "note": "it is Cairo's"}, headers=own)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["changed"] == ["department"] and body["current"]["department"] == "cairo"
    # moved to Cairo: Surgut's token no longer sees it (its ticket still does: it holds the document)
    assert c.get(path, headers=own).status_code == 200
    assert c.post(path, json={"department": "cairo"}, headers=admin).status_code == 200  # no-op
    listed = c.get(path, headers=admin).get_json()["corrections"]
    assert [(x["field"], x["old"], x["new"], x["user"], x["note"]) for x in listed] == [
        ("department", "surgut", "cairo", "surgut-officer", "it is Cairo's")]
    bad = c.post(path, json={"topics": ["nope"]}, headers=admin)
    assert bad.status_code == 422 and bad.get_json()["field"] == "topics" and "nope" in bad.get_json()["message"]
    assert c.post(path, json={"department": "atlantis"}, headers=admin).get_json()["field"] == "department"
    assert c.post(path, data="x", content_type="text/plain", headers=admin).status_code == 415
    assert c.post(path, json=[1], headers=admin).status_code == 400
    assert c.post("/api/v1/documents/nope/corrections", json={"incident": True}, headers=admin).status_code == 404
    cairo_doc = f"/api/v1/documents/{world['other'].id}/corrections"
    assert c.post(cairo_doc, json={"incident": False}, headers=own).status_code == 404
    assert c.post(path, json={"incident": True}).status_code == 401


def test_kpis_count_the_share_of_corrected_analyses(app, world, container):
    c = app.test_client()
    own = {"Authorization": f"Bearer {api_token(container, 'surgut-officer')}"}
    c.post(f"/api/v1/documents/{world['doc'].id}/corrections", json={"severity": "low"}, headers=own)
    container.clock.advance(minutes=1)  # the KPI period ends now, exclusive
    k = c.get("/api/v1/kpis", headers=own).get_json()["departments"]["surgut"]
    assert (k["analyses"], k["analyses_corrected"], k["analyses_corrected_pct"]) == (1, 1, 100.0)


def test_admin_confirms_a_place_alias_from_a_department_correction(app, world, container):
    c = app.test_client()
    admin_h = {"Authorization": f"Bearer {api_token(container, 'admin')}"}
    c.post(f"/api/v1/documents/{world['doc'].id}/corrections", json={"department": "nefteyugansk"}, headers=admin_h)
    admin = _client(app, "admin")
    page = admin.get("/admin/aliases/").get_data(as_text=True)
    assert "alias-candidate" in page and '<option value="Surgut">' in page
    token = csrf_from(page)
    r = admin.post("/admin/aliases/", data={"csrf_token": token, "place": "  Pyt-Yakh  ", "department": "nefteyugansk",
                                            "document_id": world["doc"].id})
    assert r.status_code == 303
    with container.session() as s:
        (alias,) = s.scalars(select(PlaceAliasRow)).all()
        assert (alias.place, alias.department_id, alias.confirmed_by) == ("Pyt-Yakh", "nefteyugansk", "admin")
    assert "Pyt-Yakh" in container.analysis_departments().get("nefteyugansk").places
    page = admin.get("/admin/aliases/").get_data(as_text=True)
    assert 'id="no-candidates"' in page
    bad = admin.post("/admin/aliases/", data={"csrf_token": token, "place": "Somewhere", "department": "atlantis"})
    assert bad.status_code == 303
    officer = _client(app, "surgut-officer")
    assert officer.get("/admin/aliases/").status_code == 403
    with container.session() as s:
        assert len(s.scalars(select(PlaceAliasRow)).all()) == 1
    assert json.dumps(container.departments.get("nefteyugansk").places).count("Pyt-Yakh") == 0  # the file is untouched
