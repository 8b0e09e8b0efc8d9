"""Browser tests: the real app served by waitress on 127.0.0.1, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HEALTHPULSE_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """Per module: a live sync Playwright blocks other modules from starting their own (video e2e does)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set HEALTHPULSE_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def live(request, tmp_path_factory):
    """A seeded instance served over HTTP: departments' officers, press, admin, news over 20 days, FAQ.

    A test module may set ``LIVE_SETTINGS`` (e.g. ``{"timezone": "Asia/Tehran"}``) for its instance.
    """
    from argon2 import PasswordHasher
    from healthpulse.core.clock import FakeClock
    from healthpulse.web.demo import seed_demo_faq
    from healthpulse.web.services import users as user_svc
    from waitress.server import create_server

    from tests.support.containers import make_container
    from tests.support.web import add_user, make_web_app, seed_news

    original_hasher = user_svc._hasher
    user_svc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # same argon2id, cheaper
    clock = FakeClock()
    container = make_container(tmp_path_factory.mktemp("e2e"), clock=clock,
                               **getattr(request.module, "LIVE_SETTINGS", {}))
    for user, role, dep in (("cairo-officer", "department", "cairo"), ("surgut-officer", "department", "surgut"),
                            ("press-office", "press", None), ("admin", "admin", None)):
        add_user(container, user, role, dep)
    seed_news(container, 240, departments=["cairo", "surgut", "tehran", "hanoi", "giza"],
              start=clock.now() - timedelta(days=20), days=20)
    with container.session() as s:
        seed_demo_faq(s)
    app = make_web_app(container)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    yield {"base": base, "container": container, "clock": clock}
    server.close()
    container.close()
    user_svc.use_hasher(original_hasher)


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.csp_errors = errors  # type: ignore[attr-defined]
    yield pg
    ctx.close()
    csp = [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    assert not csp, f"CSP violations: {csp}"


def click_and_load(page, selector: str) -> None:
    """Click something that navigates, and wait for the new page's load.

    A click returns once the navigation commits; reading the page right
    after can still see the old one, or a new one without its rows yet.
    """
    with page.expect_navigation():
        page.click(selector)


def login(page, base, user):
    """Log in through the real form, in English."""
    from tests.support.web import PASSWORD

    page.goto(f"{base}/auth/login?lang=en")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    click_and_load(page, "#login-form button[type=submit]")  # tests read the page it lands on at once


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
