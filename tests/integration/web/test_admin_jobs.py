"""The admin page of background jobs: counts, dead jobs with their errors (escaped), retry one or all (CSRF, admins only)."""

from __future__ import annotations

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
