"""`healthpulse jobs list|retry`: the operator sees dead jobs with their errors and queues them again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from healthpulse.cli import main
from healthpulse.core.jobs import JOB_HANDLERS, job_handler

from tests.support.containers import make_container
from tests.support.databases import database_url


@pytest.fixture
def world(tmp_path, clock, monkeypatch):
    healed = {"ok": False}

    @job_handler("test.cli.flaky")
    def flaky(container, payload):
        if not healed["ok"]:
            raise ConnectionError(f"mail server refused {payload['to']}")

    c = make_container(tmp_path, clock=clock)
    dead = c.jobs.enqueue("test.cli.flaky", {"to": "a@example.org"}, max_attempts=1)
    other = c.jobs.enqueue("test.cli.flaky", {"to": "b@example.org"}, max_attempts=1)
    c.worker.run_until_idle()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    yield c, dead, other, healed
    c.close()
    JOB_HANDLERS.pop("test.cli.flaky", None)


def test_dead_jobs_are_listed_with_their_error(world, capsys):
    _, dead, other, _ = world
    assert main(["jobs", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["counts"] == {"dead": 2}
    assert {j["id"] for j in listed["jobs"]} == {dead, other}
    assert all("ConnectionError: mail server refused" in j["error"] for j in listed["jobs"])
    assert main(["jobs", "list"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("jobs: queued 0, running 0, done 0, dead 2")
    assert f"#{dead} test.cli.flaky dead attempts 1/1" in text and "mail server refused a@example.org" in text


def test_retry_queues_the_named_dead_jobs_and_they_run(world, clock, capsys):
    c, dead, other, healed = world
    assert main(["jobs", "retry"]) == 2  # nothing named: refused, nothing changed
    assert main(["jobs", "retry", str(dead)]) == 0
    assert "1 dead job(s) queued again" in capsys.readouterr().err
    clock.advance(datetime.now(UTC) - clock.now() + timedelta(minutes=1))  # the CLI ran on the wall clock
    healed["ok"] = True
    assert c.worker.run_until_idle() == 1
    assert c.jobs.get(dead).state == "done" and c.jobs.get(other).state == "dead"
    assert main(["jobs", "retry", "--kind", "test.cli.flaky"]) == 0
    assert c.worker.run_until_idle() == 1 and c.jobs.get(other).state == "done"
