"""Issue 15.11: every staff, press and admin page fits a phone (360 px) without horizontal page scroll.

The pages are enumerated from the app's URL map, so a new staff page without
an entry here fails the coverage test.  Each page is visited as the admin
(who sees every page and the longest navigation) and the triage page as a
triage user, in English (LTR) and Arabic (RTL); the check is the one a
person feels: ``document.documentElement.scrollWidth <= window.innerWidth``
once the page and its scripts have settled.  Wide tables may scroll inside
their own box; the page itself may not.
"""

from datetime import timedelta

import pytest
from healthpulse.core.domain import Analysis, Channel, Document, Reach
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.faq import FaqEntry
from healthpulse.core.models.incidents import IncidentDocumentRow
from healthpulse.core.models.users import User
from sqlalchemy import func, select

from tests.support.web import add_user, news_document, submit_appeal, ticket_id_for

from .conftest import login, shot

pytestmark = pytest.mark.e2e

STAFF_BLUEPRINTS = ("department", "press", "admin", "aliases", "triage", "incidents")
# GET endpoints that are not pages (fragments, data, downloads, media) or only redirect.
NOT_PAGES = {"department.index", "department.media", "press.part", "press.data", "press.export", "triage.index",
             "press.open_view"}
# endpoint → URL template; {tid} a citizen's ticket, {aid} an alert with documents and a ticket,
# {uid} a user, {fid} a FAQ entry, {triage_tid} a ticket without a department, {iid} the largest incident.
PAGES = {
    "department.tickets": "/department/tickets",
    "department.ticket": "/department/tickets/{tid}",
    "department.alerts": "/department/alerts",
    "department.alert": "/department/alerts/{aid}",
    "department.praise": "/department/praise",
    "department.hotline": "/department/hotline",
    "press.dashboard": "/press/",
    "press.tables": "/press/tables",
    "press.search": "/press/search?q=waiting",
    "press.faq_gaps": "/press/faq-gaps",
    "press.posts": "/press/posts",
    "press.alert": "/press/alerts/{aid}",
    "incidents.press_list": "/press/incidents",
    "incidents.press_incident": "/press/incidents/{iid}",
    "incidents.department_list": "/department/incidents",
    "incidents.department_incident": "/department/incidents/{iid}",
    "admin.index": "/admin/",
    "admin.users": "/admin/users",
    "admin.edit_user": "/admin/users/{uid}",
    "admin.departments": "/admin/departments",
    "admin.faq": "/admin/faq",
    "admin.edit_faq": "/admin/faq/{fid}",
    "admin.rules": "/admin/rules",
    "admin.sla": "/admin/sla",
    "admin.jobs": "/admin/jobs",
    "aliases.index": "/admin/aliases/",
    "triage.queue": "/triage/",
    "triage.ticket": "/triage/tickets/{triage_tid}",
}
# The narrowest common phone: a page that fits 360 px fits 414 (no page here has a breakpoint between them;
# the 390 px checks below and in the incident and search tests cover a middle width). One width keeps the
# whole-site sweep, two languages × every page, within the suite's time budget.
WIDTHS = (360,)
LANGS = ("en", "ar")


@pytest.fixture(scope="module")
def world(live):
    """A citizen's ticket with long contact details, an alert, a ticket without a department, a triage user."""
    container, clock = live["container"], live["clock"]
    add_user(container, "triage-desk", "triage")
    code = submit_appeal(container, "cairo", text="Ambulance took two hours to reach the clinic; "
                         "the patient waited in pain on the pavement outside the emergency entrance.",
                         topic="emergency_care", contact_phone="+20 100 222 3333",
                         contact_email="a.very.long.address.for.a.citizen@example-mail-provider.example")
    container.pipeline.ingest(news_document(
        9001, department="atlantis", published=clock.now() - timedelta(hours=1), incident=True,
        text="A hospital with no department on the map ran out of oxygen; patients were moved at night."))
    with container.session() as s:
        alert = s.scalar(select(AlertRow).where(AlertRow.department_id == "cairo").order_by(AlertRow.id))
        triage_alert = s.scalar(select(AlertRow).where(AlertRow.department_id.is_(None)))
        uid = s.scalar(select(User.id).where(User.username == "cairo-officer"))
        fid = s.scalar(select(FaqEntry.id).order_by(FaqEntry.id))
    assert alert is not None and triage_alert is not None and fid is not None
    from healthpulse.core.models.tickets import TicketRow

    container.pipeline.ingest_many([  # social posts with long unbroken words, names and counts (press.posts)
        Document(id=f"post-{lang}", channel=Channel.SOCIAL, source="telegram-minzdrav-ugra-official-channel",
                 author="Департамент здравоохранения Ханты-Мансийского автономного округа — Югры",
                 url=f"https://t.me/minzdrav_ugra_official_channel_with_a_long_name/{n}", published_at=clock.now(),
                 text=text, reach=Reach(views=1_234_567_890, reactions=98_765, forwards=43_210, comments=1_234),
                 analysis=Analysis(language=lang, department="cairo", health_related=True, incident=False))
        for n, (lang, text) in enumerate((
            ("ru", "Переполненнаяприемнаяотделениябольницы #ОчередьВПоликлиникеСургута2026 — люди ждут по 5 часов"),
            ("ar", "#مستشفى_القاهرة_الجامعي_بلا_أدوية_منذ_أسبوع المرضى ينتظرون"),
        ))])
    with container.session() as s:
        triage_tid = s.scalar(select(TicketRow.id).where(TicketRow.department_id.is_(None)))
        iid = s.scalar(select(IncidentDocumentRow.incident_id).group_by(IncidentDocumentRow.incident_id)
                       .order_by(func.count().desc(), IncidentDocumentRow.incident_id))
    assert triage_tid is not None, "the incident outside every department should wait in the triage queue"
    assert iid is not None, "the seeded news opened no incident"
    return {"tid": ticket_id_for(container, code), "aid": alert.id, "uid": uid, "fid": fid, "triage_tid": triage_tid,
            "iid": iid}


def test_every_staff_page_is_checked(live):
    from tests.support.web import make_web_app

    app = make_web_app(live["container"])
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.split(".")[0] in STAFF_BLUEPRINTS and "GET" in (r.methods or ())}
    missing = endpoints - set(PAGES) - NOT_PAGES
    assert not missing, f"staff pages without a phone-width check: {sorted(missing)}"


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    # the dashboard fills its tables after load (press.part fragments)
    page.wait_for_function("!document.querySelector('tbody.pending')", timeout=15000)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_staff_pages_fit_phone_width(browser, live, world, lang, width):
    base = live["base"]
    too_wide: list[str] = []
    for user, endpoints in (("admin", [e for e in PAGES if not e.startswith("triage.")]),
                            ("triage-desk", [e for e in PAGES if e.startswith("triage.")])):
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        page = ctx.new_page()
        login(page, base, user)
        for endpoint in endpoints:
            url = PAGES[endpoint].format(**world)
            response = page.goto(f"{base}{url}{'&' if '?' in url else '?'}lang={lang}")
            assert response is not None and response.status == 200, f"{endpoint}: HTTP {response and response.status}"
            _settle(page)
            assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                too_wide.append(f"{endpoint} ({url}): {scroll}px wide at {inner}px")
                shot(page, f"too-wide-{width}-{lang}-{endpoint}")
        ctx.close()
    assert not too_wide, f"pages that scroll sideways at {width}px in {lang}:\n" + "\n".join(too_wide)


POSTS_WIDTH = 390  # a common phone (issue 18): the social posts list, its numbers and its language names
CLIPPED_JS = """() => [...document.querySelectorAll('#posts td, #reach-form .field')]
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth + 1
                  || el.getBoundingClientRect().left < -1)
    .map(el => el.textContent.trim().slice(0, 60))"""


@pytest.mark.parametrize(("lang", "russian"), [("en", "Russian"), ("ar", "الروسية")])
def test_posts_fit_390px_and_name_languages(browser, live, world, lang, russian):
    ctx = browser.new_context(viewport={"width": POSTS_WIDTH, "height": 800})
    page = ctx.new_page()
    login(page, live["base"], "admin")
    response = page.goto(f"{live['base']}/press/posts?lang={lang}")
    assert response is not None and response.status == 200
    _settle(page)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    clipped = page.evaluate(CLIPPED_JS)
    if scroll > inner or clipped:
        shot(page, f"posts-{POSTS_WIDTH}-{lang}")
    assert scroll <= inner, f"/press/posts is {scroll}px wide at {inner}px"
    assert not clipped, f"cut off at {POSTS_WIDTH}px: {clipped}"
    languages = page.locator("#posts td.post-lang").all_inner_texts()
    assert russian in languages and "ru" not in languages
    assert russian in page.locator("#f-language").inner_text()  # the language filter names languages too
    ctx.close()
