"""Ingest → alerts → tickets, through the real pipeline (documents come analysed)."""

from healthpulse.alerts import service
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.appeals.lifecycle import get_by_code
from healthpulse.core.domain import Channel
from healthpulse.core.models.alerts import AlertRow, NotificationRow
from sqlalchemy import select

from .conftest import hours, make_doc


def _tickets(hp, **kw):
    with hp.session() as s:
        return service.list_tickets(s, sort="id", **kw)[0]


def test_mixed_batch_opens_one_ticket_per_incident_group(hp, fclock):
    t0 = fclock.now()
    hp.pipeline.ingest_many([
        make_doc("s1-a", "surgut", "high", story="story-1"),
        make_doc("s1-b", "surgut", "high", story="story-1"),                      # same story
        make_doc("c-1", "cairo", "critical", topic="medical_error", language="ar"),
        make_doc("c-2", "cairo", "medium", topic="medical_error", language="ar"),  # same department + topic
        make_doc("g-1", "giza", "low", topic="waiting_times"),                    # low: a ticket, longest SLA
        make_doc("n-1", "surgut", None, incident=False),                          # not an incident
        make_doc("n-2", None, None, incident=False, sentiment="positive"),
    ])
    tickets = _tickets(hp)
    assert [(t["department"], t["severity"], sorted(t["document_ids"])) for t in tickets] == [
        ("surgut", "high", ["s1-a", "s1-b"]),
        ("cairo", "critical", ["c-1", "c-2"]),
        ("giza", "low", ["g-1"]),
    ]
    assert tickets[0]["due_at"] == t0 + hours(24)
    assert tickets[1]["due_at"] == t0 + hours(4)
    assert tickets[2]["due_at"] == t0 + hours(168)
    assert all(t["origin"] == "alert" and t["status"] == "new" for t in tickets)
    with hp.session() as s:
        alerts, total = service.list_alerts(s)
    assert total == 3
    assert {a["department"]: a["document_count"] for a in alerts} == {"surgut": 2, "cairo": 2, "giza": 1}


def test_later_copy_of_a_story_joins_and_escalates(hp, fclock):
    hp.pipeline.ingest(make_doc("a", "surgut", "medium", story="st"))
    fclock.advance(hours(2))
    hp.pipeline.ingest(make_doc("b", "surgut", "critical", story="st", topic="drug_supply"))
    hp.pipeline.ingest(make_doc("a", "surgut", "medium", story="st", text="updated text"))  # re-ingest: no duplicate
    tickets = _tickets(hp)
    assert len(tickets) == 1
    t = tickets[0]
    assert t["severity"] == "critical" and sorted(t["document_ids"]) == ["a", "b"]
    assert t["due_at"] == t["created_at"] + hours(4)  # deadline moved to the critical SLA
    with hp.session() as s:
        events = [n.event for n in s.scalars(select(NotificationRow).where(NotificationRow.channel == "email"))]
        assert events == ["alert", "escalation"]
        alert = s.scalars(select(AlertRow)).one()
        assert alert.severity == "critical" and alert.document_count == 2


def test_realert_window_suppresses_repeated_notices(hp, fclock):
    hp.pipeline.ingest(make_doc("a", "surgut", "medium", story="st"))
    fclock.advance(minutes=10)
    hp.pipeline.ingest(make_doc("b", "surgut", "high", story="st"))       # escalation within 60 min: held back
    fclock.advance(minutes=10)
    hp.pipeline.ingest(make_doc("c", "surgut", "high", story="st"))       # same severity: nothing
    with hp.session() as s:
        assert [n.event for n in s.scalars(select(NotificationRow))] == ["alert"]
    fclock.advance(minutes=60)
    hp.pipeline.ingest(make_doc("d", "surgut", "high", story="st"))       # window over, severity above notified
    with hp.session() as s:
        assert [n.event for n in s.scalars(select(NotificationRow))] == ["alert", "escalation"]


def test_same_topic_outside_window_is_a_new_alert(hp, fclock):
    hp.pipeline.ingest(make_doc("a", "surgut", "high"))
    fclock.advance(hours(25))
    hp.pipeline.ingest(make_doc("b", "surgut", "high"))
    assert len(_tickets(hp)) == 2


def test_no_department_goes_to_triage(hp):
    hp.pipeline.ingest(make_doc("x", None, "high"))
    hp.pipeline.ingest(make_doc("y", "atlantis", "high", topic="drug_supply"))  # unknown id → triage too
    tickets = _tickets(hp, triage=True)
    assert [t["department"] for t in tickets] == [None, None]
    with hp.session() as s:
        assert service.ticket_counters(s, None)["triage_open"] == 2
        assert service.list_tickets(s, department_ids=["surgut"])[1] == 0


def _appeal(hp, text="Мне отказали в приёме у терапевта", *, department_id=None, channel=Channel.TEXT_APPEAL,
            language="ru", email="citizen@example.org"):
    code = submit_text_appeal(hp, text=text, consent=True, channel=channel, language=language,
                              department_id=department_id, contact_email=email)
    hp.worker.run_until_idle(kinds=["appeals.analyse"])  # the worker analyses and routes the appeal
    return code


def test_citizen_appeal_opens_a_ticket_and_citizen_region_wins(hp, fclock):
    # NLP would say Surgut; the citizen chose Nizhnevartovsk: the citizen's choice wins.
    code = _appeal(hp, "В Сургуте мне отказали в приёме у терапевта", department_id="nizhnevartovsk")
    tickets = _tickets(hp)
    assert len(tickets) == 1
    t = tickets[0]
    assert (t["origin"], t["department"], t["severity"], t["channel"]) == ("appeal", "nizhnevartovsk", "medium", "text_appeal")
    assert t["due_at"] == fclock.now() + hours(72) and t["has_citizen"]
    with hp.session() as s:
        appeal = get_by_code(s, code)
        assert appeal.status == "ticket_opened"
        assert t["appeal_id"] == appeal.id and t["document_ids"] == [appeal.document_id]
        # the department hears of it; the citizen who left an address gets the receipt, in the appeal's language
        assert [(n.event, n.recipient, n.language) for n in s.scalars(select(NotificationRow))] == [
            ("appeal", "nizhnevartovsk@health.example", "ru"), ("received", "citizen@example.org", "ru")]


def test_every_appeal_channel_opens_a_ticket_even_without_nlp(hp):
    for ch in (Channel.TEXT_APPEAL, Channel.HOTLINE, Channel.EMAIL):
        _appeal(hp, f"appeal via {ch}", channel=ch, department_id="cairo")
    tickets = _tickets(hp)
    assert [t["channel"] for t in tickets] == ["text_appeal", "hotline", "email"]
    assert {t["department"] for t in tickets} == {"cairo"}


def test_incident_in_an_appeal_joins_the_appeal_ticket(hp, fclock):
    from healthpulse.appeals.lifecycle import appeal_document_id, create_appeal, link_document

    with hp.session() as s:
        appeal = create_appeal(s, channel=Channel.VIDEO_APPEAL, now=fclock.now(), language="ru",
                               department_id="surgut", contact_phone="+7 900 000 00 00", consent=True)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
    # The transcript of a video appeal, analysed as a critical incident.
    hp.pipeline.ingest(make_doc(doc_id, "surgut", "critical", channel=Channel.VIDEO_APPEAL))
    tickets = _tickets(hp)
    assert len(tickets) == 1  # the alert uses the appeal's ticket instead of opening a second one
    t = tickets[0]
    assert (t["origin"], t["severity"], t["has_citizen"]) == ("appeal", "critical", True)
    assert t["alert_id"] is not None and t["due_at"] == fclock.now() + hours(4)
    with hp.session() as s:
        assert service.get_alert(s, t["alert_id"])["ticket_id"] == t["id"]


def test_triage_alert_is_routed_when_a_later_copy_names_the_place(hp, fclock):
    hp.pipeline.ingest(make_doc("t1", None, "high", story="st"))
    fclock.advance(minutes=30)
    hp.pipeline.ingest(make_doc("t2", "giza", "high", story="st"))
    tickets = _tickets(hp)
    assert [(t["department"], sorted(t["document_ids"])) for t in tickets] == [("giza", ["t1", "t2"])]
    with hp.session() as s:
        assert service.get_ticket(s, tickets[0]["id"])["events"][-1]["action"] == "routed"
        mails = [n.recipient for n in s.scalars(select(NotificationRow).where(NotificationRow.channel == "email"))]
    assert mails == ["giza@health.example"]
