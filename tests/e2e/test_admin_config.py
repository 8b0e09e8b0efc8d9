"""An admin edits an alert rule and the SLA hours in a real browser, at desktop size, in English (LTR) and Arabic (RTL).

The edit is validated by the loader's models (a refusal shows the line or the
field, translated), saved, and the next alert and ticket follow it.
"""

from datetime import timedelta

import pytest
from healthpulse.alerts import service
from playwright.sync_api import expect

from tests.support.alerts import analysed_document

from .conftest import click_and_load, login, shot

pytestmark = pytest.mark.e2e

REFUSED = {"en": "must be at least 1", "ar": "يجب ألا تقل القيمة عن"}
SLA_REFUSED = {"en": "must be greater than 0", "ar": "يجب أن تكون القيمة أكبر من"}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_admin_edits_a_rule(page, live, lang):
    base, container = live["base"], live["container"]
    login(page, base, "admin")
    page.goto(f"{base}/admin/rules?lang={lang}")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("#rules-text").get_attribute("dir") == "ltr"  # YAML reads left to right on every page
    assert str(container.settings.data_dir) not in page.content()
    term = f"syringes-{lang}"
    rules = page.locator("#rules-text").input_value()
    page.fill("#rules-text", rules.replace("rules:\n", f"rules:\n  - id: watch-{lang}\n    type: watchlist\n"
                                                       f"    terms: [{term}]\n    severity: high\n", 1))
    page.click("#rules-save")
    expect(page.locator(".flash-ok")).to_be_visible()
    assert f"id: watch-{lang}" in page.locator("#rules-text").input_value()
    assert page.locator("#rules-history tbody tr").first.inner_text().count("admin") == 1
    shot(page, f"admin-rules-saved-{lang}")

    container.pipeline.ingest(analysed_document(f"doc-{lang}", "cairo", None, incident=False,
                                                text=f"The clinic ran out of {term} this week."))
    with container.session() as s:
        alerts, _ = service.list_alerts(s, department_ids=["cairo"])
    assert f"watch-{lang}" in {a["rule"] for a in alerts}

    page.fill("#rules-text", "rules:\n  - id: flu\n    type: spike\n    min_count: 0\n")
    click_and_load(page, "#rules-save")
    problem = page.locator('#rule-problems li[data-line="4"]')
    assert problem.is_visible() and REFUSED[lang] in problem.inner_text()
    assert problem.locator("code").inner_text() == "    min_count: 0"
    assert page.locator("#rules-text").get_attribute("aria-invalid") == "true"
    shot(page, f"admin-rules-refused-{lang}")
    saved = (container.settings.data_dir / "rules.yaml").read_text(encoding="utf-8")
    assert f"id: watch-{lang}" in saved and "id: flu" not in saved


@pytest.mark.parametrize("lang,hours", [("en", "12"), ("ar", "6")])
def test_admin_edits_the_sla(page, live, lang, hours):
    base, container = live["base"], live["container"]
    login(page, base, "admin")
    page.goto(f"{base}/admin/sla?lang={lang}")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.fill("#high", "-1")
    click_and_load(page, "#sla-save")
    field = page.locator(".field.has-error", has=page.locator("#high"))
    assert field.locator(".error").is_visible() and SLA_REFUSED[lang] in field.locator(".error").inner_text()
    box, error = page.locator("#high").bounding_box(), field.locator(".error").bounding_box()
    assert error["y"] >= box["y"] + box["height"] - 1  # under its own field
    shot(page, f"admin-sla-refused-{lang}")
    page.fill("#high", hours)
    page.click("#sla-save")
    expect(page.locator(".flash-ok")).to_be_visible()
    assert "admin" in page.locator("#sla-history tbody tr").first.inner_text()
    shot(page, f"admin-sla-saved-{lang}")

    t0 = container.clock.now()
    container.pipeline.ingest(analysed_document(f"sla-{lang}", "surgut", "high", topic=None, story=f"sla-story-{lang}"))
    with container.session() as s:
        tickets, _ = service.list_tickets(s, department_ids=["surgut"], sort="-created_at")
    ticket = next(t for t in tickets if f"sla-{lang}" in t["document_ids"])
    assert ticket["due_at"] == t0 + timedelta(hours=float(hours))
