"""The daily digest (issue 20.3): the top incidents of the last 24 hours per department and for the press office,
ranked as the incident list ranks them, through the mail outbox to a real SMTP server (aiosmtpd), in each
recipient's language, with links to each incident's page; the CLI."""

import json
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from healthpulse.cli import main
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Channel, Document, Reach
from healthpulse.core.models.alerts import NotificationRow
from healthpulse.core.models.documents import JobRow
from healthpulse.core.models.incidents import IncidentDocumentRow
from healthpulse.web.services.incidents import ranked_incidents
from healthpulse.web.services.users import Principal
from healthpulse.wiring.press_digest import queue_digests
from sqlalchemy import func, select

from tests.support.alerts import analysed_document
from tests.support.containers import make_container
from tests.support.incidents import vector

from .conftest import departments_yaml

INSULIN = "<script>alert('x')</script> Нет инсулина в Сургуте"
AMBULANCE = "Скорая ехала три часа"
CAIRO = "لا يوجد أنسولين في القاهرة"
OLD = "Очереди в поликлинике"


def _digests(smtp_server, subjects):
    """The digest mails the SMTP server received (the ingest's own alert mails are left out), by recipient."""
    return {rcpt[0]: msg for rcpt, msg in smtp_server.messages if msg["Subject"] in subjects}


def _report(doc_id, hours_ago, now, *, base, title, department="surgut", channel=Channel.NEWS, language="ru",
            topic="drug_supply", severity="high", views=None) -> Document:
    """An analysed report whose vector lies near the others of the same ``base`` (so they merge into one incident)."""
    d = analysed_document(doc_id, department, severity, topic=topic, channel=channel, language=language, title=title,
                          published_at=now - timedelta(hours=hours_ago), text=f"{title}. {doc_id}")
    assert d.analysis is not None
    d = d.model_copy(update={"analysis": d.analysis.model_copy(update={"embedding": vector(zlib.crc32(doc_id.encode()), 0.2,
                                                                                               base=base)})})
    return d.model_copy(update={"reach": Reach(views=views)}) if views is not None else d


@pytest.fixture
def fclock():
    """Today's last full hour: the CLI's container reads the real clock, so the reports must be fresh for it too."""
    return FakeClock(datetime.now(UTC).replace(minute=0, second=0, microsecond=0))


@pytest.fixture
def digest_world(tmp_path, fclock, smtp_server):
    """Surgut: an insulin incident of three reports (news, a post seen 12 000 times, a hotline call) and a newer,
    critical one-report ambulance incident, plus an old incident; Cairo: one fresh incident; HCMC: an old one."""
    deps = tmp_path / "departments.yaml"
    deps.write_text(departments_yaml("http://127.0.0.1:9/hooks"), encoding="utf-8")
    settings = {"departments_file": deps, "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port,
                "mail_from": "alerts@hp.example", "base_url": "https://hp.example",
                "press_digest_email": "press@hp.example", "press_digest_language": "fa"}
    c = make_container(tmp_path, clock=fclock, index=None, **settings)
    now = fclock.now()
    c.pipeline.ingest_many([
        _report("old-surgut", 72, now, base=80, title=OLD, topic="waiting_times"),
        _report("old-hcmc", 70, now, base=90, title="Bệnh viện quá tải", department="hcmc", language="vi"),
        _report("ins-news", 10, now, base=7, title=INSULIN),
        _report("ins-post", 8, now, base=7, title="Инсулина нет вторую неделю", channel=Channel.SOCIAL, views=12000),
        _report("cairo-1", 6, now, base=40, title=CAIRO, department="cairo", language="ar", topic="waiting_times"),
        _report("ins-call", 5, now, base=7, title="Звонок: нет инсулина", channel=Channel.HOTLINE),
        _report("amb-1", 2, now, base=60, title=AMBULANCE, topic="emergency_care", severity="critical"),
    ])
    with c.session() as s:
        of = {d: i for d, i in s.execute(select(IncidentDocumentRow.document_id, IncidentDocumentRow.incident_id))}
    assert of["ins-news"] == of["ins-post"] == of["ins-call"], "the insulin reports did not merge into one incident"
    assert len({of["ins-news"], of["amb-1"], of["cairo-1"], of["old-surgut"]}) == 4
    yield c, of, settings
    c.close()


def test_digest_mails_each_department_its_ranked_incidents_in_its_language(digest_world, smtp_server, fclock):
    c, of, _ = digest_world
    mails = queue_digests(c, fclock.now())
    assert sorted(m.recipient for m in mails) == ["cairo@health.example", "press@hp.example", "surgut@health.example"]
    c.worker.run_until_idle(kinds=["alerts.deliver"])
    got = _digests(smtp_server, {m.subject for m in mails})
    assert set(got) == {m.recipient for m in mails}  # hcmc had no incident in the last 24 h: no mail

    surgut = got["surgut@health.example"]
    assert surgut["Subject"] == "Главные инциденты дня: Surgut city health department (2)"
    text = surgut.get_body(("plain",)).get_content()
    assert text.count(INSULIN) == 1  # three documents of one incident: one row
    assert "Материалы: 3 · Каналы: 3 · Охват: 12000" in text and "Критичность: высокая" in text
    assert f"Первое сообщение: {(fclock.now() - timedelta(hours=10)):%Y-%m-%d %H:%M} UTC" in text  # the insulin news
    # coverage × reach × severity: three reports seen by 12 000 outrank a newer, critical single report
    assert text.index(INSULIN) < text.index(AMBULANCE)
    assert f"https://hp.example/department/incidents/{of['ins-news']}\n" in text
    assert f"https://hp.example/department/incidents/{of['amb-1']}\n" in text
    assert CAIRO not in text and OLD not in text  # only its own incidents, only today's
    html = surgut.get_body(("html",)).get_content()
    assert "&lt;script&gt;alert(" in html and "<script>" not in html
    assert f'<a href="https://hp.example/department/incidents/{of["ins-news"]}">' in html

    cairo = got["cairo@health.example"]
    assert cairo["Subject"] == "أبرز الحوادث اليوم: Cairo health directorate (1)"
    text = cairo.get_body(("plain",)).get_content()
    assert CAIRO in text and INSULIN not in text and AMBULANCE not in text
    assert f"https://hp.example/department/incidents/{of['cairo-1']}\n" in text and "درجة الخطورة: عالية" in text
    html = cairo.get_body(("html",)).get_content()
    assert 'lang="ar" dir="rtl"' in html and "<th align=\"start\">الوصول</th>" in html

    press = got["press@hp.example"]
    assert press["Subject"] == "مهم‌ترین حوادث امروز: همهٔ ادارات (3)"
    text = press.get_body(("plain",)).get_content()
    assert text.index(INSULIN) < text.index(AMBULANCE) and CAIRO in text and OLD not in text
    for doc in ("ins-news", "amb-1", "cairo-1"):
        assert f"https://hp.example/press/incidents/{of[doc]}\n" in text
    assert "/department/" not in text
    html = press.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and "&lt;script&gt;" in html and "<script>" not in html

    # once per recipient and day: a second run the same day queues nothing new
    queue_digests(c, fclock.now())
    with c.session() as s:
        assert s.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.event == "press_digest")) == 3
        assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "press.digest")) == 0


def test_digest_ranks_as_the_press_incident_list(digest_world, fclock):
    """The same order as /press/incidents (rank_incidents), restricted to the incidents of the last 24 hours."""
    c, of, _ = digest_world
    now = fclock.now()
    press = next(m for m in queue_digests(c, now) if m.department is None)
    listed = [i["id"] for i in ranked_incidents(c, Principal(0, "press", "press", None))
              if i["last_seen_at"] >= now - timedelta(hours=24)]
    assert [i["id"] for i in press.incidents] == listed == [of["ins-news"], of["amb-1"], of["cairo-1"]]


def test_digest_job_runs_and_schedules_the_next_day(digest_world, smtp_server, fclock):
    from healthpulse.wiring.press_digest import schedule_digest

    c, *_ = digest_world
    schedule_digest(c, fclock.now())
    fclock.advance(timedelta(days=1))
    c.worker.run_until_idle(kinds=["press.digest", "alerts.deliver"])
    with c.session() as s:
        subjects = set(s.scalars(select(NotificationRow.subject).where(NotificationRow.event == "press_digest")))
    got = _digests(smtp_server, subjects)
    assert set(got) == {"press@hp.example"}  # a day later nothing is fresh, yet the press office hears
    assert "(0)" in got["press@hp.example"]["Subject"]
    assert "هیچ حادثه‌ای" in got["press@hp.example"].get_body(("plain",)).get_content()
    with c.session() as s:
        pending = s.scalars(select(JobRow.run_after).where(JobRow.kind == "press.digest", JobRow.state == "queued")).all()
    assert len(pending) == 1 and pending[0] > fclock.now()


def test_cli_dry_run_prints_and_sends_nothing(digest_world, smtp_server, capsys, monkeypatch, tmp_path):
    c, _, settings = digest_world
    for key, value in settings.items():
        monkeypatch.setenv(f"HEALTHPULSE_{key.upper()}", str(value))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(c.settings.data_dir))
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", c.settings.database_url)
    assert main(["digest", "send", "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {m["recipient"]: m["incidents"] for m in out} == {"surgut@health.example": 2, "cairo@health.example": 1,
                                                            "press@hp.example": 3}
    with c.session() as s:
        assert s.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.event == "press_digest")) == 0
    assert not _digests(smtp_server, {m["subject"] for m in out})
