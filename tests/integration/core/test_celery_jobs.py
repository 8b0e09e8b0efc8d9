"""Jobs on Celery with a real Redis broker (distributed mode, ``HEALTHPULSE_BROKER_URL``).

The same handlers and guarantees as the embedded queue: a job runs once however many messages name
it, a broker that is down loses nothing, a worker that dies holding a job hands it on when its lease
runs out, a poison job ends dead with its error, and each kind goes to its own queue.  The workers
are real Celery workers (in a thread here; `healthpulse worker` as a process at the end).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from healthpulse.core.clock import SystemClock
from healthpulse.core.jobs import JOB_HANDLERS, JOB_QUEUES, job_handler
from healthpulse.wiring.celery_jobs import RUN_JOB_TASK, register_run_job

from tests.conftest import empty_redis_database
from tests.support.containers import make_container

pytestmark = pytest.mark.integration
CALLS: list[dict] = []
KINDS = ("test.celery.ok", "test.celery.poison", "test.celery.heavy")


@pytest.fixture
def broker_url() -> Iterator[str]:
    yield from empty_redis_database(5)  # a database of its own, emptied for each test


@pytest.fixture(autouse=True)
def handlers():
    CALLS.clear()

    @job_handler("test.celery.ok")
    def ok(container, payload):
        CALLS.append(payload)

    @job_handler("test.celery.poison")
    def poison(container, payload):
        raise ValueError(f"cannot read {payload}")

    @job_handler("test.celery.heavy", queue="transcribe")
    def heavy(container, payload):
        CALLS.append(payload)

    yield
    for kind in KINDS:
        JOB_HANDLERS.pop(kind, None)
        JOB_QUEUES.pop(kind, None)


@pytest.fixture
def container(tmp_path, broker_url):
    c = make_container(tmp_path, clock=SystemClock(), broker_url=broker_url)  # type: ignore[arg-type]  # real time: messages wait real seconds
    c.jobs.base_backoff = 0.2
    yield c
    c.close()


@contextmanager
def celery_worker(container, queues: tuple[str, ...] = ("default", "transcribe")) -> Iterator[None]:
    register_run_job(container.celery, container.worker.run_job)
    with start_worker(container.celery, pool="solo", queues=list(queues), perform_ping_check=False,
                      shutdown_timeout=20, loglevel="WARNING"):
        yield


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def queued_messages(broker_url: str, queue: str) -> int:
    return redis.Redis.from_url(broker_url).llen(queue)


def test_a_job_is_published_on_commit_and_run_by_a_celery_worker(container, broker_url):
    with container.session() as s:
        job_id = container.jobs.enqueue("test.celery.ok", {"n": 1}, session=s)
        assert queued_messages(broker_url, "default") == 0  # not before the data it concerns is committed
    assert queued_messages(broker_url, "default") == 1
    with celery_worker(container):
        wait_for(lambda: container.jobs.get(job_id).state == "done")
    assert CALLS == [{"n": 1}]
    assert container.jobs.get(job_id).attempts == 1


def test_a_rolled_back_transaction_publishes_nothing(container, broker_url):
    with pytest.raises(RuntimeError), container.session() as s:
        container.jobs.enqueue("test.celery.ok", {"n": 1}, session=s)
        raise RuntimeError("the request failed")
    assert queued_messages(broker_url, "default") == 0
    assert container.jobs.counts() == {}


def test_messages_naming_one_job_run_it_once(container):
    job_id = container.jobs.enqueue("test.celery.ok", {"n": 2})
    for _ in range(3):  # a redelivery, a sweep, an operator's retry…
        container.celery.send_task(RUN_JOB_TASK, args=[job_id], queue="default")
    with celery_worker(container):
        wait_for(lambda: container.jobs.get(job_id).state == "done")
        time.sleep(0.5)  # the other messages arrive and find nothing to do
    assert CALLS == [{"n": 2}]


def test_each_kind_goes_to_its_queue_and_only_its_workers_take_it(container, broker_url):
    heavy = container.jobs.enqueue("test.celery.heavy", {"video": 1})
    assert queued_messages(broker_url, "transcribe") == 1 and queued_messages(broker_url, "default") == 0
    with celery_worker(container, queues=("default",)):
        light = container.jobs.enqueue("test.celery.ok", {"n": 3})
        wait_for(lambda: container.jobs.get(light).state == "done")
    assert container.jobs.get(heavy).state == "queued"  # a small worker left it alone
    with celery_worker(container, queues=("transcribe",)):
        wait_for(lambda: container.jobs.get(heavy).state == "done")
    assert CALLS == [{"n": 3}, {"video": 1}]


def test_broker_down_at_enqueue_loses_nothing_and_the_sweep_publishes_it(tmp_path, container, caplog):
    # The web process while Redis is down: port 9 (discard) answers nobody.
    web = make_container(tmp_path, clock=SystemClock(), broker_url="redis://127.0.0.1:9/0")  # type: ignore[arg-type]
    try:
        job_id = web.jobs.enqueue("test.celery.ok", {"appeal": 7})
    finally:
        web.close()
    assert job_id is not None and container.jobs.get(job_id).state == "queued"
    assert "stays queued in the database, not published" in caplog.text
    # A worker's sweep (Redis is back) finds the due job no message is out for, and publishes it once.
    assert container.dispatcher.sweep(container.session_factory) == 1
    assert container.dispatcher.sweep(container.session_factory) == 0
    with celery_worker(container):
        wait_for(lambda: container.jobs.get(job_id).state == "done")
    assert CALLS == [{"appeal": 7}]


def test_a_job_whose_worker_died_runs_again_once_its_lease_runs_out(container, broker_url):
    job_id = container.jobs.enqueue("test.celery.ok", {"transcript": 1})
    # Another worker took it and was killed: it holds the job, never finishes, never releases it.
    held = container.jobs.claim_id(job_id, "killed-worker", lease_seconds=10)
    assert held is not None
    with celery_worker(container):
        # The job's message reaches this worker while the lease is held: there is nothing to run.
        wait_for(lambda: queued_messages(broker_url, "default") == 0)
        time.sleep(0.5)
        assert CALLS == [] and container.jobs.get(job_id).locked_by == "killed-worker"
        assert container.dispatcher.sweep(container.session_factory) == 0  # not due while the lease holds
        lease_left = (held.locked_until - container.clock.now()).total_seconds()
        time.sleep(max(0.0, lease_left) + 0.2)
        assert container.dispatcher.sweep(container.session_factory) == 1  # the lease ran out: due again
        wait_for(lambda: container.jobs.get(job_id).state == "done")
        time.sleep(0.5)
    assert CALLS == [{"transcript": 1}]  # exactly one transcript
    assert container.jobs.get(job_id).attempts == 2


def test_a_poison_job_ends_dead_with_its_error_and_others_run(container):
    poison = container.jobs.enqueue("test.celery.poison", {"x": None}, max_attempts=3)
    fine = container.jobs.enqueue("test.celery.ok", {"n": 4})
    with celery_worker(container):
        wait_for(lambda: container.jobs.get(poison).state == "dead")
        wait_for(lambda: container.jobs.get(fine).state == "done")
    job = container.jobs.get(poison)
    assert job.attempts == 3 and "ValueError: cannot read" in job.last_error
    assert CALLS == [{"n": 4}]
    # The operator fixes the cause and revives it: published again at once.
    JOB_HANDLERS["test.celery.poison"] = lambda c, payload: CALLS.append(payload)
    assert container.jobs.requeue_dead("test.celery.poison") == 1
    with celery_worker(container):
        wait_for(lambda: container.jobs.get(poison).state == "done")
    assert CALLS == [{"n": 4}, {"x": None}]


def test_healthpulse_worker_runs_a_celery_worker_process(tmp_path, container, broker_url):
    """`healthpulse worker` with HEALTHPULSE_BROKER_URL: a Celery worker process runs the jobs; SIGTERM stops it."""
    env = {**os.environ, "HEALTHPULSE_DATABASE_URL": container.settings.database_url,
           "HEALTHPULSE_BROKER_URL": broker_url, "HEALTHPULSE_DATA_DIR": str(tmp_path / "data"),
           "HEALTHPULSE_SECRET_KEY": "test-secret-key", "HEALTHPULSE_DOCUMENT_VECTORS": "false"}
    job_id = container.jobs.enqueue("pipeline.drain_outbox", {})
    proc = subprocess.Popen([sys.executable, "-m", "healthpulse.cli", "worker", "--queues", "default",
                             "--hostname", "test-worker@%h"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: container.jobs.get(job_id).state == "done", seconds=90)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "Celery worker on queues default" in output
