"""The admin page of background jobs: counts, dead jobs with their errors (escaped), retry one or all (CSRF, admins only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthpulse.core.jobs import JOB_HANDLERS, job_handler

from tests.support.web import csrf_from, login


@pytest.fixture
def dead_jobs(container):
    @job_handler("test.admin.flaky")
    def flaky(c, payload):
        raise ConnectionError(f"<script>alert('{payload['to']}')</script> mail server refused")

    ids = [container.jobs.enqueue("test.admin.flaky", {"to": to}, max_attempts=1) for to in ("a", "b")]
    container.worker.run_until_idle()
    yield ids
    JOB_HANDLERS.pop("test.admin.flaky", None)


def _admin(app, lang="en"):
    c = app.test_client()
    assert login(c, "admin").status_code == 302
    c.get(f"/admin/?lang={lang}")
    return c


def test_dead_jobs_are_listed_with_their_error_escaped(app, accounts, container, dead_jobs):
    html = _admin(app).get("/admin/jobs").get_data(as_text=True)
    assert 'id="jobs-dead">2</dd>' in html
    assert "mail server refused" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_retry_one_then_all(app, accounts, container, dead_jobs):
    first, second = dead_jobs
    client = _admin(app)
    token = csrf_from(client.get("/admin/jobs").get_data(as_text=True))
    assert client.post("/admin/jobs/retry", data={"job_id": str(first)}).status_code == 400  # no CSRF token
    assert client.post("/admin/jobs/retry", data={"csrf_token": token, "job_id": "1 OR 1"}).status_code == 400
    assert container.jobs.get(first).state == "dead"
    r = client.post("/admin/jobs/retry", data={"csrf_token": token, "job_id": str(first)})
    assert r.status_code == 303 and r.headers["Location"].endswith("/admin/jobs")
    assert "Jobs queued again: 1" in client.get("/admin/jobs").get_data(as_text=True)
    assert container.jobs.get(first).state == "queued" and container.jobs.get(second).state == "dead"
    client.post("/admin/jobs/retry", data={"csrf_token": token})
    assert container.jobs.get(second).state == "queued"
    assert 'id="no-dead-jobs"' in client.get("/admin/jobs").get_data(as_text=True)
    # a job another administrator already queued again: said plainly, not "queued again: 0" in green
    client.post("/admin/jobs/retry", data={"csrf_token": token, "job_id": str(first)})
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "No dead job was left to queue again." in html and "Jobs queued again: 0" not in html


def test_only_admins_reach_the_page(app, accounts, container, dead_jobs):
    for who in ("surgut-officer", "press-office"):
        c = app.test_client()
        assert login(c, who).status_code == 302
        assert c.get("/admin/jobs").status_code == 403
        assert c.post("/admin/jobs/retry", data={}).status_code in (400, 403)
    assert all(container.jobs.get(j).state == "dead" for j in dead_jobs)


def test_the_page_speaks_arabic(app, accounts, container, dead_jobs):
    html = _admin(app, "ar").get("/admin/jobs").get_data(as_text=True)
    assert "المهام الخلفية" in html and 'dir="rtl"' in html


def test_each_retry_button_names_its_job_for_screen_readers(app, accounts, container, dead_jobs):
    first, second = dead_jobs
    html = _admin(app).get("/admin/jobs").get_data(as_text=True)
    # The accessible name is the visible text and the job's number ("Retry #8"): it names the job and
    # still contains what a voice-control user sees and says (WCAG 2.5.3, label in name).
    for job in (first, second):
        assert f'Retry<span class="visually-hidden"> #{job}</span></button>' in html
    arabic = _admin(app, "ar").get("/admin/jobs").get_data(as_text=True)
    eastern = str(first).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert f'إعادة المحاولة<span class="visually-hidden"> #{eastern}</span></button>' in arabic
    # the buttons' column has a header a screen reader can announce, not an empty cell
    assert "<th></th>" not in html and '<span class="visually-hidden">Actions</span>' in html


def test_the_jobs_chip_is_marked_as_the_current_page(app, accounts, container, dead_jobs):
    client = _admin(app)
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert 'href="/admin/jobs" class="current" aria-current="page">Jobs</a>' in html
    assert html.count('aria-current="page"') == 1
    assert 'href="/admin/jobs" class="current"' not in client.get("/admin/").get_data(as_text=True)


def test_the_flash_counts_in_the_readers_digits(app, accounts, container, dead_jobs):
    client = _admin(app, "ar")
    token = csrf_from(client.get("/admin/jobs").get_data(as_text=True))
    client.post("/admin/jobs/retry", data={"csrf_token": token})
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "مهام أُعيدت إلى قائمة الانتظار: ٢" in html


def test_a_long_job_kind_wraps_instead_of_widening_the_page(app, accounts, container):
    from parsel import Selector  # Scrapy's HTML selectors

    kind = "test.admin." + "x" * 53  # as long as the jobs table holds (64), one unbroken word
    container.jobs.enqueue(kind, {}, max_attempts=1)
    container.worker.run_until_idle(kinds=[kind])
    html = _admin(app).get("/admin/jobs").get_data(as_text=True)
    assert f'class="break-anywhere job-kind"><bdi dir="ltr">{kind}</bdi></td>' in html
    css = (app.static_folder and open(f"{app.static_folder}/css/app.css", encoding="utf-8").read()) or ""
    assert "#dead-jobs td.job-kind { min-width:" in css and "#dead-jobs td.job-error { min-width:" in css
    # on a phone both tables are stacks of labelled cards (no sideways scroller hiding the error and the action)
    page = Selector(html)
    assert {"data", "stack"} <= set(page.css("#dead-jobs").attrib["class"].split())
    assert {"data", "stack"} <= set(page.css("#job-queues").attrib["class"].split())
    assert page.css("#dead-jobs tbody td.job-error").attrib["data-label"] == "Error"


def test_a_cut_list_says_how_many_are_not_shown(app, accounts, container, dead_jobs, monkeypatch):
    from healthpulse.web.blueprints import admin

    html = _admin(app).get("/admin/jobs").get_data(as_text=True)
    assert 'id="dead-jobs-shown"' not in html  # both shown
    monkeypatch.setattr(admin, "DEAD_JOBS_SHOWN", 1)
    html = _admin(app).get("/admin/jobs").get_data(as_text=True)
    assert "The latest 1 of 2 dead jobs are shown; this command lists more:" in html
    assert '<code dir="ltr" class="command">healthpulse jobs list --state dead --limit N</code>' in html
    assert "`" not in html.split('id="dead-jobs-shown"')[1].split("</p>")[0]  # no Markdown backticks shown


def test_each_queue_shows_its_backlog_and_since_when_its_oldest_due_job_waits(app, accounts, container, dead_jobs):
    """Per queue (the one a kind is published on): queued, running, dead, and the oldest due job's wait."""
    from healthpulse.core.jobs import JOB_QUEUES
    from healthpulse.web.templating import datetime_local
    from parsel import Selector  # Scrapy's HTML selectors

    JOB_QUEUES["test.admin.video"] = "transcribe"
    try:
        since = container.clock.now()
        container.jobs.enqueue("test.admin.video", {"video": 1})
        container.clock.advance(minutes=40)
        container.jobs.enqueue("test.admin.video", {"video": 2})
        container.jobs.enqueue("test.admin.video", {"video": 3}, run_after=container.clock.now() + timedelta(hours=1))
        page = Selector(_admin(app).get("/admin/jobs").get_data(as_text=True))
    finally:
        JOB_QUEUES.pop("test.admin.video", None)
    rows = {tr.attrib["data-queue"]: tr for tr in page.css("#job-queues tbody tr")}
    # every queue a registered kind uses is listed, with zeros when it has no jobs
    assert set(rows) == {"transcribe", "default", "crawl"}

    def cell(queue: str, name: str) -> str:
        return " ".join(rows[queue].css(f"{name} ::text").getall()).strip()

    assert "test.admin.video" in cell("transcribe", ".job-kind").split(", ")
    assert [rows["transcribe"].css(f"{c}::text").get() for c in (".queued", ".running", ".dead")] == ["3", "0", "0"]
    with app.test_request_context("/"):  # the oldest job that may run now, not the one due in an hour
        assert cell("transcribe", ".waiting") == datetime_local(since)
        next_at = datetime_local(container.clock.now() + timedelta(hours=1))
    assert cell("transcribe", ".scheduled") == f"1 not due yet; the next at {next_at}"
    assert [cell("default", c) for c in (".queued", ".dead")] == ["0", "2"]
    assert cell("default", ".waiting") == "—" and not rows["default"].css(".scheduled")  # nothing of it waits
    assert [cell("crawl", c) for c in (".queued", ".running", ".dead", ".waiting")] == ["0", "0", "0", "—"]


def test_the_overview_counts_dead_and_queued_jobs(app, accounts, container, dead_jobs):
    """The administrator's landing page says when jobs died (a mail server down, a stalled worker)."""
    from parsel import Selector  # Scrapy's HTML selectors

    container.jobs.enqueue("test.admin.later", {}, run_after=container.clock.now())
    page = Selector(_admin(app).get("/admin/").get_data(as_text=True))
    dead = page.css("#dead-jobs-counter")
    assert dead.attrib["href"] == "/admin/jobs" and "alarm" in dead.attrib["class"].split()
    assert dead.css("b::text").get() == "2" and page.css("#queued-jobs-counter b::text").get() == "1"
    container.jobs.requeue_dead()
    calm = Selector(_admin(app).get("/admin/").get_data(as_text=True)).css("#dead-jobs-counter")
    assert calm.css("b::text").get() == "0" and "alarm" not in calm.attrib["class"].split()


def test_the_admin_tabs_speak_the_readers_language(app, accounts, container):
    html = _admin(app, "ar").get("/admin/").get_data(as_text=True)
    nav = html.split('<nav class="chips"')[1].split("</nav>")[0]
    assert "الأسئلة الشائعة" in nav and "(SLA)" in nav and ">FAQ<" not in nav and ">SLA<" not in nav
