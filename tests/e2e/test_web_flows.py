"""End-to-end: citizen (Arabic, RTL) → department inbox → survey → press dashboard, in a real browser."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.support.web import run_appeal_jobs, submit_appeal

from .conftest import click_and_load, login, shot

pytestmark = pytest.mark.e2e


def test_citizen_submits_arabic_appeal_and_tracks_it(page, live):
    base = live["base"]
    page.goto(f"{base}/ar/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # mirrored layout: the brand sits at the right edge, the language switcher at the left
    brand = page.locator(".brand").bounding_box()
    langs = page.locator(".langs").bounding_box()
    assert brand["x"] > 640 > langs["x"]
    shot(page, "citizen-home-ar")
    page.click("#go-text-appeal")
    assert page.url.endswith("/ar/appeal")
    page.select_option("#topic", "drug_supply")
    page.select_option("#department", "cairo")
    page.fill("#description", "لا يوجد أنسولين في صيدلية مستشفى القصر العيني منذ أسبوعين، والمرضى يشترونه من الخارج")
    page.fill("#contact_phone", "+20 100 555 1234")
    page.check("#consent")
    shot(page, "citizen-appeal-form-ar")
    page.click("#appeal-form button[type=submit]")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"HP-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    shot(page, "citizen-appeal-submitted-ar")
    page.click("text=متابعة الشكوى")
    expect(page.locator("#appeal-status")).to_be_visible()
    assert page.locator("#appeal-status-label").inner_text() == "تم الاستلام"  # accepted; the analysis is a queued job
    run_appeal_jobs(live["container"])  # what the worker does next
    page.reload()
    assert page.locator("#appeal-status-label").inner_text() == "أُحيلت إلى المديرية"
    history = page.locator("#status-history li")
    assert history.count() >= 2
    # dates on the Arabic page use Arabic-Indic digits
    assert re.search("[٠-٩]", history.first.inner_text())
    shot(page, "citizen-track-ar")


def test_citizen_faq_in_persian(page, live):
    page.goto(f"{live['base']}/fa/faq")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.click("details.faq summary")
    page.click("details.faq button[value=yes]")
    expect(page.locator(".flash-ok")).to_be_visible()
    shot(page, "citizen-faq-fa")


def test_department_closes_ticket_and_citizen_answers_survey(browser, page, live):
    base, container = live["base"], live["container"]
    code = submit_appeal(container, "cairo", text="Ambulance took two hours to reach Giza street, patient waited in pain.",
                         language="en", topic="emergency_care", contact_phone="+20 100 222 3333")
    submit_appeal(container, "surgut", text="В поликлинике Сургута нет записи к эндокринологу на месяц вперёд",
                  language="ru", topic="waiting_times")
    login(page, base, "cairo-officer")
    assert "/department/tickets" in page.url
    rows = page.locator("tr.ticket-row")
    assert rows.count() >= 1
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.department)")) == {"cairo"}
    shot(page, "department-tickets")
    page.click("tr.ticket-row >> text=Ambulance took two hours")
    expect(page.locator("#ticket-title")).to_be_visible()
    page.click("#take")
    page.fill("#reply-text", "An inspection of the ambulance dispatch was ordered; we will call you.")
    page.click("#reply-form button[type=submit]")
    # closing without contact is refused with the reason
    page.fill("#resolution", "Dispatch rules changed.")
    page.click("#close-ticket")
    expect(page.locator(".flash-error").first).to_be_visible()
    page.select_option("#contact-form select[name=channel]", "phone")
    page.select_option("#contact-form select[name=outcome]", "reached")
    page.fill("#contact-form textarea[name=note]", "Called back, citizen informed.")
    click_and_load(page, "#record-contact")
    assert page.locator("#contacts li").count() == 1
    page.fill("#resolution", "Dispatch rules changed; ambulance crew added at night.")
    click_and_load(page, "#close-ticket")
    assert page.locator("#ticket-status").inner_text() == "Closed"
    shot(page, "department-ticket-closed")
    ticket_url = page.url
    page.goto(f"{base}/department/alerts")
    shot(page, "department-alerts")

    citizen = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    citizen.goto(f"{base}/en/track")
    citizen.fill("#code", code)
    citizen.click("#track-form button[type=submit]")
    assert "inspection of the ambulance dispatch" in citizen.locator("#public-reply").inner_text()
    assert citizen.locator("#appeal-status-label").inner_text() == "Closed"
    citizen.check("#survey-form input[name=score][value='5']")
    citizen.fill("#survey-form textarea[name=comment]", "Quick and polite.")
    shot(citizen, "citizen-survey-en")
    citizen.click("#survey-form button[type=submit]")
    expect(citizen.locator("#survey-done")).to_be_visible()
    citizen.context.close()
    page.goto(ticket_url)
    assert "5/5" in page.locator("#citizen").inner_text()


def test_press_filters_dashboard_and_downloads_csv(page, live):
    base = live["base"]
    login(page, base, "press-office")
    assert "/press/" in page.url
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    assert page.evaluate("Number(document.querySelector('#chart-sentiment').dataset.points)") >= 20
    series = {k: page.evaluate(f"Number(document.querySelector('#chart-{k}').dataset.series)")
              for k in ("sentiment", "topics", "region", "channel")}
    # earlier tests in this module add text appeals: channel has news (+ text_appeal), topics all ten
    assert series["sentiment"] == 3 and series["topics"] == 10 and series["region"] == 2  # negative + the rest
    assert page.evaluate("Number(document.querySelector('#chart-region').dataset.points)") == 5  # one bar per region
    assert series["channel"] in (1, 2)
    shot(page, "press-dashboard")
    page.click("#g-department summary")
    page.check("#f-department input[value=cairo]")
    page.check("#f-department input[value=tehran]")
    page.check("#f-sentiment input[value=negative]")
    page.click("#apply-filters")
    assert "department=cairo" in page.url and "department=tehran" in page.url and "sentiment=negative" in page.url
    page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
    page.locator("#regions.filled").wait_for(timeout=15000)  # table bodies are filled by dashboard.js
    page.locator("#negative-stories.filled").wait_for(timeout=15000)
    regions = page.locator("#regions tbody tr")
    assert regions.count() == 2
    shot(page, "press-dashboard-filtered")
    with page.expect_download() as dl:
        page.click("#csv-regions")
    body = open(dl.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["department", "name", "documents"]
    assert {r[0] for r in rows[1:]} == {"cairo", "tehran"}
    assert all(r[2] == r[3] for r in rows[1:])  # negative only
    page.goto(f"{base}/press/search?q=waiting")
    assert page.locator("#hits mark").count() > 0
    shot(page, "press-search")


def test_admin_pages_render(page, live):
    base = live["base"]
    login(page, base, "admin")
    page.goto(f"{base}/admin/users")
    expect(page.locator("#users")).to_be_visible()
    shot(page, "admin-users")
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".api-op")
    assert page.locator(".api-op").count() >= 8
    shot(page, "api-docs")


def _video_appeal(container, tmp_path):
    """A video appeal as the video pipeline leaves it: appeal + document with media and transcript segments."""
    import subprocess

    from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, link_document
    from healthpulse.core.domain import Channel, Document, Media, Segment

    video = tmp_path / "appeal.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=8:size=320x240:rate=15",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-c:v", "libvpx", "-b:v", "200k",
                    "-c:a", "libopus", "-shortest", str(video)], check=True)
    now = container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=Channel.VIDEO_APPEAL, now=now, language="ru", department_id="surgut",
                               topic="drug_supply", contact_phone="+7 912 345 67 89", consent=True)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
    segments = [Segment(start=0.0, end=2.5, text="Здравствуйте, я из Сургута."),
                Segment(start=2.5, end=5.0, text="В аптеке больницы нет инсулина две недели."),
                Segment(start=5.0, end=8.0, text="Перезвоните мне, пожалуйста.")]
    container.pipeline.ingest(Document(
        id=doc_id, channel=Channel.VIDEO_APPEAL, source="video_appeal", text=" ".join(s.text for s in segments),
        language_hint="ru", department_hint="surgut", published_at=now, fetched_at=now,
        media=Media(path=str(video), duration=8.0, segments=segments)))


def test_video_ticket_transcript_click_seeks_player(page, live, tmp_path):
    base = live["base"]
    _video_appeal(live["container"], tmp_path)
    login(page, base, "surgut-officer")
    page.click("tr.ticket-row >> text=Здравствуйте")
    video = page.locator("video.appeal-video")
    video.wait_for()
    page.locator("ol.transcript button.seg").nth(2).wait_for()
    page.locator("ol.transcript button.seg").nth(2).click()
    page.wait_for_timeout(800)
    t = page.evaluate("document.querySelector('video.appeal-video').currentTime")
    assert 4.9 <= t <= 8.0, t
    page.evaluate("document.querySelector('video.appeal-video').pause()")
    assert page.locator("ol.transcript button.seg").nth(1).inner_text().endswith("нет инсулина две недели.")
    shot(page, "department-ticket-video")
    # another department cannot fetch the video
    src = video.get_attribute("src")
    other = page.context.browser.new_context()
    op = other.new_page()
    login(op, base, "cairo-officer")
    assert op.request.get(base + src).status == 404
    other.close()
