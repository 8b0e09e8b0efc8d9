"""Issue 20.3 in a real browser: the press dashboard on a phone (390 px) in Persian (right-to-left) —
the ranked stories, the SVG map, a date preset, the checkbox filters and a saved view, with no
sideways scroll."""

import pytest
from playwright.sync_api import expect

from .conftest import login, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    # after a click the URL changes when navigation commits, before the new document has an <html>
    page.wait_for_load_state("load")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll}px wide at {inner}px"


def test_press_officer_reads_ranks_maps_filters_and_saves_a_view_on_a_phone(browser, live):
    base = live["base"]
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, base, "press-office")
    page.goto(f"{base}/press/?lang=fa")
    assert page.evaluate("document.documentElement.dir") == "rtl"

    # ranked stories: filled by dashboard.js, highest score first, the top one a group of several documents
    page.locator("#negative-stories.filled").wait_for(timeout=15000)
    scores = [float(s) for s in page.locator("#negative-stories tr.story").evaluate_all("rs => rs.map(r => r.dataset.score)")]
    assert 1 < len(scores) <= 10 and scores == sorted(scores, reverse=True)
    assert page.locator("#negative-stories tr.story").first.locator("a.story-docs").count() == 1

    # the map: inline SVG, one focusable link per region with a Persian label carrying its figures
    page.locator("#region-map.filled svg").wait_for(timeout=15000)
    regions = page.locator("#region-map a.region")
    assert regions.count() == len(live["container"].departments.ids)
    cairo = page.locator('#region-map a.region[data-department="cairo"]')
    label = cairo.get_attribute("aria-label") or ""
    assert int(cairo.get_attribute("data-level") or 0) >= 1 and any(d in label for d in "۰۱۲۳۴۵۶۷۸۹")
    assert not any(d in label for d in "0123456789")
    assert page.locator("#map-legend li").count() == 5
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    assert _western_digits_on_axes(page) == [], "chart axes in Persian digits, zero included"
    assert _overlapping_dates(page) == []
    _fits(page)
    shot(page, "press-dashboard-phone-fa")

    # a preset keeps the other filters; checkbox filters need no Ctrl-click
    page.click("#g-department summary")
    page.check("#f-department input[value=cairo]")
    page.check("#f-sentiment input[value=negative]")
    page.click("#apply-filters")
    assert "department=cairo" in page.url and "sentiment=negative" in page.url
    page.click("#presets a[data-period='7d']")
    assert "period=7d" in page.url and "department=cairo" in page.url and "from=" not in page.url
    assert page.locator("#presets a[data-period='7d']").get_attribute("aria-current") == "true"

    # save the view under a name with markup in it; it comes back as text and reopens the same filters
    page.fill("#view-name", "<i>قاهره</i> هفته")
    page.click("#save-view button[type=submit]")
    saved = page.locator("#saved-view-list a.saved-view")
    expect(saved).to_have_count(1)
    assert saved.inner_text() == "<i>قاهره</i> هفته"
    page.goto(f"{base}/press/?lang=fa")
    page.locator("#saved-view-list a.saved-view").click()
    assert "period=7d" in page.url and "department=cairo" in page.url and "sentiment=negative" in page.url
    assert page.locator("#f-department input[value=cairo]").is_checked()

    # a region on the map opens its documents
    page.locator("#region-map.filled svg").wait_for(timeout=15000)
    page.locator('#region-map a.region[data-department="cairo"]').click()
    assert "/press/search" in page.url and page.url.endswith("department=cairo")
    _fits(page)
    page.goto(f"{base}/press/?lang=ar")  # Chromium's "ar" numbers in Western digits unless told otherwise
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    assert _western_digits_on_axes(page) == [], "chart axes in Arabic-Indic digits"
    assert _overlapping_dates(page) == [], "the dates under a chart are drawn apart and inside the canvas"
    page.goto(f"{base}/press/?lang=ar&period=7d")  # fewer, wider-spaced dates: the leftmost one was cut off
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    assert _overlapping_dates(page) == []
    assert not errors, errors
    ctx.close()


def _overlapping_dates(page) -> list[list[str]]:
    """Date labels of the time charts drawn over their neighbour or past the canvas's edge (aligned inward, the
    first and last stood half a label closer to their neighbours than Chart.js's skipping assumes)."""
    return page.evaluate("""() => [...document.querySelectorAll('canvas.chart.drawn')].flatMap(cv => {
        const chart = window.Chart.getChart(cv), scale = chart.scales.x;
        if (chart.options.indexAxis === 'y') return [];
        const spans = scale.getLabelItems().map(item => {
          chart.ctx.font = item.font.string;
          const w = chart.ctx.measureText(item.label).width, x = item.options.translation[0];
          const left = item.options.textAlign === 'left' ? x : item.options.textAlign === 'right' ? x - w : x - w / 2;
          return [left, left + w, item.label];
        }).sort((a, b) => a[0] - b[0]);
        return spans.filter((s, i) => (i > 0 && s[0] < spans[i - 1][1]) || s[0] < 0 || s[1] > chart.width)
          .map(s => [cv.id, s[2]]);
      })""")


def _western_digits_on_axes(page) -> list[str]:
    """The drawn charts' tick labels that contain an ASCII digit (Chart.js draws them on the canvas)."""
    return page.evaluate("""() => [...document.querySelectorAll('canvas.chart.drawn')].flatMap(cv => {
        const chart = window.Chart.getChart(cv);
        return Object.values(chart.scales).flatMap(s => s.ticks.map(t => String(t.label)));
      }).filter(label => /[0-9]/.test(label))""")
