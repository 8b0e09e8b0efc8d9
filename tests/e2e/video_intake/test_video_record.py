"""A citizen records a video appeal with the (fake) camera in Chromium, the upload survives a dropped
connection, and the page shows the tracking code; the worker then transcribes what the microphone heard."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("HEALTHPULSE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory):
    from tests.support.synth import TEST_UTTERANCES, pytest_media_dir, speech_wav

    return speech_wav(TEST_UTTERANCES["en"][0], "en", pytest_media_dir(tmp_path_factory))


@pytest.fixture(scope="module")
def camera_browser(spoken_wav):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={spoken_wav}",
        ])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def video_site(tmp_path_factory):
    from healthpulse.core.clock import FakeClock
    from healthpulse.web.app import create_app

    from tests.support.containers import make_container

    container = make_container(tmp_path_factory.mktemp("video-e2e"), clock=FakeClock())
    server = make_server("127.0.0.1", 0, create_app(container=container), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield container, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    container.close()


def test_record_upload_resume_and_track(camera_browser, video_site):
    container, base = video_site
    context = camera_browser.new_context(base_url=base, permissions=["camera", "microphone"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None)

    # The first PATCH dies mid-way (connection dropped); tus-js-client must ask for the offset and resume.
    dropped = {"n": 0}

    def drop_first_patch(route):
        if route.request.method == "PATCH" and dropped["n"] == 0:
            dropped["n"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/video/uploads/*", drop_first_patch)
    page.goto("/video/appeal?lang=en")
    page.click("#camera-start")
    page.wait_for_selector("#record-stop:not([hidden])")
    page.wait_for_timeout(7000)  # about one pass of the spoken sentence
    page.click("#record-stop")
    page.wait_for_selector("[data-recorded=yes]")
    assert page.eval_on_selector("#preview", "v => !v.hidden && v.src.startsWith('blob:')")

    page.fill("#contact", "citizen@example.org")
    page.select_option("#language", "en")
    page.click("#upload-start")
    assert page.locator("#upload-error").inner_text() == "Please give your consent first."
    page.check("#consent")
    page.click("#upload-start")
    page.wait_for_selector("#receipt:not([hidden])", timeout=60_000)
    code = page.inner_text("#tracking-code")
    assert code.startswith("HP-") and len(code) == 12
    assert dropped["n"] == 1
    assert page.eval_on_selector("#upload-progress", "p => p.value") == 100

    container.worker.run_until_idle()
    page.click("#status-link")
    page.wait_for_selector("#appeal-status")
    assert code in page.inner_text("#appeal-status")
    assert "Passed to the department" in page.inner_text("#status-now")  # the tracking page's wording (issue 15.5)

    from healthpulse.core.models.appeals import AppealRow
    from healthpulse.core.models.documents import DocumentRow
    from healthpulse.core.models.uploads import VideoMediaRow
    from sqlalchemy import select

    with container.session() as s:
        appeal = s.scalar(select(AppealRow).where(AppealRow.tracking_code == code))
        media = s.get(VideoMediaRow, appeal.id)
        doc = s.get(DocumentRow, appeal.document_id)
        assert appeal.contact_email == "citizen@example.org"
        assert media.container == "matroska" and media.video_codec in ("vp8", "vp9") and media.audio_codec == "opus"
        assert "insulin" in doc.text.lower() or "hospital" in doc.text.lower(), doc.text
    assert not errors, errors
    context.close()
