"""axe-core over every page (citizen, staff, press, admin) in an LTR and an RTL language: no serious or
critical WCAG 2.1 A/AA violation.  Also the keyboard and screen-reader details axe cannot judge alone:
the skip link, focus on transcript lines, the charts' data tables, the translated file picker."""

from __future__ import annotations

import re

import pytest
from healthpulse.core.domain import Channel
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.browser import DESKTOP, PHONE, axe_context, axe_violations, describe
from tests.support.web import submit_appeal

from .conftest import login

pytestmark = pytest.mark.e2e

LANGS = ("en", "ar")


def _with_lang(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


@pytest.fixture(scope="module")
def codes(live):
    """A text appeal and a video appeal to show on the tracking pages."""
    from healthpulse.appeals.lifecycle import create_appeal

    container = live["container"]
    text_code = submit_appeal(container, "cairo", text="The pharmacy of Kasr al-Ainy has had no insulin for two weeks.",
                              contact_phone="+20 100 555 1234")
    with container.session() as s:
        video = create_appeal(s, channel=Channel.VIDEO_APPEAL, now=container.clock.now(), language="ar",
                              department_id="cairo", topic="drug_supply", consent=True)
        video_code = video.tracking_code
    return {"text": text_code, "video": video_code}


def _scan(page, url: str, lang: str, found: dict[str, str], ready: str | None = None) -> None:
    page.goto(_with_lang(url, lang))
    if ready:
        page.locator(ready).first.wait_for(timeout=15000)
    bad = axe_violations(page)
    if bad:
        found[url] = describe(bad)


def _report(found: dict[str, str]) -> str:
    return "\n".join(f"{url}\n{text}" for url, text in found.items())


@pytest.mark.parametrize("lang", LANGS)
def test_citizen_pages_have_no_serious_violations(browser, live, codes, lang):
    base = live["base"]
    ctx = axe_context(browser, DESKTOP)
    page = ctx.new_page()
    found: dict[str, str] = {}
    for path in (f"/{lang}/", f"/{lang}/appeal", f"/{lang}/faq", f"/{lang}/track", "/video/appeal",
                 f"/video/status/{codes['video']}", "/video/status", "/auth/login", "/no-such-page"):
        _scan(page, base + path, lang, found)
    # the form with its error messages
    page.goto(f"{base}/{lang}/appeal")
    page.click("#appeal-form button[type=submit]")
    bad = axe_violations(page)
    if bad:
        found["appeal (errors)"] = describe(bad)
    # an appeal shown on the tracking page
    page.goto(f"{base}/{lang}/track")
    page.fill("#code", codes["text"])
    page.click("#track-form button[type=submit]")
    page.locator("#appeal-status").wait_for()
    bad = axe_violations(page)
    if bad:
        found["track (appeal)"] = describe(bad)
    ctx.close()
    assert not found, _report(found)


@pytest.mark.parametrize("lang", LANGS)
def test_citizen_pages_on_a_phone_have_no_serious_violations(browser, live, codes, lang):
    base = live["base"]
    ctx = axe_context(browser, PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    found: dict[str, str] = {}
    for path in (f"/{lang}/", f"/{lang}/appeal", "/video/appeal", f"/video/status/{codes['video']}"):
        _scan(page, base + path, lang, found)
    ctx.close()
    assert not found, _report(found)


def _staff_scan(browser, live, user: str, lang: str, pages: list[tuple[str, str | None]]) -> dict[str, str]:
    base = live["base"]
    ctx = axe_context(browser, DESKTOP)
    page = ctx.new_page()
    login(page, base, user)
    found: dict[str, str] = {}
    for path, ready in pages:
        _scan(page, base + path, lang, found, ready)
    ctx.close()
    return found


def _ticket_id(live, department: str) -> int:
    from healthpulse.core.models.tickets import TicketRow

    with live["container"].session() as s:
        tid = s.scalar(select(TicketRow.id).where(TicketRow.department_id == department).order_by(TicketRow.id))
    assert tid is not None, f"no ticket for {department}"
    return int(tid)


@pytest.mark.parametrize("lang", LANGS)
def test_department_pages_have_no_serious_violations(browser, live, codes, lang):
    tid = _ticket_id(live, "cairo")
    found = _staff_scan(browser, live, "cairo-officer", lang, [
        ("/department/tickets", None), (f"/department/tickets/{tid}", "#ticket-title"),
        ("/department/alerts", None)])
    assert not found, _report(found)


@pytest.mark.parametrize("lang", LANGS)
def test_press_pages_have_no_serious_violations(browser, live, lang):
    found = _staff_scan(browser, live, "press-office", lang, [
        ("/press/", "#regions.filled"), ("/press/tables", None), ("/press/search?q=waiting", None),
        ("/press/faq-gaps", None), ("/press/incidents", "#incident-filter")])
    assert not found, _report(found)


@pytest.mark.parametrize("lang", LANGS)
def test_admin_pages_have_no_serious_violations(browser, live, lang):
    from healthpulse.core.models.faq import FaqEntry

    with live["container"].session() as s:
        faq_id = s.scalar(select(FaqEntry.id).order_by(FaqEntry.id))
    # A dead job (no handler for its kind), so the jobs page shows its table and Retry buttons.
    live["container"].jobs.enqueue("e2e.no-such-kind", {}, max_attempts=1, idempotency_key="e2e-dead-job")
    live["container"].worker.run_until_idle(kinds=["e2e.no-such-kind"])
    found = _staff_scan(browser, live, "admin", lang, [
        ("/admin/", None), ("/admin/users", None), ("/admin/users/1", None), ("/admin/departments", None),
        ("/admin/faq", None), (f"/admin/faq/{faq_id}", None), ("/admin/rules", None), ("/admin/sla", None),
        ("/admin/jobs", "#dead-jobs"), ("/admin/aliases/", None), ("/api/v1/docs", ".api-op")])
    assert not found, _report(found)


@pytest.mark.parametrize(("lang", "text"), [("en", "Skip to the content"), ("fa", "رفتن به محتوای اصلی")])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(browser, live, lang, text):
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.goto(f"{live['base']}/{lang}/appeal")
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    assert link.get_attribute("class") == "skip-link" and link.inner_text().strip() == text
    box = link.bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    ctx.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_has_its_data_as_a_table(browser, live, lang):
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    login(page, live["base"], "press-office")
    page.goto(f"{live['base']}/press/?lang={lang}")
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    for split in ("sentiment", "topics", "region", "channel"):
        canvas = page.locator(f"#chart-{split}")
        assert canvas.get_attribute("aria-describedby") == f"chart-{split}-data"
        table = page.locator(f"#chart-{split}-table")
        assert not table.is_visible()
        page.click(f"#chart-{split}-data > summary")
        expect(table).to_be_visible()
        points, series = int(canvas.get_attribute("data-points")), int(canvas.get_attribute("data-series"))
        assert table.locator("tbody tr").count() == points
        if split == "region":  # the busiest regions by name, stacked bars (issue 20: not 20 lines over time)
            assert table.locator("thead th").count() == series + 1  # region, each series
            continue
        assert table.locator("thead th").count() == series + 2  # period, each series, total
        first_period = table.locator("tbody th").first.inner_text()
        assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", first_period), first_period
        if lang == "ar":
            assert re.search("[٠-٩]", first_period) and re.search("[٠-٩]", table.locator("tbody td").first.inner_text())
    ctx.close()


def test_transcript_lines_show_keyboard_focus(browser, live, tmp_path):
    """A line of the transcript beside a video appeal is a button; the keyboard focus on it must be visible."""
    import subprocess

    from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, link_document
    from healthpulse.core.domain import Document, Media, Segment

    container = live["container"]
    video = tmp_path / "appeal.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10",
                    "-c:v", "libvpx", "-b:v", "100k", str(video)], check=True)
    now = container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=Channel.VIDEO_APPEAL, now=now, language="ar", department_id="giza",
                               topic="waiting_times", consent=True)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
    segments = [Segment(start=0.0, end=1.5, text="انتظرت في المستشفى ست ساعات"),
                Segment(start=1.5, end=3.0, text="ولم يفحصني أي طبيب")]
    container.pipeline.ingest(Document(
        id=doc_id, channel=Channel.VIDEO_APPEAL, source="video_appeal", text=" ".join(s.text for s in segments),
        language_hint="ar", department_hint="giza", published_at=now, fetched_at=now,
        media=Media(path=str(video), duration=3.0, segments=segments)))
    from healthpulse.core.models.tickets import TicketRow

    with container.session() as s:
        tid = s.scalar(select(TicketRow.id).where(TicketRow.department_id == "giza").order_by(TicketRow.id.desc()))
    from tests.support.web import add_user

    add_user(container, "giza-officer", "department", "giza")
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    login(page, live["base"], "giza-officer")
    page.goto(f"{live['base']}/department/tickets/{tid}?lang=ar")
    line = page.locator("ol.transcript button.seg").first
    line.wait_for()
    page.locator("ol.transcript button.seg").nth(1).focus()
    page.keyboard.press("Shift+Tab")  # keyboard focus (focus-visible), not a mouse click
    assert page.evaluate("document.activeElement.classList.contains('seg')")
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert style[0] != "none" and style[1] >= 2, style
    ctx.close()
