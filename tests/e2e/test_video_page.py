"""The citizen's video appeal page in a real browser, at desktop and phone sizes, in an LTR and an RTL language:
state-dependent elements stay hidden until their state applies, the privacy notice is there and translated,
the file picker speaks the page's language, the tracking code shows at the top of a phone screen after
sending, and the status page looks like the text appeal's tracking page (local dates, no raw timestamps)."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, NARROW_PHONE, PHONE

pytestmark = pytest.mark.e2e

STATE_ELEMENTS = ("#live", "#preview", "#record-stop", "#upload-resume", "#upload-progress", "#upload-error",
                  "#receipt")
SIZES = {"desktop": DESKTOP, "phone": PHONE, "narrow": NARROW_PHONE}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """Two seconds of real VP8/Opus WebM (what a phone's browser records)."""
    out = tmp_path_factory.mktemp("clip") / "appeal.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libvpx", "-b:v", "100k",
                    "-c:a", "libopus", "-shortest", str(out)], check=True)
    return out


def _open(browser, live, size, lang):
    ctx = browser.new_context(viewport=SIZES[size], is_mobile=size != "desktop", has_touch=size != "desktop")
    page = ctx.new_page()
    page.goto(f"{live['base']}/video/appeal?lang={lang}")
    return ctx, page


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_state_elements_stay_hidden_until_their_state(browser, live, clip, size, lang):
    ctx, page = _open(browser, live, size, lang)
    shown = [sel for sel in STATE_ELEMENTS if page.locator(sel).is_visible()]
    assert not shown, f"visible before their state: {shown}"
    page.set_input_files("#file-input", str(clip))
    expect(page.locator("#preview")).to_be_visible()
    shown = [sel for sel in STATE_ELEMENTS if sel != "#preview" and page.locator(sel).is_visible()]
    assert not shown, f"visible after choosing a file: {shown}"
    ctx.close()


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("health department", "transcribed automatically", "administrators")),
    ("ar", ("مديرية الصحة", "آليًا", "مسؤولو النظام")),
    ("fa", ("اداره سلامت", "خودکار", "مدیران سامانه")),
])
def test_privacy_notice_says_who_sees_it_how_long_and_that_a_machine_transcribes(browser, live, lang, words):
    ctx, page = _open(browser, live, "phone", lang)
    notice = page.locator("#video-privacy")
    expect(notice).to_be_visible()
    text = notice.inner_text()
    for word in words:
        assert word in text, (word, text)
    if lang != "en":
        assert not re.search("[A-Za-z]{3,}", text), text
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_file_picker_is_a_translated_button_over_a_hidden_input(browser, live, lang):
    ctx, page = _open(browser, live, "phone", lang)
    native = page.locator("#file-input")
    box = native.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1), box  # the English native control is not shown
    picker = page.locator("label[for=file-input]")
    expect(picker).to_be_visible()
    expected = {"en": "or choose a video file", "ar": "أو اختر ملف فيديو"}[lang]
    assert picker.inner_text().strip() == expected
    page.keyboard.press("Tab")
    for _ in range(12):  # the hidden input is still reachable with the keyboard, and its label shows the focus
        if page.evaluate("document.activeElement && document.activeElement.id") == "file-input":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file-input"
    assert page.evaluate("getComputedStyle(document.querySelector('label[for=file-input]')).outlineStyle") != "none"
    ctx.close()


@pytest.mark.parametrize(("size", "lang"), [("phone", "ar"), ("narrow", "en"), ("desktop", "fa")])
def test_tracking_code_at_the_top_after_sending_and_status_page_like_tracking(browser, live, clip, size, lang):
    ctx, page = _open(browser, live, size, lang)
    page.set_input_files("#file-input", str(clip))
    page.check("#consent")
    page.click("#upload-start")
    page.locator("#receipt").wait_for(state="visible", timeout=60_000)
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"HP-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    height = SIZES[size]["height"]
    box = page.locator("#tracking-code").bounding_box()
    scrolled = page.evaluate("window.scrollY")
    assert 0 <= box["y"] and box["y"] + box["height"] <= height, (box, scrolled)
    assert box["y"] + scrolled + box["height"] <= height, "the code is not on the first screen of the page"
    # the finished form is out of the way: nothing to send twice
    assert not page.locator("#upload-start").is_visible()

    page.click("#status-link")
    page.locator("#appeal-status").wait_for()
    assert code in page.locator("#appeal-status").inner_text()
    # the same parts as the text appeal's tracking page
    for part in ("#appeal-status-label", "dl.facts", "ol.timeline#status-history"):
        assert page.locator(part).count() == 1, part
    history = page.locator("#status-history li").first.inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", page.locator("#appeal-status").inner_text())
    if lang == "fa":
        assert re.search("[۰-۹]", history) and not re.search("[0-9]", history), history
    if lang == "ar":
        assert re.search("[٠-٩]", history), history
    same_look = page.evaluate("getComputedStyle(document.querySelector('#status-history')).borderInlineStartStyle")
    assert same_look == "solid"
    ctx.close()
