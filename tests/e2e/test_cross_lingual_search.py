"""Issue 20 item 4 in a real browser: the press office types a query in one language on the search page and finds
the event's reports in others, each shown with its title, its language's name, channel and a snippet (never a bare id),
on a desktop in English and on a phone in Arabic (right to left).

The index holds the independent event set (tests/data/incidents/independent, written by a separate session) as
ingest indexes it, with the production document vectors (shared per session with the recall measurement); the
query is encoded by the same embedder the server uses. The queries are two of the set's own, with their
relevant documents as the set labels them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from healthpulse.core.clock import FakeClock

from tests.support.containers import make_container
from tests.support.event_set import event_documents, event_index_docs, event_queries, shared_embedder
from tests.support.servers import serve_app
from tests.support.web import add_user

from .conftest import login, shot

pytestmark = pytest.mark.e2e

WINDOW = "from=2026-10-01&to=2026-11-30"  # the set's dates
# a document's language is named in the reader's language, as in the filters and on the incident page
LANGUAGE_NAMES = {
    "en": {"en": "English", "ru": "Russian", "ar": "Arabic", "fa": "Persian", "vi": "Vietnamese"},
    "ar": {"en": "الإنجليزية", "ru": "الروسية", "ar": "العربية", "fa": "الفارسية", "vi": "الفيتنامية"},
}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    c = make_container(tmp_path_factory.mktemp("xsearch-e2e"), clock=FakeClock(datetime(2026, 11, 30, 12, tzinfo=UTC)),
                       embedder=shared_embedder())
    c.index.upsert(event_index_docs(c.query_reader.topics))
    add_user(c, "press-office", "press")
    with serve_app(c) as url:
        yield url
    c.close()


def _query(query_id: str) -> dict:
    return next(q for q in event_queries() if q["id"] == query_id)


@pytest.mark.parametrize(("query_id", "lang", "viewport"), [
    ("q032", "en", (1366, 900)),  # English query → Persian and Arabic reports
    ("q021", "ar", (390, 844)),  # Russian query → Arabic and English reports, read in the Arabic interface
])
def test_a_query_in_one_language_finds_the_reports_in_others(browser, search_site, query_id, lang, viewport):
    q = _query(query_id)
    language = {d["id"]: d["lang"] for d in event_documents()}
    cross = {i for i in q["relevant"] if language[i] != q["lang"]}
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = ctx.new_page()
    login(page, search_site, "press-office")
    page.goto(f"{search_site}/press/search?lang={lang}&{WINDOW}")
    page.fill("input[name=q]", q["query"])  # typed, as a user does
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/press/search?*q=*")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    hits = page.locator("#hits article.hit")
    assert hits.count() >= 10
    top = [hits.nth(i) for i in range(10)]
    languages = [h.get_attribute("lang") for h in top]
    other = {code for code in languages if code != q["lang"]}
    assert len(other) >= 2, f"{q['query']!r} found reports in {languages} only"
    for hit, code in zip(top, languages, strict=True):
        title = hit.locator("h3").inner_text().strip()
        assert title and not re.fullmatch(r"ev-doc-\d+", title), "a hit shown as a bare id"
        assert hit.locator("p.snippet").inner_text().strip()
        assert hit.locator(".hit-language").inner_text().strip() == LANGUAGE_NAMES[lang][code]
        assert hit.locator(".hit-channel").inner_text().strip()
    # the reports the set's author marked relevant, in other languages, are among the first ten
    shown = {h.get_attribute("data-document-id") for h in top}
    assert len(shown & cross) >= 3, (shown, cross)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        shot(page, f"search-{query_id}-{lang}")
    assert scroll <= inner, f"search page {scroll}px wide at {inner}px"
    ctx.close()
