"""Rate limits behind a reverse proxy, kept in the database (issue 16, risk; issue 15.6).

X-Forwarded-For is believed only from ``trusted_proxies`` hops; counters live in
the database and survive a restart; a login lockout is per account and address.
"""

from datetime import timedelta

import pytest

from tests.support.containers import make_container
from tests.support.web import PASSWORD, add_user, csrf_from, make_web_app

APPEAL = {"language": "en", "topic": "drug_supply", "department": "cairo", "consent": True,
          "text": "No insulin at the Kasr Al Ainy hospital pharmacy for two weeks."}


@pytest.fixture
def make(tmp_path, clock):
    """Apps on one database: ``make(trusted_proxies=1)`` builds a new container + app (a restart)."""
    made = []

    def build(**settings):
        c = make_container(tmp_path, clock=clock, **settings)
        made.append(c)
        return c, make_web_app(c)

    yield build
    for c in made:
        c.close()


def _login(app, username, password, client_ip=None, **headers):
    c = app.test_client()
    if client_ip:
        headers["X-Forwarded-For"] = client_ip
    token = csrf_from(c.get("/auth/login", headers=headers).get_data(as_text=True))
    return c.post("/auth/login", data={"csrf_token": token, "username": username, "password": password},
                  headers=headers).status_code


def _lock_out(app, username, client_ip):
    for _ in range(10):
        assert _login(app, username, "wrong-password!", client_ip) == 401


def test_clients_behind_one_trusted_proxy_have_their_own_login_counters(make):
    c, app = make(trusted_proxies=1)
    add_user(c, "press-office", "press")
    add_user(c, "admin", "admin")
    _lock_out(app, "press-office", "198.51.100.7")
    assert _login(app, "press-office", PASSWORD, "198.51.100.7") == 429  # this account from this address waits
    assert _login(app, "press-office", PASSWORD, "198.51.100.8") == 302  # the owner elsewhere gets in
    assert _login(app, "admin", PASSWORD, "198.51.100.7") == 302  # a colleague behind the same address too


def test_without_trusted_proxies_the_forwarded_header_is_ignored(make):
    c, app = make()  # trusted_proxies=0: X-Forwarded-For is whatever the client wrote
    add_user(c, "press-office", "press")
    add_user(c, "admin", "admin")
    _lock_out(app, "press-office", "198.51.100.7")
    assert _login(app, "press-office", PASSWORD, "203.0.113.99") == 429  # a forged header changes nothing
    assert _login(app, "admin", PASSWORD, "203.0.113.99") == 302  # other accounts from that address still work


def test_login_lockout_survives_a_restart_and_ends_after_the_window(make, clock):
    c, app = make(trusted_proxies=1)
    add_user(c, "press-office", "press")
    _lock_out(app, "press-office", "198.51.100.7")
    _c2, restarted = make(trusted_proxies=1)  # a new process on the same database
    assert _login(restarted, "press-office", PASSWORD, "198.51.100.7") == 429
    clock.advance(timedelta(minutes=16))
    assert _login(restarted, "press-office", PASSWORD, "198.51.100.7") == 302


def test_appeal_limit_counts_only_accepted_appeals_per_forwarded_client(make):
    c, app = make(trusted_proxies=1, appeal_rate_per_hour=3)
    client = app.test_client()
    family = {"X-Forwarded-For": "198.51.100.20"}
    for _ in range(12):  # typos and refused submissions do not use up the budget
        assert client.post("/api/v1/appeals", json={**APPEAL, "text": "short"}, headers=family).status_code == 422
    assert [client.post("/api/v1/appeals", json=APPEAL, headers=family).status_code for _ in range(4)] == \
        [201, 201, 201, 429]
    neighbour = {"X-Forwarded-For": "198.51.100.21"}
    assert client.post("/api/v1/appeals", json=APPEAL, headers=neighbour).status_code == 201
    _c2, restarted = make(trusted_proxies=1, appeal_rate_per_hour=3)
    assert restarted.test_client().post("/api/v1/appeals", json=APPEAL, headers=family).status_code == 429


def test_appeal_form_counts_only_accepted_appeals(make):
    c, app = make(appeal_rate_per_hour=2)
    client = app.test_client()

    def submit(**overrides):
        token = csrf_from(client.get("/en/appeal").get_data(as_text=True))
        data = {"csrf_token": token, "topic": "drug_supply", "department": "cairo", "consent": "y",
                "description": "No insulin at the Kasr Al Ainy hospital pharmacy for two weeks.", **overrides}
        return client.post("/en/appeal", data=data).status_code

    assert [submit(description="short") for _ in range(15)] == [400] * 15  # 10 refused forms blocked before
    assert [submit(), submit(), submit()] == [302, 302, 429]


def test_appeal_default_limit_is_thirty_an_hour(tmp_path):
    from healthpulse.core.settings import load_settings

    assert load_settings(None).appeal_rate_per_hour == 30 and load_settings(None).trusted_proxies == 0


def test_forwarded_proto_from_a_trusted_proxy_makes_the_cookie_secure(make):
    _c, app = make(trusted_proxies=1)
    r = app.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"})
    assert "Secure" in r.headers["Set-Cookie"] and r.headers.get("Strict-Transport-Security")
    r = app.test_client().get("/auth/login")
    assert "Secure" not in r.headers["Set-Cookie"]
    _c, untrusting = make()
    r = untrusting.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in r.headers["Set-Cookie"]  # the header is not believed without trusted proxies
    r = untrusting.test_client().get("/auth/login", base_url="https://hp.example")
    assert "Secure" in r.headers["Set-Cookie"]


def test_forwarded_clients_are_told_apart_through_the_real_server(make):
    """Under waitress (as `healthpulse serve` runs it), which by itself drops X-Forwarded-* headers."""
    import http.client
    import json
    import threading

    from healthpulse.web.security import server_options
    from waitress.server import create_server

    c, app = make(trusted_proxies=1, appeal_rate_per_hour=1)
    server = create_server(app, host="127.0.0.1", port=0, threads=2, **server_options(c.settings.trusted_proxies))
    threading.Thread(target=server.run, daemon=True).start()
    try:
        def post(client_ip):
            conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=60)
            conn.request("POST", "/api/v1/appeals", body=json.dumps(APPEAL),
                         headers={"Content-Type": "application/json", "X-Forwarded-For": client_ip})
            return conn.getresponse().status

        assert [post("198.51.100.30"), post("198.51.100.30"), post("198.51.100.31")] == [201, 429, 201]
    finally:
        server.close()
