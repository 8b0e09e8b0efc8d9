"""Praise is not an incident (issue 15.9).

A citizen's thanks (an appeal analysed as positive, no incident) opens no
ticket: the department sees it on its praise page and the KPIs count it.  The
press dashboard's "top negative stories" are health stories only: a traffic
jam is negative news, not a health story.
"""

from datetime import timedelta

import pytest
from healthpulse.alerts import service
from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, get_by_code, link_document
from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore

from tests.support.web import login, news_document, submit_appeal

THANKS = "Thank you to the nurses of ward 5 for the wonderful care my mother received."
PRAISE_HEADINGS = {"en": "Praise", "ru": "Благодарности", "ar": "الشكر والثناء", "fa": "قدردانی‌ها", "vi": "Lời cảm ơn"}


def _appeal_with_analysis(container, department, text, *, sentiment, incident, severity=None, contact=None):
    """A text appeal whose document comes analysed (the pipeline skips NLP for it)."""
    now = container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=Channel.TEXT_APPEAL, now=now, consent=True, language="en",
                               department_id=department, contact_phone=contact)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
        code = appeal.tracking_code
    container.pipeline.ingest(Document(
        id=doc_id, channel=Channel.TEXT_APPEAL, text=text, department_hint=department, published_at=now,
        analysis=Analysis(language="en", sentiment=Sentiment(label=sentiment, score=0.95), incident=incident,
                          severity=severity, health_related=True, department=department,
                          topics=[TopicScore(id="staff_conduct", score=0.8)])))
    return code


@pytest.fixture
def praised(container, accounts):
    thanks = _appeal_with_analysis(container, "surgut", THANKS, sentiment="positive", incident=False,
                                   contact="+7 900 123 45 67")
    complaint = _appeal_with_analysis(container, "surgut", "The nurse was rude and refused to call the doctor.",
                                      sentiment="negative", incident=True, severity="medium")
    return {"thanks": thanks, "complaint": complaint}


def test_thank_you_opens_no_ticket_and_closes_the_appeal(container, praised):
    with container.session() as s:
        tickets, total = service.list_tickets(s)
        thanks = get_by_code(s, praised["thanks"])
        complaint = get_by_code(s, praised["complaint"])
        assert total == 1 and tickets[0]["appeal_id"] == complaint.id
        assert thanks.status == "closed" and complaint.status == "ticket_opened"


def test_department_sees_its_own_praise(app, container, praised):
    own = app.test_client()
    login(own, "surgut-officer")
    page = own.get("/department/praise?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert THANKS in html and 'id="praise"' in html
    assert "refused to call the doctor" not in html  # the complaint is a ticket, not praise
    other = app.test_client()
    login(other, "cairo-officer")
    assert THANKS not in other.get("/department/praise?lang=en").get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin")
    assert THANKS in admin.get("/department/praise?lang=en").get_data(as_text=True)
    assert app.test_client().get("/department/praise").status_code == 302  # login first


@pytest.mark.parametrize("lang", sorted(PRAISE_HEADINGS))
def test_praise_page_in_every_language(app, praised, lang):
    c = app.test_client()
    login(c, "surgut-officer")
    html = c.get(f"/department/praise?lang={lang}").get_data(as_text=True)
    assert f"<h1>{PRAISE_HEADINGS[lang]}" in html
    assert f'href="/department/praise">{PRAISE_HEADINGS[lang]}</a>' in html  # in the main menu
    assert ('dir="rtl"' in html) == (lang in ("ar", "fa"))


def test_kpis_count_praise(app, container, clock, praised):
    from tests.support.web import api_token

    clock.advance(timedelta(minutes=5))
    token = api_token(container, "surgut-officer")
    data = app.test_client().get("/api/v1/kpis", headers={"Authorization": f"Bearer {token}"}).get_json()
    surgut = data["departments"]["surgut"]
    assert surgut["praise_count"] == 1 and surgut["praise_share_pct"] == 50.0
    with container.session() as s:
        now = container.clock.now()
        cairo = service.kpis(s, "cairo", now - timedelta(days=1), now + timedelta(days=1))
    assert cairo["praise_count"] == 0 and cairo["praise_share_pct"] is None


def test_appeal_without_analysis_still_gets_a_ticket(container, accounts):
    """No analysis (NLP off) is not praise: nothing is dropped on a guess."""
    code = submit_appeal(container, "cairo", text="Thank you so much, doctors of Cairo!")
    with container.session() as s:
        appeal = get_by_code(s, code)
        tickets, _ = service.list_tickets(s)
    assert [t["appeal_id"] for t in tickets] == [appeal.id]


def test_top_negative_stories_are_health_stories_only(app, container, accounts):
    now = container.clock.now()
    health = news_document(1, department="surgut", published=now - timedelta(hours=3), sentiment="negative",
                           story="clinic-queues", text="Patients in Surgut waited five hours at the clinic.")
    traffic = [news_document(100 + i, department="surgut", published=now - timedelta(hours=2), sentiment="negative",
                             story="m60-jam", text=f"A traffic jam on the ring road, report {i}.") for i in range(3)]
    storm = news_document(200, department="surgut", published=now - timedelta(hours=1), sentiment="negative",
                          story="storm", text="Storm warning: heavy winds tonight.")
    for doc in [*traffic, storm]:
        assert doc.analysis is not None
        doc.analysis.health_related, doc.analysis.health_score = False, 0.02
    container.pipeline.ingest_many([health, *traffic, storm])
    c = app.test_client()
    login(c, "press-office")
    rows = c.get("/press/data/negative_stories.json").get_json()["rows"]
    assert [(r[1], r[2]) for r in rows] == [(health.title, 1)]
    html = c.get("/press/tables").get_data(as_text=True)
    assert health.title in html
    assert all(doc.title not in html for doc in [*traffic, storm])
    # the table ranks negative documents whatever the page's sentiment filter says, and names its rows from
    # them too (a browser review: with "neutral" ticked every row lost its title and link, one read "None")
    for sentiment in ("neutral", "positive"):
        named = c.get(f"/press/data/negative_stories.json?sentiment={sentiment}").get_json()["rows"]
        assert [(r[1], r[8]) for r in named] == [(health.title, health.url)], sentiment
        part = c.get(f"/press/part/negative_stories.html?sentiment={sentiment}").get_data(as_text=True)
        assert health.title in part and ">None<" not in part
