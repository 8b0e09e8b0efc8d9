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


def test_public_appeal_api_is_rate_limited(app):
    c = app.test_client()
    codes = [c.post("/api/v1/appeals", json={"text": "x"}).status_code for _ in range(12)]
    assert codes[:10] == [422] * 10 and codes[10:] == [429, 429]


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
