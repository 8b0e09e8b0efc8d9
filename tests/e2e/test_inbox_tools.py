"""Issue 15.10 and the triage queue (issue 16) in a real browser, at desktop and phone sizes, LTR and RTL.

The instance runs in Tehran time (UTC+03:30), so a contact time typed as
local time and one typed as UTC differ by hours; its clock stands at
2026-01-05 09:00 UTC (12:30 in Tehran).
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from healthpulse.core.models.tickets import CitizenContactRow, TicketRow
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.web import add_user, news_document, submit_appeal, ticket_id_for

from .conftest import click_and_load, login, shot

pytestmark = pytest.mark.e2e
LIVE_SETTINGS = {"timezone": "Asia/Tehran"}
WEB = Path(__file__).resolve().parents[2] / "web"

DESKTOP_EN = pytest.param("en", 1280, 800, id="en-1280")
PHONE_AR = pytest.param("ar", 390, 844, id="ar-390")
PHONE_RU = pytest.param("ru", 360, 740, id="ru-360")
PHONE_FA = pytest.param("fa", 414, 896, id="fa-414")


@cache
def translated(lang: str, msgid: str) -> str:
    """What the catalogue says for ``msgid`` in ``lang`` (the page must show exactly that)."""
    from babel.messages.pofile import read_po

    if lang == "en":
        return msgid
    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return str(next(m.string for m in read_po(fh) if m.id == msgid))


@contextmanager
def staff_page(browser, live, user, lang, width, height):
    """A browser page logged in as ``user``, in ``lang``, at the given viewport; no CSP violations allowed."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live["base"], user)
    page.goto(f"{live['base']}/auth/login?lang={lang}")  # switch the UI language (cookie) after logging in
    try:
        yield page
    finally:
        ctx.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e], errors


def ticket_row_ids(page):
    return page.locator("tr.ticket-row").evaluate_all("rs => rs.map(r => Number(r.dataset.ticketId))")


def go(page, live, path):
    page.goto(f"{live['base']}{path}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{path} scrolls sideways"


@pytest.fixture(scope="module")
def staff(live):
    container = live["container"]
    add_user(container, "cairo-second", "department", "cairo")
    add_user(container, "triage-desk", "triage")
    return container


@pytest.mark.parametrize("lang,width,height", [DESKTOP_EN, PHONE_AR])
def test_search_and_my_tickets(browser, live, staff, lang, width, height):
    word = f"oxygen{lang}"
    mine = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"No {word} cylinders left at the Giza clinic"))
    other = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"The {word} supplier has not delivered for weeks"))
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, "/department/tickets")
        page.fill("#t-q", word.upper())
        click_and_load(page, "#ticket-filters button[type=submit]")
        assert f"q={word.upper()}" in page.url
        ids = ticket_row_ids(page)
        assert sorted(ids) == sorted([mine, other])
        assert page.input_value("#t-q") == word.upper()  # the filters stay in the URL and the form
        go(page, live, f"/department/tickets/{mine}")
        click_and_load(page, "#take")
        go(page, live, "/department/tickets")
        click_and_load(page, "#view-mine")
        assert "mine=1" in page.url
        ids = ticket_row_ids(page)
        assert mine in ids and other not in ids
        assert page.locator("#view-mine").inner_text().strip().startswith(translated(lang, "My tickets"))
        shot(page, f"inbox-my-tickets-{lang}-{width}")


@pytest.mark.parametrize("lang,width,height", [PHONE_RU, PHONE_FA])
def test_assignee_is_chosen_among_the_departments_staff(browser, live, staff, lang, width, height):
    tid = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"Assignment check {lang}: clinic closed at noon"))
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, f"/department/tickets/{tid}")
        options = page.locator("#assignee option").evaluate_all("os => os.map(o => o.value)")
        assert set(options) == {"", "cairo-officer", "cairo-second", "admin"}  # not surgut's, not press, not triage
        page.select_option("#assignee", "cairo-second")
        click_and_load(page, "#assign")
        assert page.locator("#assign-form").count() == 1
        with staff.session() as s:
            assert s.get(TicketRow, tid).assignee == "cairo-second"
        # a forged choice (someone of another department) is a form error, and nothing changes
        page.evaluate("document.querySelector('#assignee option[value=admin]').value = 'surgut-officer'")
        page.select_option("#assignee", "surgut-officer")
        click_and_load(page, "#assign")
        assert page.locator("#assign-form .error").inner_text() == translated(
            lang, "Choose a person who works on this ticket's department.")
        with staff.session() as s:
            assert s.get(TicketRow, tid).assignee == "cairo-second"
        shot(page, f"ticket-assign-refused-{lang}-{width}")


@pytest.mark.parametrize("lang,width,height", [DESKTOP_EN, PHONE_FA])
def test_contact_time_is_typed_in_local_time(browser, live, staff, lang, width, height):
    tid = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"Call-back check {lang}: no insulin",
                                             contact_phone="+20 100 555 1234"))
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, f"/department/tickets/{tid}")
        label = page.locator("label[for=at]").inner_text()
        # the Cairo officer types Cairo time (the departments file's zone), not the instance's Tehran time
        assert ("Cairo, UTC+02:00" if lang == "en" else "قاهره، UTC+۰۲:۰۰") in label and "(UTC" not in label
        assert page.get_attribute("#at", "type") == "datetime-local"
        page.select_option("#contact-form select[name=channel]", "phone")
        page.select_option("#contact-form select[name=outcome]", "reached")
        page.fill("#at", "2026-01-05T10:30")  # Cairo time (08:30 UTC); as UTC it would lie in the future, refused
        click_and_load(page, "#record-contact")
        assert page.locator("#contacts li").count() == 1
        with staff.session() as s:
            at = s.scalar(select(CitizenContactRow.at).where(CitizenContactRow.ticket_id == tid))
        assert at == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
        shown = page.locator("#contacts li").inner_text()
        assert ("10:30" if lang == "en" else "۱۰:۳۰") in shown  # shown back in local time


@pytest.mark.parametrize("lang,width,height", [PHONE_AR, PHONE_RU])
def test_close_form_explains_the_rule_first_and_errors_only_after_trying(browser, live, staff, lang, width, height):
    tid = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"Closing check {lang}: the pharmacy is empty",
                                             contact_phone="+20 100 555 9876"))
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, f"/department/tickets/{tid}")
        assert page.locator("#close-form .error, .flash-error").count() == 0
        expect(page.locator("#close-rule")).to_be_visible()
        assert page.locator("label[for=resolution]").inner_text() == translated(
            lang, "Resolution (visible to the citizen)")
        page.fill("#resolution", "Insulin was delivered on Monday.")
        page.fill("#internal_note", "The supplier's contract is under review.")
        page.click("#close-ticket")
        expect(page.locator("#close-form .error")).to_be_visible()
        expect(page.locator(".flash-error").first).to_be_visible()
        assert page.input_value("#resolution") == "Insulin was delivered on Monday."  # nothing typed is lost
        assert page.input_value("#internal_note") == "The supplier's contract is under review."
        shot(page, f"ticket-close-refused-{lang}-{width}")
        with staff.session() as s:
            assert s.get(TicketRow, tid).status != "closed"


@pytest.mark.parametrize("lang,width,height", [DESKTOP_EN, PHONE_AR])
def test_alert_opens_and_links_its_documents_and_ticket(browser, live, staff, lang, width, height):
    clock = live["clock"]
    doc = news_document(8000 + width, department="cairo", published=clock.now() - timedelta(hours=1), incident=True,
                        text="A patient died after the ambulance came three hours late in Cairo.")
    staff.pipeline.ingest(doc)
    with staff.session() as s:  # the alert this document raised or joined
        alert = s.scalar(select(AlertRow).join(AlertDocumentRow, AlertDocumentRow.alert_id == AlertRow.id)
                         .where(AlertDocumentRow.document_id == doc.id))
        tid = s.scalar(select(TicketRow.id).where(TicketRow.alert_id == alert.id))
        n_docs = len(s.scalars(select(AlertDocumentRow).where(AlertDocumentRow.alert_id == alert.id)).all())
    assert tid is not None
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, "/department/alerts")
        click_and_load(page, f"tr[data-alert-id='{alert.id}'] td a >> nth=0")
        assert page.url.endswith(f"/department/alerts/{alert.id}")
        assert page.locator(".alert-doc").count() == n_docs
        shot(page, f"alert-page-{lang}-{width}")
        click_and_load(page, f".alert-doc[data-document-id='{doc.id}'] .doc-links a >> nth=0")
        assert f"/department/tickets/{tid}#doc-" in page.url
        page.go_back()
        click_and_load(page, "#open-ticket")
        assert page.url.endswith(f"/department/tickets/{tid}")
    with staff_page(browser, live, "surgut-officer", lang, width, height) as other:
        assert other.goto(f"{live['base']}/department/alerts/{alert.id}").status == 404


@pytest.mark.parametrize("lang,width,height", [PHONE_RU, DESKTOP_EN])
def test_citizen_phone_is_a_tel_link(browser, live, staff, lang, width, height):
    tid = ticket_id_for(staff, submit_appeal(staff, "cairo", text=f"Phone check {lang}: please call me back",
                                             contact_phone="+20 (100) 222-3333"))
    with staff_page(browser, live, "cairo-officer", lang, width, height) as page:
        go(page, live, f"/department/tickets/{tid}")
        assert page.get_attribute("#citizen-phone", "href") == "tel:+201002223333"
        assert page.locator("#citizen-phone").inner_text() == "+20 (100) 222-3333"


def _unrouted_ticket(container, clock, n):
    container.pipeline.ingest(news_document(
        9100 + n, department="atlantis", published=clock.now() - timedelta(hours=1), incident=True,
        story=f"triage-{n}", text=f"Oxygen ran out at a hospital no department serves, report {n}."))
    with container.session() as s:
        return s.scalar(select(TicketRow.id).join(AlertRow, AlertRow.id == TicketRow.alert_id)
                        .where(AlertRow.story_id == f"triage-{n}"))


@pytest.mark.parametrize("lang,width,height", [DESKTOP_EN, PHONE_AR])
def test_triage_desk_routes_a_ticket_to_a_department(browser, live, staff, lang, width, height):
    tid = _unrouted_ticket(staff, live["clock"], width)
    assert tid is not None
    with staff_page(browser, live, "triage-desk", lang, width, height) as page:
        go(page, live, "/triage/")
        click_and_load(page, f"tr[data-ticket-id='{tid}'] td a >> nth=0")
        assert page.url.endswith(f"/triage/tickets/{tid}")
        page.select_option("#department", "giza")
        shot(page, f"triage-route-{lang}-{width}")
        click_and_load(page, "#route")
        assert page.url.endswith("/triage/")
        expect(page.locator(".flash-ok")).to_be_visible()
        assert page.locator(f"tr[data-ticket-id='{tid}']").count() == 0
        assert page.goto(f"{live['base']}/department/tickets").status == 403
    with staff.session() as s:
        assert s.get(TicketRow, tid).department_id == "giza"
    with staff_page(browser, live, "cairo-officer", lang, width, height) as officer:
        assert officer.goto(f"{live['base']}/triage/").status == 403
        assert officer.goto(f"{live['base']}/department/tickets/{tid}").status == 404  # giza's, not cairo's
