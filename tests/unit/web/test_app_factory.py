"""The app factory: secret key policy, security headers, locale choice, RTL."""

import pytest
from healthpulse.core.settings import Settings
from healthpulse.web.app import MissingSecretKey, create_app


def test_refuses_to_start_without_secret_key():
    with pytest.raises(MissingSecretKey):
        create_app(Settings(testing=False, secret_key=None), container=object())


def test_demo_mode_starts_without_secret_key():
    app = create_app(Settings(testing=False, secret_key=None), container=object(), demo=True)
    assert len(app.config["SECRET_KEY"]) >= 32


def test_secret_key_from_settings():
    app = create_app(Settings(secret_key="k" * 40), container=object())
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_container_is_stored_in_extensions():
    marker = object()
    app = create_app(Settings(testing=True), container=marker)
    assert app.extensions["healthpulse"] is marker


def test_home_redirects_by_accept_language_and_renders_rtl():
    app = create_app(Settings(testing=True), container=object())
    client = app.test_client()
    r = client.get("/", headers={"Accept-Language": "fa,en;q=0.5"})
    assert r.status_code == 302 and r.location.endswith("/fa/")
    r = client.get("/ar/")
    assert r.status_code == 200
    assert b'dir="rtl"' in r.data and b'lang="ar"' in r.data
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    r = client.get("/vi/")
    assert b'dir="ltr"' in r.data


def test_session_cookie_secure_follows_the_request_scheme():
    """Issue 15.3: Secure over https; over plain http (a LAN) it would never come back and CSRF would fail."""
    app = create_app(Settings(secret_key="k" * 40), container=object())
    https = app.test_client().get("/auth/login", base_url="https://hp.example")
    assert "Secure" in https.headers["Set-Cookie"] and "HttpOnly" in https.headers["Set-Cookie"]
    http = app.test_client().get("/auth/login", base_url="http://192.168.1.20:8000")
    assert "Secure" not in http.headers["Set-Cookie"] and "HttpOnly" in http.headers["Set-Cookie"]


def test_plain_http_warning_only_beyond_loopback_without_a_proxy():
    from healthpulse.web.security import plain_http_warning

    assert "plain http on 0.0.0.0" in plain_http_warning("0.0.0.0", 0)
    assert plain_http_warning("192.168.1.20", 0) is not None
    assert plain_http_warning("127.0.0.1", 0) is None and plain_http_warning("localhost", 0) is None
    assert plain_http_warning("::1", 0) is None and plain_http_warning("0.0.0.0", 1) is None


def test_oversized_body_is_refused():
    app = create_app(Settings(testing=True), container=object())
    r = app.test_client().post("/en/appeal", data={"description": "x" * (17 * 1024 * 1024)})
    assert r.status_code == 413


def test_api_errors_are_json():
    app = create_app(Settings(testing=True), container=object())
    r = app.test_client().get("/api/v1/does-not-exist")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    r = app.test_client().delete("/api/v1/openapi.json")
    assert r.status_code == 405 and r.is_json
