"""The incident page (issue 20 item 2): scoping like the API, the figures it shows, escaping, and the staff's
split / merge (POST with CSRF, redirect back with a message; a refusal shows the page again and changes nothing)."""

from __future__ import annotations

import re

import pytest
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from healthpulse.core.models.incidents import IncidentDecisionRow, IncidentDocumentRow, IncidentRow
from healthpulse.core.models.tickets import TicketDocumentRow
from sqlalchemy import func, select

from tests.support.incidents import seed_incidents
from tests.support.web import csrf_from, login

from .conftest import make_accounts


@pytest.fixture
def world(app, container):
    make_accounts(container)
    seeded = seed_incidents(container)
    clients = {"anon": app.test_client()}
    for role, user in (("surgut", "surgut-officer"), ("cairo", "cairo-officer"), ("press", "press-office"),
                       ("admin", "admin")):
        clients[role] = app.test_client()
        assert login(clients[role], user).status_code == 302
    return seeded, clients


def _state(container) -> tuple:
    """Everything a correction could change: memberships, statuses, decisions."""
    with container.session() as s:
        members = sorted((m.document_id, m.incident_id, m.linked_by) for m in s.scalars(select(IncidentDocumentRow)))
        statuses = sorted((i.id, i.status) for i in s.scalars(select(IncidentRow)))
        decisions = s.scalar(select(func.count()).select_from(IncidentDecisionRow))
    return members, statuses, decisions


def test_press_sees_every_department_a_department_only_its_own(world):
    seeded, c = world
    for iid in (seeded.surgut, seeded.cairo):
        assert c["press"].get(f"/press/incidents/{iid}").status_code == 200
        assert c["admin"].get(f"/department/incidents/{iid}").status_code == 200
    assert c["surgut"].get(f"/department/incidents/{seeded.surgut}").status_code == 200
    assert c["surgut"].get(f"/department/incidents/{seeded.cairo}").status_code == 404  # another department's
    assert c["cairo"].get(f"/department/incidents/{seeded.surgut}").status_code == 404
    assert c["surgut"].get("/department/incidents/99999").status_code == 404
    # each role keeps to its own area; not logged in → the login page
    assert c["surgut"].get(f"/press/incidents/{seeded.surgut}").status_code == 403
    assert c["press"].get(f"/department/incidents/{seeded.surgut}").status_code == 403
    r = c["anon"].get(f"/department/incidents/{seeded.surgut}")
    assert r.status_code == 302 and "/auth/login" in r.location


def test_the_page_shows_the_incident_its_coverage_chart_and_timeline(world):
    seeded, c = world
    html = c["press"].get(f"/press/incidents/{seeded.surgut}?lang=en").get_data(as_text=True)
    assert 'id="incident-department">Surgut city health department<' in html
    assert 'id="incident-topics">Drug supply<' in html and ">High</span>" in html
    assert re.search(r'id="first-report"><a href="#doc-ins-news-ru">', html)
    assert 'href="https://news.example/ins-news-ru"' in html
    assert 'id="response">' in html and "no response yet" not in html
    # 4 reports in the ~1.1 days before the response, 1 in the ~0.3 day (counted as one) after it
    docs_row = html[html.index('id="coverage-documents"'):html.index('id="coverage-reach"')]
    assert 'data-value="3.69"' in docs_row and 'data-value="1.0"' in docs_row and "-73%" in docs_row
    reach_row = html[html.index('id="coverage-reach"'):html.index("</tbody>", html.index('id="coverage-reach"'))]
    assert "11,077" in reach_row and "11076.92" in reach_row and "-100%" in reach_row
    # the chart: one bar per day from the first report to the last, the response day and after marked
    bars = re.findall(r'<rect class="bar( after)?" [^>]*data-day="([\d-]+)" data-documents="(\d+)"', html)
    assert [int(n) for _, _, n in bars] == [3, 1, 1] and [a for a, _, _ in bars] == ["", " after", " after"]
    assert 'id="response-mark"' in html
    # the timeline: every document, channel and language in words, reach, why it was linked
    rows = re.findall(r'<tr class="timeline-row" id="doc-([^"]+)"', html)
    assert rows == ["ins-news-ru", "ins-post-ru", "ins-call", "ins-news-en", "ins-news-fa"]
    assert ">Social media<" in html and ">Hotline<" in html and ">Persian<" in html and ">English<" in html
    assert ">12,000<" in html
    assert "opened the incident" in html and "shared topic: Drug supply" in html and "same department" in html
    # the press office corrects nothing and opens no tickets: no forms, no ticket links
    assert "split-form" not in html and 'id="merge-form"' not in html and "open-ticket" not in html


def test_department_staff_reach_the_ticket_holding_a_document(world, container):
    seeded, c = world
    with container.session() as s:
        tid = s.scalar(select(TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id == "ins-news-ru"))
    html = c["surgut"].get(f"/department/incidents/{seeded.surgut}?lang=en").get_data(as_text=True)
    assert f'href="/department/tickets/{tid}#doc-ins-news-ru" class="open-ticket"' in html


def test_no_response_yet_is_said_in_words(world, container):
    seeded, c = world
    html = c["cairo"].get(f"/department/incidents/{seeded.cairo}?lang=en").get_data(as_text=True)
    assert "no response yet" in html and 'id="response-mark"' not in html


def test_a_document_title_with_markup_is_shown_as_text(world):
    seeded, c = world
    html = c["surgut"].get(f"/department/incidents/{seeded.surgut}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Нет инсулина" in html


def test_split_off_redirects_back_with_a_message_and_is_recorded(world, container):
    seeded, c = world
    url = f"/department/incidents/{seeded.surgut}"
    token = csrf_from(c["surgut"].get(url).get_data(as_text=True))
    r = c["surgut"].post(f"{url}/split?lang=en", data={"csrf_token": token, "document_id": "ins-call"})
    assert r.status_code == 303 and r.location.endswith(url)
    with container.session() as s:
        member = s.get(IncidentDocumentRow, "ins-call")
        assert member is not None and member.incident_id != seeded.surgut and member.linked_by == "staff"
        decision = s.scalars(select(IncidentDecisionRow)).one()
        assert (decision.action, decision.actor, decision.document_id) == ("split", "surgut-officer", "ins-call")
        new_id = member.incident_id
    html = c["surgut"].get(url + "?lang=en").get_data(as_text=True)
    assert f"The document was split off into incident #{new_id}." in html
    assert 'id="doc-ins-call"' not in html


def test_merge_moves_the_other_incident_in_and_redirects_back(world, container):
    seeded, c = world
    url = f"/department/incidents/{seeded.surgut}"
    token = csrf_from(c["surgut"].get(url).get_data(as_text=True))
    persian = str(seeded.surgut_other).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))  # as a fa reader types it
    r = c["surgut"].post(f"{url}/merge", data={"csrf_token": token, "other": f"#{persian}"})
    assert r.status_code == 303 and r.location.endswith(url)
    with container.session() as s:
        other = s.get(IncidentRow, seeded.surgut_other)
        assert other is not None and other.status == "merged" and other.merged_into == seeded.surgut
    html = c["surgut"].get(url + "?lang=en").get_data(as_text=True)
    assert f"Incident #{seeded.surgut_other} was merged into this one." in html and 'id="doc-surgut-ambulance"' in html
    merged = c["surgut"].get(f"/department/incidents/{seeded.surgut_other}?lang=en").get_data(as_text=True)
    assert 'id="merged-note"' in merged and "split-form" not in merged


@pytest.mark.parametrize("typed,status,message", [
    ("abc", 422, "Enter the number of an incident, for example 12."),
    ("{cairo}", 422, "There is no incident #{cairo} among your department&#39;s incidents."),
    ("99999", 422, "There is no incident #99999 among your department&#39;s incidents."),
    ("{surgut}", 409, "cannot be merged into this one"),
])
def test_a_refused_merge_shows_the_page_again_with_the_reason_and_changes_nothing(world, container, typed, status,
                                                                                  message):
    seeded, c = world
    typed, message = (x.format(cairo=seeded.cairo, surgut=seeded.surgut) for x in (typed, message))
    url = f"/department/incidents/{seeded.surgut}"
    token = csrf_from(c["surgut"].get(url).get_data(as_text=True))
    before = _state(container)
    r = c["surgut"].post(f"{url}/merge?lang=en", data={"csrf_token": token, "other": typed})
    assert r.status_code == status
    html = r.get_data(as_text=True)
    assert message in html and 'id="timeline-table"' in html and f'value="{typed}"' in html
    assert _state(container) == before


def test_refused_splits_and_posts_without_csrf_or_from_the_press_change_nothing(world, container):
    seeded, c = world
    url = f"/department/incidents/{seeded.surgut}"
    token = csrf_from(c["surgut"].get(url).get_data(as_text=True))
    before = _state(container)
    r = c["surgut"].post(f"{url}/split?lang=en", data={"csrf_token": token, "document_id": "cairo-1"})
    assert r.status_code == 409 and "This document is not in this incident" in r.get_data(as_text=True)
    r = c["surgut"].post(f"{url}/split?lang=ru", data={"csrf_token": token})
    assert r.status_code == 400 and "Выберите документ этого инцидента" in r.get_data(as_text=True)
    cairo_url = f"/department/incidents/{seeded.cairo}"
    cairo_page = c["cairo"].get(cairo_url).get_data(as_text=True)
    assert "split-form" not in cairo_page  # one document: nothing to split it from, no button
    r = c["cairo"].post(f"{cairo_url}/split?lang=en", data={"csrf_token": csrf_from(cairo_page), "document_id": "cairo-1"})
    assert r.status_code == 409 and "the incident&#39;s only document" in r.get_data(as_text=True)
    r = c["surgut"].post(f"/department/incidents/{seeded.cairo}/split", data={"csrf_token": token,
                                                                               "document_id": "cairo-1"})
    assert r.status_code == 404  # another department's incident
    assert c["surgut"].post(f"{url}/split", data={"document_id": "ins-call"}).status_code == 400  # no CSRF token
    press_token = csrf_from(c["press"].get(f"/press/incidents/{seeded.surgut}").get_data(as_text=True))
    for action, data in (("split", {"document_id": "ins-call"}), ("merge", {"other": str(seeded.surgut_other)})):
        assert c["press"].post(f"{url}/{action}", data={"csrf_token": press_token, **data}).status_code == 403
    assert _state(container) == before


def test_the_page_reads_in_arabic_with_local_names_and_digits(world):
    seeded, c = world
    html = c["press"].get(f"/press/incidents/{seeded.surgut}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html and "التسلسل الزمني" in html and "قبل الاستجابة" in html
    assert ">الروسية<" in html and ">الفارسية<" in html  # language names, not codes
    assert "١٢٬٠٠٠" in html  # the post's reach in the reader's digits and thousands separator
    assert "Drug supply" not in html and "drug_supply" not in html


def test_a_search_hit_opens_the_incident_its_document_belongs_to(world):
    """A press officer who finds a report by searching reaches its incident in one click (a browser review:
    an appeal or a call had no link at all, a news item only its outside source)."""
    seeded, c = world
    html = c["press"].get("/press/search?q=Surgut&mode=text&lang=en").get_data(as_text=True)
    hit = html[html.index('data-document-id="ins-news-en"'):]
    hit = hit[:hit.index("</article>")]
    assert (f'<a class="hit-incident" href="/press/incidents/{seeded.surgut}" data-incident-id="{seeded.surgut}">'
            in hit)
    assert c["press"].get(f"/press/incidents/{seeded.surgut}").status_code == 200
    ar = c["press"].get("/press/search?q=Surgut&mode=text&lang=ar").get_data(as_text=True)
    number = re.search(rf'<a class="hit-incident" href="/press/incidents/{seeded.surgut}"[^>]*>[^<]*'
                       r'<bdi dir="ltr">#([٠-٩]+)</bdi></a>', ar)  # the reader's digits, never grouped
    assert number and int(number.group(1).translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))) == seeded.surgut


def test_top_negative_stories_make_an_incident_one_row_that_opens_its_page(world):
    seeded, c = world
    rows = c["press"].get("/press/data/negative_stories.json").get_json()["rows"]
    insulin = [r for r in rows if r[13] == seeded.surgut]
    assert len(insulin) == 1 and insulin[0][2] == 5  # five reports, three channels, one row
    assert rows[0][13] == seeded.surgut  # the widest-covered story ranks first
    page = c["press"].get(f"/press/incidents/{seeded.surgut}?lang=en").get_data(as_text=True)
    assert insulin[0][1] == "В Сургуте нет инсулина" and "В Сургуте нет инсулина" in page
    # named as its incident page names it (the opening report), not by the newest document (the Persian one)
    html = c["press"].get("/press/part/negative_stories.html?lang=en").get_data(as_text=True)
    assert (f'data-incident-id="{seeded.surgut}"><td class="story-title"><a class="story-incident" '
            f'href="/press/incidents/{seeded.surgut}">') in html


def test_ticket_and_alert_pages_link_the_incident_of_their_documents(world, container):
    seeded, c = world
    with container.session() as s:
        tid = s.scalar(select(TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id == "ins-news-ru"))
        aid = s.scalar(select(AlertDocumentRow.alert_id).join(AlertRow, AlertRow.id == AlertDocumentRow.alert_id)
                       .where(AlertDocumentRow.document_id == "ins-news-ru"))
    assert tid is not None and aid is not None
    link = f'href="/department/incidents/{seeded.surgut}" class="incident-link"'
    assert link in c["surgut"].get(f"/department/tickets/{tid}").get_data(as_text=True)
    assert link in c["surgut"].get(f"/department/alerts/{aid}").get_data(as_text=True)
    press = c["press"].get(f"/press/alerts/{aid}").get_data(as_text=True)
    assert f'href="/press/incidents/{seeded.surgut}" class="incident-link"' in press


def test_the_incident_list_ranks_by_coverage_reach_and_severity_within_scope(world):
    seeded, c = world
    html = c["press"].get("/press/incidents?lang=en").get_data(as_text=True)
    order = [int(i) for i in re.findall(r'<tr class="incident-row" data-incident-id="(\d+)"', html)]
    # five reports, a post seen 12,000 times, high → first; a critical single report beats a high one
    assert order[0] == seeded.surgut and set(order) >= {seeded.surgut, seeded.cairo, seeded.surgut_other}
    assert order.index(seeded.surgut_other) < order.index(seeded.cairo)
    assert f'href="/press/incidents/{seeded.surgut}"' in html
    own = c["surgut"].get("/department/incidents").get_data(as_text=True)
    ids = {int(i) for i in re.findall(r'<tr class="incident-row" data-incident-id="(\d+)"', own)}
    assert seeded.surgut in ids and seeded.cairo not in ids
    assert f'href="/department/incidents/{seeded.surgut}"' in own


def test_the_press_office_narrows_the_incident_list_to_one_region(world):
    """A browser review: the list had no filter and ``?department=cairo`` was ignored."""
    seeded, c = world
    html = c["press"].get("/press/incidents?department=cairo&lang=en").get_data(as_text=True)
    ids = {int(i) for i in re.findall(r'<tr class="incident-row" data-incident-id="(\d+)"', html)}
    assert ids == {seeded.cairo}
    assert '<option value="cairo" selected>' in html and '<option value="">All regions</option>' in html
    every = c["press"].get("/press/incidents?department=&lang=en").get_data(as_text=True)  # "All regions"
    assert {int(i) for i in re.findall(r'data-incident-id="(\d+)"', every)} >= {seeded.surgut, seeded.cairo}
    bad = c["press"].get("/press/incidents?department=atlantis&lang=en")
    assert bad.status_code == 400 and "department" in bad.get_data(as_text=True)
    assert "<select" not in c["surgut"].get("/department/incidents").get_data(as_text=True)  # their own only


def test_incident_and_alert_numbers_read_in_the_pages_digits(world, container):
    """The heading and the browser tab's title number an incident or alert in Arabic-Indic digits on an Arabic
    page (the incident list already does), not "#7" among "٣ تقارير"."""
    seeded, c = world
    with container.session() as s:
        aid = s.scalar(select(AlertDocumentRow.alert_id).where(AlertDocumentRow.document_id == "ins-news-ru"))
    ar = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for url, number in ((f"/press/incidents/{seeded.surgut}?lang=ar", seeded.surgut),
                        (f"/press/alerts/{aid}?lang=ar", aid), (f"/department/alerts/{aid}?lang=ar", aid)):
        client = c["surgut"] if url.startswith("/department") else c["press"]
        html = client.get(url).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        for shown in (title, heading):
            assert f"#{str(number).translate(ar)}" in shown and f"#{number}" not in shown, (url, shown)


def test_an_appeal_shows_its_channel_once_not_its_source_code(world, container):
    """Appeals and calls are stored with their channel as source ("hotline", as appeals/intake.py does); the
    timeline already names the channel in the reader's language, so the raw code is not repeated after the title."""
    from healthpulse.core.models.documents import DocumentRow

    seeded, c = world
    with container.session() as s:
        s.get(DocumentRow, "ins-call").source = "hotline"
        s.commit()
    html = c["press"].get(f"/press/incidents/{seeded.surgut}?lang=ar").get_data(as_text=True)
    row = re.search(r'<tr class="timeline-row" id="doc-ins-call".*?</tr>', html, re.S).group(0)
    assert "hotline" not in row.replace('data-label', '') and "الخط الساخن" in row, row
    assert "<bdi>surgut-inform</bdi>" in html  # a news outlet is still named
    with container.session() as s:  # the alert pages too (a browser review saw "Hotline · … · hotline")
        aid = s.scalar(select(AlertDocumentRow.alert_id).where(AlertDocumentRow.document_id == "ins-call"))
    assert aid is not None
    for page in (c["press"].get(f"/press/alerts/{aid}?lang=en"), c["surgut"].get(f"/department/alerts/{aid}?lang=en")):
        item = re.search(r'<li class="alert-doc" data-document-id="ins-call">.*?</li>', page.get_data(as_text=True),
                         re.S)
        assert item is not None and "<bdi>hotline</bdi>" not in item.group(0) and "Hotline" in item.group(0)


def test_split_and_merge_messages_number_incidents_in_the_readers_digits(world, container):
    """An Arabic reader's refusal and confirmation name the incident in Arabic-Indic digits, like the page."""
    seeded, c = world
    ar = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    url = f"/department/incidents/{seeded.surgut}"
    token = csrf_from(c["surgut"].get(url).get_data(as_text=True))
    for typed in ("99999", str(seeded.surgut)):
        r = c["surgut"].post(f"{url}/merge?lang=ar", data={"csrf_token": token, "other": typed})
        error = re.search(r'id="incident-error">(.*?)</p>', r.get_data(as_text=True), re.S).group(1)
        assert typed.translate(ar) in error and not re.search("[0-9]", error), error
    r = c["surgut"].post(f"{url}/merge?lang=ar", data={"csrf_token": token, "other": str(seeded.surgut_other)})
    assert r.status_code == 303
    flashed = re.search(r'class="flash[^"]*"[^>]*>(.*?)<', c["surgut"].get(url + "?lang=ar").get_data(as_text=True),
                        re.S).group(1)
    assert str(seeded.surgut_other).translate(ar) in flashed and not re.search("[0-9]", flashed), flashed


@pytest.mark.parametrize("lang,digits", [("en", "0123456789"), ("ar", "٠١٢٣٤٥٦٧٨٩"), ("fa", "۰۱۲۳۴۵۶۷۸۹")])
def test_incident_and_ticket_numbers_are_identifiers_not_amounts(world, container, lang, digits):
    """An identifier reads "#1234" in the reader's digits, never grouped like an amount ("#1,234"), on the incident
    page, its "merged into" note, the incident list and the ticket pages."""
    seeded, c = world
    local = str.maketrans("0123456789", digits)
    with container.session() as s:
        other = s.get(IncidentRow, seeded.surgut_other)
        s.add(IncidentRow(id=1234, department_id="surgut", status="open", topics=[], title="Ambulance delays",
                          first_seen_at=other.first_seen_at, last_seen_at=other.last_seen_at,
                          created_at=other.created_at, updated_at=other.updated_at))
        s.flush()
        other.status, other.merged_into = "merged", 1234
        tid = s.scalar(select(TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id == "ins-news-ru"))
    big = "1234".translate(local)
    pages = {f"/press/incidents/1234?lang={lang}": r"<h1[^>]*>(.*?)</h1>",
             f"/press/incidents/{seeded.surgut_other}?lang={lang}": r'id="merged-note">(.*?)</p>'}
    for url, where in pages.items():
        shown = re.search(where, c["press"].get(url).get_data(as_text=True), re.S).group(1)
        assert f"#{big}<" in shown, (url, shown)
    ticket = str(tid).translate(local)
    for url, where in ((f"/department/tickets?lang={lang}", rf'<a href="/department/tickets/{tid}">(.*?)</a>'),
                       (f"/department/tickets/{tid}?lang={lang}", r"<h1[^>]*>(.*?)</h1>"),
                       (f"/department/tickets/{tid}?lang={lang}", r"<title>(.*?)</title>")):
        shown = re.search(where, c["surgut"].get(url).get_data(as_text=True), re.S).group(1)
        assert ticket in shown and (lang == "en" or not re.search("[0-9]", shown)), (url, shown)
