"""Issue 20 item 2 in a real browser: the press office opens the insulin incident from the incidents list and
reads its timeline, its coverage before/after the response and its chart — on a desktop and on a phone, in
English and in Arabic (right to left) — without the page scrolling sideways and without serious axe-core
findings; department staff split a document off with the page's own button."""

from __future__ import annotations

import pytest

from tests.support.browser import axe_context, axe_violations, describe
from tests.support.incidents import seed_incidents

from .conftest import login, shot

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def seeded(live):
    return seed_incidents(live["container"])


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
def test_the_incident_page_opens_from_the_list_and_fits(browser, live, seeded, device):
    width, height = VIEWPORTS[device]
    ctx = axe_context(browser, viewport={"width": width, "height": height})
    page = ctx.new_page()
    login(page, live["base"], "press-office")
    for lang in ("en", "ar"):
        page.goto(f"{live['base']}/press/incidents?lang={lang}")
        page.click(f'tr[data-incident-id="{seeded.surgut}"] a')
        page.wait_for_url(f"**/press/incidents/{seeded.surgut}*")
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        rows = page.locator("#timeline-table tr.timeline-row")
        assert rows.count() == 5
        assert [rows.nth(i).get_attribute("data-document-id") for i in range(5)] == [
            "ins-news-ru", "ins-post-ru", "ins-call", "ins-news-en", "ins-news-fa"]
        figures = page.locator("#coverage-documents td.num[data-value]")
        assert [figures.nth(i).get_attribute("data-value") for i in range(2)] == ["3.69", "1.0"]
        assert page.locator("#coverage-documents td.num").nth(2).inner_text().strip() not in ("", "—")
        # the comparison is read whole: its table fits its box (no scrolling inside it to reach "Change")
        assert page.evaluate("(t => t.scrollWidth <= t.clientWidth + 1)(document.querySelector('#coverage-table'))")
        chart = page.locator("#coverage-chart svg")
        assert chart.is_visible() and chart.bounding_box()["width"] > 200
        assert page.locator("#coverage-chart rect.bar").count() == 3
        assert page.locator("#response-mark").count() == 1
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            shot(page, f"incident-{device}-{lang}")
        assert scroll <= inner, f"incident page {scroll}px wide at {inner}px ({device}, {lang})"
        assert "<script>" in rows.nth(2).inner_text()  # the hotline title's markup is text, not a script
        if device == "desktop":
            bad = axe_violations(page)
            assert not bad, describe(bad)
    ctx.close()


def test_department_staff_split_a_document_off_with_the_button(browser, live, seeded):
    """Last in the module: it changes the incident the tests above read."""
    ctx = axe_context(browser, viewport={"width": VIEWPORTS["desktop"][0], "height": VIEWPORTS["desktop"][1]})
    page = ctx.new_page()
    login(page, live["base"], "surgut-officer")
    url = f"{live['base']}/department/incidents/{seeded.surgut}"
    page.goto(f"{url}?lang=ar")
    bad = axe_violations(page)  # the forms too: buttons and the merge field have names in the reader's language
    assert not bad, describe(bad)
    page.goto(f"{url}?lang=en")
    row = page.locator('tr[data-document-id="ins-call"]')
    assert not row.locator("form.split-form button").is_visible()  # asks first: one click splits nothing
    row.locator("details.split-confirm summary").click()
    row.locator("form.split-form button").click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == url
    assert "The document was split off into incident #" in page.locator(".flash").inner_text()
    assert page.locator("#timeline-table tr.timeline-row").count() == 4
    assert page.locator('tr[data-document-id="ins-call"]').count() == 0
    ctx.close()
