"""Crafted query parameters never answer 500 (issue 16.7): every search/list endpoint, a table of bad values.

Each bad value answers 400 naming the parameter: a JSON error under /api/, the error page elsewhere.
"""

import base64
import json
from datetime import timedelta

import pytest

from tests.support.web import api_token, login, seed_news


def forged(sort, values):
    """A cursor in the indexes' own encoding, with values no index produced."""
    return base64.urlsafe_b64encode(json.dumps([sort, values]).encode()).decode().rstrip("=")


BAD_CURSORS = ["{}", "e30", forged("date_desc", [{}, "x"]), forged("date_desc", [10**30, "x"]),
               forged("date_desc", [1e308 * 10, "x"]), forged("date_desc", [1, {"a": 1}]), forged("date_desc", [1]),
               forged("relevance", [1, 2]), forged("date_desc", "x"), "not base64!", "A" * 600, "AAAA",
               forged("date_desc", [True, "x"]), forged("date_desc", [None, "x"])]
SEARCH_BAD = {
    "from": ["0001-01-05", "yesterday", "2026-02-30", "9999-12-31"],
    "to": ["0001-01-05", "9999-12-31", "2026-13-01", "1-1-1", "0000-00-00"],
    "q": ["x" * 201],
    "language": ["xx"], "channel": ["fax"], "topic": ["nope"], "department": ["atlantis"],
    "sentiment": ["angry"], "severity": ["extreme"], "incident": ["maybe"],
    "split": ["nope"], "size": ["0", "101", "abc", "9" * 30, "-1"],
}
TICKETS_BAD = {"status": ["nope"], "severity": ["extreme"], "sla": ["soon"], "topic": ["nope"], "channel": ["fax"],
               "sort": ["bogus"], "limit": ["0", "abc", "501", "9" * 30], "page": ["0", "abc", "9" * 30],
               "per_page": ["7", "abc"], "mine": ["yes"], "q": ["x" * 201]}
ALERTS_BAD = {"state": ["nope"], "limit": ["0", "abc", "9" * 30]}


def _cases(table):
    return [(param, value) for param, values in table.items() for value in values]


@pytest.fixture
def seeded(container, clock):
    seed_news(container, 30, departments=["cairo", "surgut"], start=clock.now() - timedelta(days=10), days=10)
    return container


@pytest.fixture
def press_api(app, accounts, seeded):
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(seeded, 'press-office')}"
    return c


@pytest.fixture
def officer_api(app, accounts, seeded):
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(seeded, 'cairo-officer')}"
    return c


@pytest.fixture
def press_page(app, accounts, seeded):
    c = app.test_client()
    assert login(c, "press-office").status_code == 302
    return c


@pytest.fixture
def officer_page(app, accounts, seeded):
    c = app.test_client()
    assert login(c, "cairo-officer").status_code == 302
    return c


def _api_400(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code)
    body = r.get_json()
    assert body["error"] == "bad_request" and body["field"] == param, (url, body)


def _page_400(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code)
    html = r.get_data(as_text=True)
    # a page a person filled in keeps itself for unusable dates and says why beside them; the rest name the parameter
    kept = param in ("from", "to") and not any(part in url for part in ("/part/", "/data/", "/export/"))
    assert ('id="range-error"' in html if kept else f"“{param}”" in html) and "Traceback" not in html, url


@pytest.mark.parametrize(("param", "value"), _cases(SEARCH_BAD) + [("cursor", c) for c in BAD_CURSORS])
def test_api_search_and_dashboard(press_api, param, value):
    _api_400(press_api, f"/api/v1/documents/search?{param}={value}", param)
    if param not in ("cursor", "size"):
        for view in ("volume", "negative_stories", "rising_topics", "regions"):
            _api_400(press_api, f"/api/v1/dashboard/{view}?{param}={value}", param)


@pytest.mark.parametrize(("param", "value"), _cases(TICKETS_BAD))
def test_api_tickets(officer_api, param, value):
    _api_400(officer_api, f"/api/v1/tickets?{param}={value}", param)


@pytest.mark.parametrize(("param", "value"), _cases(ALERTS_BAD))
def test_api_alerts(officer_api, param, value):
    _api_400(officer_api, f"/api/v1/alerts?{param}={value}", param)


PRESS_PAGES = ["/press/", "/press/tables", "/press/part/regions.html", "/press/data/volume.json",
               "/press/export/regions.csv", "/press/search"]


@pytest.mark.parametrize(("param", "value"), _cases({k: v[:2] for k, v in SEARCH_BAD.items() if k != "size"})
                         + [("cursor", c) for c in BAD_CURSORS])
def test_press_pages(press_page, param, value):
    pages = ["/press/search"] if param == "cursor" else PRESS_PAGES
    for page in pages:
        _page_400(press_page, f"{page}?{param}={value}", param)


@pytest.mark.parametrize(("param", "value"), [c for c in _cases(TICKETS_BAD) if c[0] != "limit"] + [("state", "nope")])
def test_department_pages(officer_page, param, value):
    page = "/department/alerts" if param == "state" else "/department/tickets"
    _page_400(officer_page, f"{page}?{param}={value}", param)


def test_citizen_faq_topic(client):
    _page_400(client, "/en/faq?topic=nope", "topic")
    assert client.get("/en/faq?topic=drug_supply").status_code == 200


def test_good_values_still_work_and_a_real_cursor_pages_on(press_api, press_page, officer_api):
    r = press_api.get("/api/v1/documents/search?size=5&topic=waiting_times&topic=drug_supply&incident=0&from=2025-12-01")
    assert r.status_code == 200
    first = r.get_json()
    assert first["next_cursor"]
    nxt = press_api.get(f"/api/v1/documents/search?size=5&topic=waiting_times&topic=drug_supply&incident=0"
                        f"&from=2025-12-01&cursor={first['next_cursor']}")
    assert nxt.status_code == 200
    assert {h["id"] for h in nxt.get_json()["hits"]}.isdisjoint({h["id"] for h in first["hits"]})
    assert press_page.get(f"/press/search?cursor={first['next_cursor']}&topic=").status_code == 200  # empty = absent
    assert officer_api.get("/api/v1/tickets?status=open&sort=-created&limit=5").status_code == 200


def test_the_error_page_names_the_parameter_in_the_page_language(press_page):
    r = press_page.get("/press/search?size=9999&lang=ru")
    assert r.status_code == 400 and "“size”" in r.get_data(as_text=True) and 'lang="ru"' in r.get_data(as_text=True)


def test_a_reversed_custom_range_keeps_the_page_with_the_reason_and_the_api_says_400(press_page, press_api):
    """It used to be swapped silently, so a typo showed another period than the one asked for (issue 20.3); then
    it became a bare error page that lost the dashboard."""
    r = press_page.get("/press/?from=2026-01-01&to=2025-12-01&lang=fa")
    html = r.get_data(as_text=True)
    # the page stays (a newcomer lost the whole dashboard to an error page): the dates as typed, marked invalid,
    # the reason beside them in the page's language, the default period below
    assert r.status_code == 400 and 'dir="rtl"' in html and 'id="range-error"' in html
    assert 'value="2026-01-01" aria-invalid="true"' in html and 'value="2025-12-01" aria-invalid="true"' in html
    assert 'id="filters"' in html and 'id="presets"' in html
    r = press_page.get("/press/search?q=insulin&from=2026-01-01&to=9999-12-31")
    assert r.status_code == 400 and 'id="range-error"' in r.get_data(as_text=True)
    _api_400(press_api, "/api/v1/documents/search?from=2026-01-01&to=2025-12-01", "to")
    assert press_page.get("/press/?from=2025-12-01&to=2025-12-01").status_code == 200  # one day is fine
    assert press_page.get("/press/?period=90d").status_code == 400
