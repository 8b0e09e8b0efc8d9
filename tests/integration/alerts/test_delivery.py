"""Notifications through the outbox to a real SMTP server and a real HTTP receiver."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from healthpulse.alerts.delivery.notifiers.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from healthpulse.alerts.delivery.outbox import LEASE_SECONDS, _claim
from healthpulse.alerts.jobs import deliver_job
from healthpulse.core.models.alerts import NotificationRow
from healthpulse.core.models.documents import JobRow
from sqlalchemy import select

from tests.support.alerts import analysed_document as make_doc

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.integration


def _states(c):
    with c.session() as s:
        return sorted((n.channel, n.state) for n in s.scalars(select(NotificationRow)))


def test_alert_arrives_by_email_and_signed_webhook(wired, smtp_server, receiver):
    wired.pipeline.ingest(make_doc("ambulance-1", "surgut", "critical", title="Скорая ехала три часа"))
    wired.worker.run_until_idle()
    assert len(smtp_server.messages) == 1
    rcpt, msg = smtp_server.messages[0]
    assert rcpt == ["surgut@health.example"]
    assert msg["Subject"] == "[критическая] Новый сигнал: Скорая ехала три часа"
    assert msg["From"] == "alerts@hp.example" and msg["X-HealthPulse-Idempotency-Key"].startswith("alert:")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Новый сигнал требует внимания" in text and "ambulance-1" in text
    assert 'lang="ru"' in html and "https://hp.example/department/tickets/1" in html
    assert len(receiver.accepted) == 1
    req = receiver.accepted[0]
    h = {k.lower(): v for k, v in req["headers"].items()}
    assert verify_signature(WEBHOOK_SECRET, h[TIMESTAMP_HEADER.lower()], req["body"], h[SIGNATURE_HEADER.lower()])
    assert not verify_signature("wrong-secret", h[TIMESTAMP_HEADER.lower()], req["body"], h[SIGNATURE_HEADER.lower()])
    body = json.loads(req["body"])
    assert body["event"] == "alert" and body["alert"]["department"] == "surgut"
    assert body["alert"]["document_ids"] == ["ambulance-1"] and body["ticket"]["id"] == 1
    assert h["idempotency-key"] == body["idempotency_key"]
    assert _states(wired) == [("email", "sent"), ("webhook", "sent")]


def test_language_of_the_department(wired, smtp_server):
    wired.pipeline.ingest(make_doc("c1", "cairo", "high", title="وفاة مريض", language="ar"))
    wired.pipeline.ingest(make_doc("v1", "hcmc", "high", title="Bệnh viện quá tải", language="vi", topic="waiting_times"))
    wired.worker.run_until_idle()
    by_rcpt = {r[0]: m for r, m in smtp_server.messages}
    assert by_rcpt["cairo@health.example"]["Subject"] == "[عالية] تنبيه جديد: وفاة مريض"
    assert 'dir="rtl"' in by_rcpt["cairo@health.example"].get_body(("html",)).get_content()
    assert by_rcpt["hcmc@health.example"]["Subject"] == "[cao] Cảnh báo mới: Bệnh viện quá tải"


def test_servers_down_nothing_lost_delivered_when_back(wired, smtp_server, receiver, fclock):
    smtp_server.stop()
    receiver.status = 503
    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    wired.worker.run_until_idle()
    assert smtp_server.messages == [] and receiver.accepted == []
    assert len(receiver.requests) == 1  # tried, refused
    assert _states(wired) == [("email", "pending"), ("webhook", "pending")]
    with wired.session() as s:
        rows = s.scalars(select(NotificationRow)).all()
        assert all(r.attempts == 1 and r.next_attempt_at > fclock.now() and r.last_error for r in rows)
        retry = s.scalars(select(JobRow).where(JobRow.kind == "alerts.deliver", JobRow.state == "queued")).all()
        assert retry and min(j.run_after for j in retry) == min(r.next_attempt_at for r in rows)
    fclock.advance(timedelta(seconds=20))     # second attempt: still down, backoff doubles
    wired.worker.run_until_idle()
    with wired.session() as s:
        assert {r.attempts for r in s.scalars(select(NotificationRow))} == {2}
    smtp_server.start()
    receiver.status = 200
    wired.worker.run_until_idle()             # not due yet: nothing sent early
    assert smtp_server.messages == []
    fclock.advance(timedelta(minutes=5))
    wired.worker.run_until_idle()
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1
    assert _states(wired) == [("email", "sent"), ("webhook", "sent")]
    fclock.advance(timedelta(hours=1))
    wired.worker.run_until_idle()
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1


def test_worker_crash_after_claim_delivers_once_after_lease(wired, smtp_server, receiver, fclock):
    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    # A worker claims both rows and dies before sending.
    assert _claim(wired.session_factory, fclock.now(), LEASE_SECONDS) is not None
    assert _claim(wired.session_factory, fclock.now(), LEASE_SECONDS) is not None
    wired.worker.run_until_idle()
    assert smtp_server.messages == [] and receiver.accepted == []   # still leased by the dead worker
    fclock.advance(timedelta(seconds=LEASE_SECONDS + 1))
    from healthpulse.alerts.scheduling import schedule_delivery

    schedule_delivery(None, wired.jobs, fclock.now())
    wired.worker.run_until_idle()
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1


def test_worker_crash_after_delivery_does_not_deliver_twice(wired, smtp_server, receiver, fclock):
    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    job = wired.jobs.claim("doomed-worker", lease_seconds=60, kinds=["alerts.deliver"])
    assert job is not None
    deliver_job(wired, dict(job.payload))  # it delivered, then the process died before marking the job done
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1
    fclock.advance(timedelta(seconds=61))  # the job's lease expires: the queue runs it again
    wired.worker.run_until_idle()
    with wired.session() as s:
        assert s.get(JobRow, job.id).state == "done" and s.get(JobRow, job.id).attempts == 2
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1


def test_same_event_announced_twice_is_one_message(wired, smtp_server, receiver):
    from healthpulse.alerts.delivery import notify
    from healthpulse.alerts.runtime import AlertsRuntime
    from healthpulse.core.models.alerts import AlertRow

    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    rt = AlertsRuntime.of(wired)
    with wired.session() as s:
        alert = s.scalars(select(AlertRow)).one()
        assert notify.announce_alert(s, rt, alert, "alert", wired.clock.now()) == 0
    wired.worker.run_until_idle()
    assert len(smtp_server.messages) == 1 and len(receiver.accepted) == 1


def test_daily_digest_bundles_held_mail(tmp_path, wired, smtp_server, receiver, fclock):
    from healthpulse.alerts.jobs import run_sweep
    from healthpulse.alerts.runtime import AlertsRuntime

    from tests.support.containers import make_container

    rules = tmp_path / "digest-rules.yaml"
    rules.write_text("rules:\n  - {id: incidents, type: incident}\ndigest:\n  departments: [surgut]\n  hour_utc: 7\n")
    c = make_container(tmp_path / "digest", clock=fclock, index=None, departments_file=wired.settings.departments_file,
                       smtp_host="127.0.0.1", smtp_port=smtp_server.port, webhook_secret=WEBHOOK_SECRET,
                       rules_file=rules)
    try:
        c.pipeline.ingest(make_doc("a", "surgut", "high", title="Первое"))
        c.pipeline.ingest(make_doc("b", "surgut", "high", title="Второе", topic="drug_supply"))
        c.worker.run_until_idle()
        assert smtp_server.messages == [] and len(receiver.accepted) == 2  # webhooks go at once
        fclock.set(fclock.now().replace(hour=7, minute=1) + timedelta(days=1))
        with c.session() as s:
            assert run_sweep(s, AlertsRuntime.of(c), fclock.now())["digests"] == 1
        from healthpulse.alerts.scheduling import schedule_delivery

        schedule_delivery(None, c.jobs, fclock.now())
        c.worker.run_until_idle()
        assert len(smtp_server.messages) == 1
        msg = smtp_server.messages[0][1]
        assert "Ежедневная сводка: 2" in msg["Subject"]
        body = msg.get_body(("plain",)).get_content()
        assert "Первое" in body and "Второе" in body
    finally:
        c.close()


def test_permanent_refusal_is_dead_and_can_be_requeued(wired, smtp_server, receiver, fclock, capsys, monkeypatch):
    from healthpulse.cli import main

    receiver.status = 410  # the receiver says this hook is gone: retrying cannot help
    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    wired.worker.run_until_idle()
    assert _states(wired) == [("email", "sent"), ("webhook", "dead")]
    fclock.advance(timedelta(hours=2))
    wired.worker.run_until_idle()
    assert len(receiver.requests) == 1  # a dead row is not retried by itself
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", wired.settings.database_url)
    monkeypatch.setenv("HEALTHPULSE_DEPARTMENTS_FILE", str(wired.settings.departments_file))
    assert main(["alerts", "outbox"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"sent": 1, "dead": 1} and "410" in out["dead"][0]["last_error"]
    receiver.status = 200
    assert main(["alerts", "outbox", "--requeue-dead"]) == 0
    capsys.readouterr()
    fclock.set(datetime.now(UTC) + timedelta(minutes=1))  # the CLI ran on the system clock
    wired.worker.run_until_idle()
    # (the jump to today's date also breached the ticket: its escalation notices went out too)
    assert [json.loads(r["body"])["event"] for r in receiver.accepted].count("alert") == 1
    with wired.session() as s:
        assert s.get(NotificationRow, 2).state == "sent"


def _insert_row(c, key, *, recipient, now, state="pending", attempts=0, locked_until=None, payload=None,
                channel="email", event="survey"):
    """A notification written straight into the outbox table (as old or foreign data would be)."""
    with c.session() as s:
        row = NotificationRow(idempotency_key=key, channel=channel, event=event, recipient=recipient,
                              subject="How did we do?", payload=payload or {"text": "Please answer the survey."},
                              language="en", state=state, attempts=attempts, locked_until=locked_until,
                              next_attempt_at=now - timedelta(minutes=5), created_at=now - timedelta(minutes=5))
        s.add(row)
        s.flush()
        return row.id


def test_poisoned_rows_do_not_stop_delivery_to_anyone_else(wired, smtp_server, receiver, fclock):
    """Issue 16.2: a CR/LF recipient (header injection) once crashed every delivery run before any other row."""
    now = fclock.now()
    injected = _insert_row(wired, "survey:poison", recipient="a@x.com\r\nBcc: v@y", now=now)
    broken = _insert_row(wired, "survey:broken-html", recipient="citizen@example.org", now=now,
                         payload={"text": "t", "html": {"not": "a string"}})  # the mail library raises KeyError
    orphan = _insert_row(wired, "survey:orphan", recipient="orphan@example.org", now=now, state="sending",
                         attempts=1, locked_until=None)  # a worker died between claim and lease
    worn_out = _insert_row(wired, "survey:worn-out", recipient="worn@example.org", now=now, state="sending",
                           attempts=30, locked_until=now - timedelta(minutes=1))  # reclaimed max_attempts times
    wired.pipeline.ingest(make_doc("a", "surgut", "high"))
    wired.worker.run_until_idle()

    recipients = sorted(r for rcpt, _m in smtp_server.messages for r in rcpt)
    assert recipients == ["orphan@example.org", "surgut@health.example"]  # everybody else got their mail
    assert all("Bcc" not in m for _r, m in smtp_server.messages) and len(receiver.accepted) == 1
    with wired.session() as s:
        rows = {r.id: r for r in s.scalars(select(NotificationRow))}
        assert rows[injected].state == "dead" and "control characters" in rows[injected].last_error
        assert rows[broken].state == "pending" and rows[broken].attempts == 1
        assert "KeyError" in rows[broken].last_error and rows[broken].next_attempt_at > fclock.now()
        assert rows[orphan].state == "sent"
        assert rows[worn_out].state == "dead" and "stuck" in rows[worn_out].last_error
        assert not [r for r in rows.values() if r.state == "sending"]
    # The broken row keeps backing off and ends dead after max_attempts, still without blocking anyone.
    for _ in range(40):
        fclock.advance(timedelta(hours=2))
        wired.worker.run_until_idle()
    with wired.session() as s:
        row = s.get(NotificationRow, broken)
        assert row.state == "dead" and row.attempts == 30 and "KeyError" in row.last_error


def test_crlf_contact_email_is_refused_at_the_appeal_intake(wired):
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.appeals.lifecycle import AppealError

    with pytest.raises(AppealError, match="contact_email"):
        submit_text_appeal(wired, text="No insulin at the pharmacy for two weeks.", consent=True, channel="email",
                           department_id="surgut", contact_email="a@x.com\r\nBcc: v@y")


def test_a_public_reply_is_emailed_to_the_citizen_in_their_language(wired, smtp_server, fclock):
    """A newcomer's appeal with an e-mail address got the answer only on the tracking page, never by mail."""
    from healthpulse.alerts import service
    from healthpulse.alerts.runtime import AlertsRuntime
    from healthpulse.appeals.intake import submit_text_appeal
    from healthpulse.core.models.tickets import TicketRow

    code = submit_text_appeal(wired, text="В аптеке Сургута две недели нет инсулина для моей мамы.", consent=True,
                              department_id="surgut", contact_email="citizen@mail.example", language="ru")
    wired.worker.run_until_idle()
    fclock.advance(minutes=5)
    with wired.session() as s:
        tid = s.scalars(select(TicketRow.id)).one()
        service.reply_to_citizen(s, tid, "Инсулин поступит в аптеку завтра утром.", "olga", now=wired.clock.now(),
                                 runtime=AlertsRuntime.of(wired))
    wired.worker.run_until_idle()
    to_citizen = [m for rcpt, m in smtp_server.messages if rcpt == ["citizen@mail.example"]]
    assert len(to_citizen) == 2  # the receipt when the appeal reached the department, then the reply
    receipt, mail = to_citizen
    assert receipt["Subject"] == f"Ваше обращение {code} принято"
    receipt_text = receipt.get_body(("plain",)).get_content()
    assert "Surgut city health department" in receipt_text and code in receipt_text and "/ru/track" in receipt_text
    assert "#" not in receipt_text  # no internal ticket number for the citizen
    assert mail["Subject"] == f"Ответ на ваше обращение {code}"
    body = mail.get_body(("plain",)).get_content()
    assert "Инсулин поступит в аптеку завтра утром." in body and "/ru/track" in body and code in body
