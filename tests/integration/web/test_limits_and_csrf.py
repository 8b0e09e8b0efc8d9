"""Login throttling, public rate limits, and CSRF exemptions limited to the tus upload endpoints."""

from tests.support.web import csrf_from


def test_login_is_throttled_after_failures(app, accounts):
    c = app.test_client()
    token = csrf_from(c.get("/auth/login").get_data(as_text=True))
    for _ in range(10):
        assert c.post("/auth/login", data={"csrf_token": token, "username": "press-office",
                                           "password": "wrong-password"}).status_code == 401
    r = c.post("/auth/login", data={"csrf_token": token, "username": "press-office",
                                    "password": "correct-horse-battery"})
    assert r.status_code == 429  # even the right password waits out the window


def test_public_appeal_api_is_rate_limited(tmp_path, clock):
    """Accepted appeals count (issue 15.6: refused ones do not), up to appeal_rate_per_hour."""
    from tests.support.containers import make_container
    from tests.support.web import make_web_app

    container = make_container(tmp_path, clock=clock, appeal_rate_per_hour=2)
    try:
        c = make_web_app(container).test_client()
        body = {"language": "en", "topic": "drug_supply", "department": "cairo", "consent": True,
                "text": "No insulin at the Kasr Al Ainy hospital pharmacy for two weeks."}
        codes = [c.post("/api/v1/appeals", json={"text": "x"}).status_code for _ in range(12)]
        codes += [c.post("/api/v1/appeals", json=body).status_code for _ in range(3)]
        assert codes == [422] * 12 + [201, 201, 429]
        assert c.post("/api/v1/appeals", json={"text": "x"}).status_code == 429  # blocked until the hour is over
    finally:
        container.close()


def test_only_tus_endpoints_skip_csrf(app):
    from healthpulse.web.app import csrf

    exempt = {name for name in csrf._exempt_views}
    video_views = {f"{v.__module__}.{v.__name__}" for e, v in app.view_functions.items() if e.startswith("video.")}
    assert video_views, "the video blueprint should be registered"
    assert {v for v in video_views if v in exempt} == {
        f"{app.view_functions[e].__module__}.{app.view_functions[e].__name__}"
        for e in ("video.tus_collection", "video.tus_resource")}
    c = app.test_client()
    # a tus creation request is not refused for lack of a CSRF token (it may fail for its own reasons)
    r = c.post("/video/uploads", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10"})
    assert r.status_code != 400 or b"CSRF" not in r.data
    # every other form POST is
    assert c.post("/en/track", data={"code": "HP-AAAA-BBBB"}).status_code == 400


def test_a_failed_csrf_check_explains_and_keeps_the_typed_appeal(app):
    """Issue 15.3: not a bare 400 — what happened, how to go on, and the text typed is still there."""
    c = app.test_client()
    typed = {"topic": "drug_supply", "department": "cairo", "consent": "y", "contact_phone": "+20 100 555 1234",
             "description": "لا يوجد أنسولين في صيدلية مستشفى القصر العيني منذ أسبوعين", "csrf_token": "expired"}
    r = c.post("/ar/appeal", data=typed)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="form-not-sent"' in html and typed["description"] in html and "+20 100 555 1234" in html
    fresh = csrf_from(html)
    assert fresh != "expired"
    again = c.post("/ar/appeal", data={**typed, "csrf_token": fresh})  # sending it again works
    assert again.status_code == 302 and again.location.endswith("/ar/appeal/submitted")


def test_a_failed_csrf_check_elsewhere_links_back_to_the_form(app, accounts):
    from tests.support.web import login

    c = app.test_client()
    assert login(c, "cairo-officer").status_code == 302
    r = c.post("/department/tickets/1/note", data={"text": "x", "csrf_token": "stale"},
               headers={"Referer": "http://localhost/department/tickets/1"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="csrf-failed"' in html and 'href="/department/tickets/1"' in html
    r = c.post("/en/track", data={"code": "HP-AAAA-BBBB"})
    assert r.status_code == 400 and 'href="/en/track"' in r.get_data(as_text=True)
    r = c.post("/auth/login", data={"username": "cairo-officer", "password": "x", "csrf_token": "old"})
    assert r.status_code == 400 and 'value="cairo-officer"' in r.get_data(as_text=True)
