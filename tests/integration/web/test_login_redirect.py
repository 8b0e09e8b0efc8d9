"""Open redirect after login (issue 16.3): only same-site paths, judged the way a browser reads ``Location``."""

import pytest

from tests.support.web import PASSWORD, csrf_from

DEFAULT = "/press/"
HOSTILE = [
    "/%09/evil.example",        # tab dropped by browsers → //evil.example
    "/%0D%0A/x",                # CR/LF: answered 500 before
    "/%0A/evil.example", "/%00/evil.example", "/%E2%80%8B/evil.example",
    "//evil", "//evil.example/path", "/\\evil", "/%5Cevil", "%2F%2Fevil.example", "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",  # double-encoded
    "https://evil", "HTTPS://evil.example", "http:evil.example", "javascript:alert(1)", "JaVaScRiPt%3Aalert(1)",
    "%09javascript:alert(1)", "data:text/html,x", "evil.example", "", "?next=//evil",
]


def _login(client, next_value):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    return client.post(f"/auth/login?next={next_value}",
                       data={"csrf_token": token, "username": "press-office", "password": PASSWORD})


@pytest.mark.parametrize("next_value", HOSTILE)
def test_hostile_next_goes_to_the_default_page(app, accounts, next_value):
    r = _login(app.test_client(), next_value)
    assert r.status_code == 302
    assert r.headers["Location"] == DEFAULT


@pytest.mark.parametrize("next_value", ["/press/search?q=insulin&language=ru", "/press/", "/department/tickets",
                                        "/press/search?q=%D0%B8%D0%BD%D1%81%D1%83%D0%BB%D0%B8%D0%BD"])
def test_a_path_on_this_site_is_kept(app, accounts, next_value):
    r = _login(app.test_client(), next_value)
    assert r.status_code == 302 and r.headers["Location"].startswith(next_value.split("?")[0])
    assert not r.headers["Location"].startswith("//")


def test_the_page_that_asked_for_a_login_gets_the_user_back(app, accounts):
    c = app.test_client()
    r = c.get("/press/search?q=insulin")
    assert r.status_code == 302 and "/auth/login?next=" in r.headers["Location"]
    back = c.post(r.headers["Location"], data={"csrf_token": csrf_from(c.get("/auth/login").get_data(as_text=True)),
                                               "username": "press-office", "password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == "/press/search?q=insulin"


def test_safe_next_unit_table():
    from healthpulse.web.redirects import safe_next

    assert safe_next("/\t/evil.example") is None and safe_next("/\r\n/x") is None
    assert safe_next("/ /evil.example") is None and safe_next("/\u3000/evil.example") is None
    assert safe_next("/press/?a=1") == "/press/?a=1"
    assert safe_next("/press/\t?a=1") == "/press/?a=1"  # what a browser would have requested anyway
