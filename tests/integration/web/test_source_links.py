"""Document URLs with another scheme than http(s) are never links (issue 16, risk): pages and e-mails."""

import re
from datetime import timedelta

import pytest
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import select

from tests.support.web import login, news_document

HOSTILE_URLS = ["javascript:alert(document.domain)", "JavaScript:alert(1)", "java\tscript:alert(1)",
                "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", " javascript:alert(1)"]


def _ingest(container, clock, url, i=0):
    doc = news_document(900 + i, department="cairo", published=clock.now() - timedelta(hours=2 + i), language="en",
                        incident=True, story=f"hostile-{i}", text="Insulin shortage at the Kasr Al Ainy hospital pharmacy.")
    container.pipeline.ingest(doc.model_copy(update={"url": url, "title": f"Hostile link {i}"}))
    return doc


def _anchors(html):
    return re.findall(r'<a\s[^>]*href="([^"]*)"', html)


def _assert_no_hostile_link(html, url):
    for href in _anchors(html):
        assert not href.lstrip().lower().replace("\t", "").startswith(("javascript:", "data:", "vbscript:")), href
    assert "Hostile link" in html  # the document is still shown, as text


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_press_search_and_tables_show_other_schemes_as_text(app, accounts, container, clock, url):
    _ingest(container, clock, url)
    press = app.test_client()
    assert login(press, "press-office").status_code == 302
    for page in ("/press/search?q=insulin", "/press/tables", "/press/part/negative_stories.html"):
        html = press.get(page).get_data(as_text=True)
        _assert_no_hostile_link(html, url)


def test_ticket_page_shows_other_schemes_as_text_and_keeps_http_links(app, accounts, container, clock):
    _ingest(container, clock, "javascript:alert(document.cookie)", 0)
    _ingest(container, clock, "https://news.example/insulin", 1)
    officer = app.test_client()
    assert login(officer, "cairo-officer").status_code == 302
    with container.session() as s:
        ticket_ids = list(s.scalars(select(TicketRow.id)))
    assert ticket_ids
    html = "".join(officer.get(f"/department/tickets/{tid}").get_data(as_text=True) for tid in ticket_ids)
    _assert_no_hostile_link(html, "javascript:")
    assert "javascript:alert(document.cookie)" in html  # shown, as plain text
    assert "https://news.example/insulin" in _anchors(html)


def test_alert_email_shows_other_schemes_as_text():
    from healthpulse.alerts.delivery.messages import render_email

    docs = [{"id": "d1", "title": "Hostile", "url": "javascript:alert(1)"},
            {"id": "d2", "title": "Fine", "url": "https://news.example/a"}]
    _subject, text, html = render_email("alert", "en", {"documents": docs, "department": "cairo"})
    assert _anchors(html) == ["https://news.example/a"] or "https://news.example/a" in _anchors(html)
    assert not [a for a in _anchors(html) if a.lower().startswith("javascript:")]
    assert "javascript:alert(1)" in html and "javascript:alert(1)" in text


def test_http_link_table():
    from healthpulse.core.links import http_link

    assert http_link("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert http_link("HTTP://A.example") == "HTTP://A.example"
    for bad in [*HOSTILE_URLS, "https:///x", "http:evil", "//evil.example", "/local", "ftp://a.example",
                "https://a.example/\nx", "http://[::1", None, ""]:
        assert http_link(bad) is None, bad
