"""Issue 17.2: no lost updates when two staff act on one ticket (optimistic locking), on SQLite and PostgreSQL.

Two sessions that read the same ticket and both change it: exactly one commits,
the other is told the ticket changed and writes nothing.  The ticket page's
forms carry the version they showed (a stale one → 409 page with the message in
the reader's language), and the API takes it as ``If-Match`` or ``version``.
"""

import threading

import pytest
from healthpulse.alerts import service as alerts
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.tickets import TicketEventRow, TicketRow
from sqlalchemy import select

from tests.support.containers import sqlite_and_postgres
from tests.support.web import (
    add_user,
    api_token,
    csrf_from,
    login,
    make_web_app,
    submit_appeal,
    ticket_id_for,
    version_from,
)

STALE = {
    "en": "This ticket was changed by someone else while you were looking at it",
    "ru": "Эту заявку изменил кто-то другой, пока вы её просматривали",
    "fa": "شخص دیگری این تیکت را هنگامی که آن را می‌دیدید تغییر داد",
}


db = sqlite_and_postgres("hp_locking")  # the same checks on SQLite and on PostgreSQL


@pytest.fixture
def ticket(db):
    add_user(db, "surgut-officer", "department", "surgut")
    add_user(db, "surgut-second", "department", "surgut")
    return ticket_id_for(db, submit_appeal(db, "surgut", contact_phone="+7 912 345 67 89"))


def _row(db, tid):
    with db.session() as s:
        t = s.get(TicketRow, tid)
        return t.status, t.assignee, t.version


def _changes(db, tid):
    """The audit trail's changes to the ticket row (status, assignee), as (actor, field, new value)."""
    with db.session() as s:
        return [(e.actor, e.field, e.new_value) for e in s.scalars(select(TicketEventRow).where(
            TicketEventRow.ticket_id == tid, TicketEventRow.field.in_(("status", "assignee")))
            .order_by(TicketEventRow.id))]


def _race(db, ticket, moves):
    """Each move runs in its own thread and session; all read the ticket before any writes → actor: outcome."""
    both_read = threading.Barrier(len(moves), timeout=30)
    outcome: dict[str, str] = {}

    def staff(actor, move) -> None:
        try:
            with db.session() as s:
                # The row is read before anyone writes, and kept (``row`` lives to the end of the move): the session's
                # identity map holds it only weakly, so unreferenced the move would read it again — maybe after the
                # other side committed, and then both "win" (last writer wins, as with no version at all).
                row = s.get(TicketRow, ticket)
                assert row.version == 1
                both_read.wait()
                move(s, actor)
            outcome[actor] = "won"
        except alerts.TicketChanged as err:
            outcome[actor] = f"conflict {err.current_version}"

    threads = [threading.Thread(target=staff, args=item) for item in moves.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["conflict 2", "won"], outcome
    return next(a for a, o in outcome.items() if o == "won")


def test_two_sessions_that_read_the_same_version_cannot_both_change_it(db, ticket):
    """Both read version 1, then both write (no client version: the server-side compare-and-set decides)."""
    before = _changes(db, ticket)
    wanted = {"a": "in_progress", "b": "awaiting_citizen"}
    winner = _race(db, ticket, {a: (lambda s, actor: alerts.set_status(s, ticket, wanted[actor], actor,
                                                                      now=db.clock.now())) for a in wanted})
    status, _, version = _row(db, ticket)
    assert version == 2 and status == wanted[winner]
    assert _changes(db, ticket) == [*before, (winner, "status", status)]  # one change in the audit trail


def test_closing_and_assigning_at_the_same_moment_one_wins(db, ticket):
    with db.session() as s:  # a contact does not move the version; it lets the ticket close
        alerts.record_contact(s, ticket, "phone", "reached", "surgut-officer", now=db.clock.now())
    before = _changes(db, ticket)
    winner = _race(db, ticket, {
        "closer": lambda s, actor: alerts.close_ticket(s, ticket, actor, "Insulin delivered.", now=db.clock.now(),
                                                       runtime=AlertsRuntime.of(db)),
        "assigner": lambda s, actor: alerts.assign_ticket(s, ticket, "surgut-second", actor, now=db.clock.now()),
    })
    status, assignee, version = _row(db, ticket)
    assert version == 2
    assert (status, assignee) == (("closed", None) if winner == "closer" else ("assigned", "surgut-second"))
    assert {actor for actor, _, _ in _changes(db, ticket)[len(before):]} == {winner}


def test_a_change_on_a_stale_version_is_refused_and_writes_nothing(db, ticket):
    with db.session() as s:
        alerts.assign_ticket(s, ticket, "surgut-second", "surgut-second", now=db.clock.now(), version=1)
    with db.session() as s, pytest.raises(alerts.TicketChanged) as err:
        alerts.set_status(s, ticket, "in_progress", "surgut-officer", now=db.clock.now(), version=1)
    assert err.value.current_version == 2
    assert _row(db, ticket) == ("assigned", "surgut-second", 2)
    with db.session() as s:  # a note is appended, whatever the version: it does not move the version
        alerts.add_note(s, ticket, "called the pharmacy", "surgut-officer", now=db.clock.now())
        assert alerts.set_status(s, ticket, "in_progress", "surgut-officer", now=db.clock.now(),
                                 version=2)["version"] == 3


def test_two_desks_routing_one_triage_ticket_at_once_route_it_once(db, ticket):
    with db.session() as s:  # a ticket nobody could route
        s.get(TicketRow, ticket).department_id = None
    together = threading.Barrier(2, timeout=30)
    outcome: dict[str, str] = {}

    def desk(department: str) -> None:
        try:
            with db.session() as s:
                row = s.get(TicketRow, ticket)  # both read it unrouted, and keep it (see _race)
                assert row.department_id is None
                together.wait()
                alerts.route_ticket(s, ticket, department, f"desk-{department}", runtime=AlertsRuntime.of(db),
                                    now=db.clock.now())
            outcome[department] = "routed"
        except alerts.TicketNotFound:
            outcome[department] = "gone"

    threads = [threading.Thread(target=desk, args=(d,)) for d in ("surgut", "cairo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["gone", "routed"], outcome
    winner = next(d for d, o in outcome.items() if o == "routed")
    with db.session() as s:
        assert s.get(TicketRow, ticket).department_id == winner
        routed = s.scalars(select(TicketEventRow.new_value).where(TicketEventRow.ticket_id == ticket,
                                                                  TicketEventRow.action == "routed")).all()
    assert routed == [winner]


@pytest.mark.parametrize("lang", ["en", "ru", "fa"])
def test_the_ticket_form_with_a_stale_version_answers_409_with_the_ticket_as_it_is_now(db, ticket, lang):
    app = make_web_app(db)
    a, b = app.test_client(), app.test_client()
    for client, user in ((a, "surgut-officer"), (b, "surgut-second")):
        assert login(client, user).status_code == 302
        client.get(f"/department/tickets?lang={lang}")
    page_a = a.get(f"/department/tickets/{ticket}").get_data(as_text=True)
    page_b = b.get(f"/department/tickets/{ticket}").get_data(as_text=True)  # B's page goes stale
    assert version_from(page_b) == "1"
    r = a.post(f"/department/tickets/{ticket}/assign", data={"csrf_token": csrf_from(page_a),
                                                            "assignee": "surgut-officer",
                                                            "version": version_from(page_a)})
    assert r.status_code == 303
    r = b.post(f"/department/tickets/{ticket}/close", data={"csrf_token": csrf_from(page_b), "resolution": "Done.",
                                                           "version": version_from(page_b)})
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert STALE[lang] in html
    assert version_from(html) == "2"  # the page as it is now: submitting again acts on the new version
    assert "Done." in html.split('id="close-form"')[1].split("</form>")[0]  # what B typed is kept
    assert _row(db, ticket) == ("assigned", "surgut-officer", 2)
    r = b.post(f"/department/tickets/{ticket}/status", data={"csrf_token": csrf_from(html), "status": "in_progress",
                                                            "version": version_from(html)})
    assert r.status_code == 303 and _row(db, ticket)[::2] == ("in_progress", 3)


def test_the_api_refuses_a_stale_if_match_with_the_current_version(db, ticket):
    api = make_web_app(db).test_client()
    auth = {"Authorization": f"Bearer {api_token(db, 'surgut-officer')}"}
    r = api.get(f"/api/v1/tickets/{ticket}", headers=auth)
    assert r.status_code == 200 and r.headers["ETag"] == '"1"' and r.get_json()["version"] == 1
    r = api.post(f"/api/v1/tickets/{ticket}/take", json={}, headers={**auth, "If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"' and r.get_json()["assignee"] == "surgut-officer"
    r = api.post(f"/api/v1/tickets/{ticket}/status", json={"status": "in_progress"}, headers={**auth, "If-Match": '"1"'})
    assert r.status_code == 409
    assert r.get_json()["error"] == "conflict" and r.get_json()["current_version"] == 2 and r.headers["ETag"] == '"2"'
    r = api.post(f"/api/v1/tickets/{ticket}/status", json={"status": "in_progress", "version": 1}, headers=auth)
    assert r.status_code == 409 and r.get_json()["current_version"] == 2
    assert _row(db, ticket)[::2] == ("assigned", 2)
    r = api.post(f"/api/v1/tickets/{ticket}/status", json={"status": "in_progress", "version": 2}, headers=auth)
    assert r.status_code == 200 and r.get_json()["version"] == 3
    # a client that sends no version: last writer wins, as before versions existed
    r = api.post(f"/api/v1/tickets/{ticket}/status", json={"status": "awaiting_citizen"}, headers=auth)
    assert r.status_code == 200 and _row(db, ticket)[::2] == ("awaiting_citizen", 4)
    assert api.post(f"/api/v1/tickets/{ticket}/delete", json={}, headers=auth).status_code == 404


@pytest.mark.parametrize(("headers", "body", "field"), [
    ({"If-Match": "three"}, {"status": "in_progress"}, "If-Match"),
    ({}, {"status": "in_progress", "version": "2"}, "version"),
    ({"If-Match": '"1"'}, {"status": "in_progress", "version": 2}, "version"),
])
def test_the_api_names_an_unreadable_version(container, headers, body, field):
    add_user(container, "surgut-officer", "department", "surgut")
    tid = ticket_id_for(container, submit_appeal(container, "surgut"))
    api = make_web_app(container).test_client()
    auth = {"Authorization": f"Bearer {api_token(container, 'surgut-officer')}"}
    r = api.post(f"/api/v1/tickets/{tid}/status", json=body, headers={**auth, **headers})
    assert r.status_code == 400 and r.get_json()["field"] == field
    assert _row(container, tid)[::2] == ("new", 1)
