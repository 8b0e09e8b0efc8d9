"""Citizen portal against the real pipeline: submit → ticket opened → tracking page → survey."""

from tests.support.web import csrf_from, login, ticket_id_for, version_from


def _submit(client, lang="ar", **overrides):
    page = client.get(f"/{lang}/appeal")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "topic": "drug_supply", "department": "cairo",
            "description": "لا يوجد أنسولين في صيدلية مستشفى القصر العيني منذ أسبوعين", "consent": "y",
            "contact_phone": "+20 100 555 1234"}
    data.update(overrides)
    return client.post(f"/{lang}/appeal", data=data)


def test_arabic_appeal_is_rtl_and_gets_tracking_code(client, container):
    page = client.get("/ar/appeal")
    html = page.get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    r = _submit(client)
    assert r.status_code == 302 and r.location.endswith("/ar/appeal/submitted")
    done = client.get("/ar/appeal/submitted").get_data(as_text=True)
    assert "HP-" in done
    code = done.split('id="tracking-code" dir="ltr">')[1].split("<")[0]
    track = client.get("/ar/track").get_data(as_text=True)
    assert code in track
    # the alerts engine opened the appeal's ticket in the chosen region
    tid = ticket_id_for(container, code)
    assert tid > 0


def test_appeal_without_consent_is_refused_and_nothing_stored(client, container):
    from healthpulse.core.models.appeals import AppealRow
    from sqlalchemy import func, select

    r = _submit(client, consent="")
    assert r.status_code == 400
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(AppealRow)) == 0


def test_form_errors_are_in_the_readers_language_vietnamese_included(client):
    """WTForms has no Vietnamese catalogue: its messages came out in English on the Vietnamese form."""
    html = _submit(client, lang="vi", description="ngắn", consent="").get_data(as_text=True)
    assert "Trường này phải dài từ" in html and "characters long" not in html  # the length rule
    assert "Vui lòng đánh dấu ô này" in html  # consent says what the box is for, not just "required"
    html = _submit(client, lang="ar", description="قصير", consent="").get_data(as_text=True)
    assert "يجب" in html and "characters" not in html and "يرجى تحديد هذا المربع" in html
    assert "١٠" in html  # the rule's numbers in the page's digits
    ru = _submit(client, lang="ru", description="").get_data(as_text=True)
    assert "Обязательное поле." in ru and "This field is required" not in ru


def test_appeal_form_rejects_unknown_region_and_missing_csrf(client):
    assert _submit(client, department="atlantis").status_code == 400
    r = client.post("/en/appeal", data={"topic": "drug_supply", "department": "cairo", "description": "x" * 30,
                                        "consent": "y"})
    assert r.status_code == 400


def test_track_unknown_code_says_so(client):
    page = client.get("/en/track")
    r = client.post("/en/track", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "code": "HP-ZZZZ-ZZZZ"},
                    follow_redirects=True)
    assert "No appeal with this tracking code" in r.get_data(as_text=True)


def test_full_cycle_reply_close_and_survey(app, client, container, accounts):
    _submit(client, lang="en", description="No insulin at the Kasr Al Ainy hospital pharmacy for two weeks.")
    code = client.get("/en/appeal/submitted").get_data(as_text=True).split('id="tracking-code" dir="ltr">')[1].split("<")[0]
    tid = ticket_id_for(container, code)
    officer = app.test_client()
    assert login(officer, "cairo-officer").status_code == 302
    page = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    token = csrf_from(page)
    # closing before any citizen contact is refused with the reason
    r = officer.post(f"/department/tickets/{tid}/close", data={"csrf_token": token, "resolution": "done",
                                                                  "version": version_from(page)},
                     follow_redirects=True)
    assert "cannot be closed" in r.get_data(as_text=True)
    officer.post(f"/department/tickets/{tid}/reply", data={"csrf_token": token, "text": "Insulin was delivered today."})
    officer.post(f"/department/tickets/{tid}/contact", data={"csrf_token": token, "channel": "phone",
                                                            "outcome": "reached", "note": "called back"})
    r = officer.post(f"/department/tickets/{tid}/close", data={"csrf_token": token, "resolution": "Delivered.",
                                                                  "version": version_from(page)},
                     follow_redirects=True)
    assert "Closed" in r.get_data(as_text=True)
    track = client.get("/en/track").get_data(as_text=True)
    assert "Insulin was delivered today." in track
    assert 'id="survey-form"' in track
    r = client.post("/en/track/survey", data={"csrf_token": csrf_from(track), "score": "4", "comment": "ok"},
                    follow_redirects=True)
    html = r.get_data(as_text=True)
    assert 'id="survey-done"' in html and 'id="survey-form"' not in html
    # the department sees the score; a second answer is refused
    assert "4/5" in officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    r = client.post("/en/track/survey", data={"csrf_token": csrf_from(html), "score": "1"}, follow_redirects=True)
    assert "no open survey" in r.get_data(as_text=True)


def test_appeal_with_an_email_is_stored_and_a_bad_email_is_explained(client, container):
    """A newcomer review found every appeal with an e-mail answering 500 (and lost): no test had typed one."""
    from healthpulse.core.models.appeals import AppealRow
    from sqlalchemy import func, select

    bad = _submit(client, lang="fa", contact_email="not-an-address")
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "not-an-address" in page  # what the citizen typed is kept
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(AppealRow)) == 0
    ok = _submit(client, lang="en", contact_email="amira.hassan@example.org")
    assert ok.status_code == 302 and ok.location.endswith("/en/appeal/submitted")
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(AppealRow)) == 1
