"""The daily press digest (issue 20.3): top negative stories per department and for the press office, through
the mail outbox to a real SMTP server (aiosmtpd), in each recipient's language, with links; the CLI."""

import json
from datetime import timedelta

import pytest
from healthpulse.cli import main
from healthpulse.core.models.alerts import NotificationRow
from healthpulse.core.models.documents import JobRow
from healthpulse.wiring.press_digest import queue_digests
from sqlalchemy import func, select

from tests.support.containers import make_container
from tests.support.web import news_document

from .conftest import departments_yaml


def _digests(smtp_server, subjects):
    """The digest mails the SMTP server received (the ingest's own alert mails are left out), by recipient."""
    return {rcpt[0]: msg for rcpt, msg in smtp_server.messages if msg["Subject"] in subjects}


@pytest.fixture
def digest_world(tmp_path, fclock, smtp_server):
    deps = tmp_path / "departments.yaml"
    deps.write_text(departments_yaml("http://127.0.0.1:9/hooks"), encoding="utf-8")
    settings = {"departments_file": deps, "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port,
                "mail_from": "alerts@hp.example", "base_url": "https://hp.example",
                "press_digest_email": "press@hp.example", "press_digest_language": "fa"}
    c = make_container(tmp_path, clock=fclock, **settings)
    now = fclock.now()
    insulin = [news_document(i, department="surgut", published=now - timedelta(hours=i + 1), topics=["drug_supply"],
                             incident=True, source=f"outlet-{i}") for i in range(3)]
    queue = news_document(10, department="cairo", published=now - timedelta(hours=2), topics=["waiting_times"])
    old = news_document(11, department="hcmc", published=now - timedelta(days=3), topics=["waiting_times"])
    c.pipeline.ingest_many([*insulin, queue, old])
    yield c, insulin, queue, settings
    c.close()


def test_digest_mails_each_department_and_the_press_office_in_their_language(digest_world, smtp_server, fclock):
    c, insulin, queue, _ = digest_world
    mails = queue_digests(c, fclock.now())
    assert sorted(m.recipient for m in mails) == ["cairo@health.example", "press@hp.example", "surgut@health.example"]
    c.worker.run_until_idle(kinds=["alerts.deliver"])
    got = _digests(smtp_server, {m.subject for m in mails})
    assert set(got) == {m.recipient for m in mails}  # hcmc had nothing in the last 24 h: no mail
    surgut = got["surgut@health.example"]
    assert surgut["Subject"].startswith("Главные сюжеты дня") and "(1)" in surgut["Subject"]
    body = surgut.get_body(("plain",)).get_content()
    assert f"{insulin[0].title} (3)" in body and "https://hp.example/press/?period=24h&department=surgut" in body
    press = got["press@hp.example"]
    assert "مهم‌ترین خبرهای سلامت امروز" in press["Subject"]
    text = press.get_body(("plain",)).get_content()
    assert text.index(insulin[0].title) < text.index(queue.title)  # ranked: three reports before one
    assert 'dir="rtl"' in press.get_body(("html",)).get_content()
    # once per recipient and day: a second run the same day queues nothing new
    queue_digests(c, fclock.now())
    with c.session() as s:
        assert s.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.event == "press_digest")) == 3
        assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "press.digest")) == 0


def test_digest_job_runs_and_schedules_the_next_day(digest_world, smtp_server, fclock):
    from healthpulse.wiring.press_digest import schedule_digest

    c, *_ = digest_world
    schedule_digest(c, fclock.now())
    fclock.advance(timedelta(days=1))
    c.worker.run_until_idle(kinds=["press.digest", "alerts.deliver"])
    with c.session() as s:
        subjects = set(s.scalars(select(NotificationRow.subject).where(NotificationRow.event == "press_digest")))
    assert set(_digests(smtp_server, subjects)) == {"press@hp.example"}  # a day later nothing is fresh
    with c.session() as s:
        pending = s.scalars(select(JobRow.run_after).where(JobRow.kind == "press.digest", JobRow.state == "queued")).all()
    assert len(pending) == 1 and pending[0] > fclock.now()


def test_cli_dry_run_prints_and_sends_nothing(digest_world, smtp_server, capsys, monkeypatch, tmp_path):
    c, insulin, _, settings = digest_world
    for key, value in settings.items():
        monkeypatch.setenv(f"HEALTHPULSE_{key.upper()}", str(value))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(c.settings.data_dir))
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", c.settings.database_url)
    assert main(["digest", "send", "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {m["recipient"] for m in out} >= {"press@hp.example"}
    with c.session() as s:
        assert s.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.event == "press_digest")) == 0
    assert not _digests(smtp_server, {m["subject"] for m in out})
