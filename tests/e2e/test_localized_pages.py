"""Citizen pages in Persian and Arabic in a real browser: Solar Hijri dates with Persian digits, Arabic-Indic
digits, region names in the reader's language (departments file ``name: {ar: …, fa: …}``)."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

CASES = [
    # lang, viewport, department, its local name, the seeded clock's 2026-01-05 09:00 UTC as the reader sees it: in
    # the time of the department handling the appeal (the departments file's timezone), the month spelled out
    ("fa", PHONE, "tehran", "معاونت بهداشت دانشگاه علوم پزشکی تهران", "۱۵ دی ۱۴۰۴، ۱۲:۳۰ (تهران)"),
    ("ar", DESKTOP, "cairo", "مديرية الشؤون الصحية بالقاهرة", "٥ يناير ٢٠٢٦، ١١:٠٠ ص (القاهرة)"),
]


@pytest.mark.parametrize(("lang", "viewport", "department", "local_name", "when"), CASES)
def test_appeal_tracked_in_the_readers_calendar_digits_and_region_name(browser, live, lang, viewport, department,
                                                                      local_name, when):
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.goto(f"{live['base']}/{lang}/appeal")
    option = page.locator(f"#department option[value={department}]")
    assert option.inner_text() == local_name
    page.select_option("#topic", "waiting_times")
    page.select_option("#department", department)
    page.fill("#description", "صف انتظار درمانگاه بیش از شش ساعت طول کشید و هیچ پزشکی نبود")
    page.check("#consent")
    page.click("#appeal-form button[type=submit]")
    page.locator("#tracking-code").wait_for()
    page.click("a.button[href$='/track']")
    status = page.locator("#appeal-status")
    status.wait_for()
    facts = page.locator("dl.facts").inner_text()
    assert local_name in facts
    first = page.locator("#status-history li").first.inner_text()
    assert first.startswith(when), first
    assert not re.search("[0-9]", status.inner_text().replace(page.locator("#appeal-status h2 bdi").inner_text(), ""))
    ctx.close()
