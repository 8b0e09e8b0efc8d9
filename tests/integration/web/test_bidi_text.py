"""Mixed-direction text on Arabic and Persian pages: user text and contact values are isolated.

An English reply, a phone number or an e-mail address inside a right-to-left page
is reordered by the browser unless it is isolated (``<bdi>`` / ``dir``): the full
stop jumps to the front, "+28" reads "28+". Real app, real container; the texts
go in through the real forms.
"""

import re

from tests.integration.web.test_triage import _unrouted_appeal
from tests.support.web import add_user, csrf_from, login, submit_appeal, ticket_id_for

AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _officer(app, container, lang):
    add_user(container, "cairo-officer", "department", "cairo")
    client = app.test_client()
    assert login(client, "cairo-officer").status_code == 302
    client.get(f"/department/tickets?lang={lang}")
    return client


def test_ticket_page_isolates_number_reply_and_contacts_in_arabic(app, container):
    code = submit_appeal(container, "cairo", contact_phone="+20 100 555 1234", contact_email="name@example.org")
    tid = ticket_id_for(container, code)
    officer = _officer(app, container, "ar")
    token = csrf_from(officer.get(f"/department/tickets/{tid}").get_data(as_text=True))
    reply = "Hospital No. 2 pharmacy on Friday."
    assert officer.post(f"/department/tickets/{tid}/reply", data={"csrf_token": token, "text": reply}).status_code == 303
    html = officer.get(f"/department/tickets/{tid}").get_data(as_text=True)
    heading = re.search(r'<h1 id="ticket-title">(.*?)</h1>', html, re.S).group(1)
    assert f'<bdi dir="ltr">#{str(tid).translate(AR)}</bdi>' in heading  # isolated, in the page's digits
    assert f'<div class="answer" dir="auto">{reply}</div>' in html
    assert '<bdi dir="ltr">+20 100 555 1234</bdi>' in html
    assert '<bdi dir="ltr">name@example.org</bdi>' in html
    # the citizen reads the same reply on the tracking page, in its own direction
    citizen = app.test_client()
    token = csrf_from(citizen.get("/ar/track").get_data(as_text=True))
    page = citizen.post("/ar/track", data={"csrf_token": token, "code": code}, follow_redirects=True).get_data(as_text=True)
    assert f'<blockquote class="reply" id="public-reply" dir="auto">{reply}</blockquote>' in page


def test_triage_heading_isolates_the_ticket_number(app, container):
    _code, tid = _unrouted_appeal(container)
    add_user(container, "triager", "triage")
    client = app.test_client()
    assert login(client, "triager").status_code == 302
    html = client.get(f"/triage/tickets/{tid}?lang=ar").get_data(as_text=True)
    assert f'<h1 id="ticket-title"><bdi dir="ltr">#{str(tid).translate(AR)}</bdi>' in html


def test_email_example_in_an_arabic_error_is_isolated(client):
    page = client.get("/ar/appeal")
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "topic": "drug_supply", "department": "cairo",
            "description": "الصيدلية بلا أنسولين منذ أسبوعين.", "consent": "y", "contact_email": "not an address"}
    html = client.post("/ar/appeal", data=data).get_data(as_text=True)
    error = re.search(r'<small class="error" role="alert">([^<]*name@example\.org[^<]*)</small>', html).group(1)
    assert "\u2066name@example.org\u2069" in error
