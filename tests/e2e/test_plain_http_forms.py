"""Forms over plain http on a LAN address (issue 15.3), in a real Chromium.

``healthpulse serve`` on a LAN answers http://<name>:8000; the browser does not
treat that origin as secure (unlike 127.0.0.1), so a ``Secure`` session cookie
was dropped and every form failed its CSRF check with a bare 400.  The browser
here resolves ``healthpulse.lan`` to the local server, so the origin is a plain
http, non-loopback one like a LAN's.
"""

from __future__ import annotations

import threading
import time

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM, shot

pytestmark = pytest.mark.e2e
HOST = "healthpulse.lan"
DESCRIPTION = "Нет инсулина в аптеке окружной больницы Сургута уже две недели, пациенты покупают сами."


@pytest.fixture(scope="module")
def lan(tmp_path_factory):
    """The app as `healthpulse serve` builds it outside tests (testing off, a real secret key), on waitress."""
    from healthpulse.core.clock import FakeClock
    from waitress.server import create_server

    from tests.support.containers import make_container
    from tests.support.web import make_web_app

    container = make_container(tmp_path_factory.mktemp("lan"), clock=FakeClock(), testing=False,
                               secret_key="lan-secret-key-" + "x" * 32)
    app = make_web_app(container)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield {"base": f"http://{HOST}:{server.effective_port}", "app": app, "container": container}
    server.close()
    container.close()


@pytest.fixture(scope="module")
def lan_browser():
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu",
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture
def lan_page(lan_browser):
    ctx = lan_browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _fill_appeal(page, base):
    page.goto(f"{base}/ru/appeal")
    assert not page.evaluate("window.isSecureContext")  # a LAN origin, not a trustworthy one like 127.0.0.1
    page.select_option("#topic", "drug_supply")
    page.select_option("#department", "surgut")
    page.fill("#description", DESCRIPTION)
    page.fill("#contact_phone", "+7 912 345-67-89")
    page.check("#consent")


def test_the_appeal_form_works_over_plain_http(lan_page, lan):
    _fill_appeal(lan_page, lan["base"])
    lan_page.click("#appeal-form button[type=submit]")
    expect(lan_page.locator("#tracking-code")).to_be_visible()  # waits for the page the click leads to
    cookies = {c["name"]: c for c in lan_page.context.cookies()}
    assert "healthpulse_session" in cookies and cookies["healthpulse_session"]["httpOnly"]
    shot(lan_page, "plain-http-appeal-submitted")


def test_an_expired_form_explains_and_keeps_the_text(lan_page, lan):
    app = lan["app"]
    _fill_appeal(lan_page, lan["base"])
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_TIME_LIMIT"] = 1  # the page was left open too long
    try:
        time.sleep(2.2)
        lan_page.click("#appeal-form button[type=submit]")
        notice = lan_page.locator("#form-not-sent")
        expect(notice).to_be_visible()
        assert "не отправлена" in notice.inner_text()  # in the page's language
        assert lan_page.input_value("#description") == DESCRIPTION  # nothing typed is lost
        assert lan_page.input_value("#contact_phone") == "+7 912 345-67-89"
        shot(lan_page, "plain-http-form-expired")
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
    lan_page.click("#appeal-form button[type=submit]")  # a fresh token came with the page: sending again works
    expect(lan_page.locator("#tracking-code")).to_be_visible()
