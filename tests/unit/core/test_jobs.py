from datetime import timedelta

import pytest
from healthpulse.core.jobs import (
    DEAD_LETTER_HANDLERS,
    JOB_HANDLERS,
    KIND_MAX_CHARS,
    PermanentJobError,
    dead_letter_handler,
    job_handler,
)

CALLS: list[dict] = []


@pytest.fixture(autouse=True)
def handlers():
    CALLS.clear()

    @job_handler("test.ok")
    def ok(container, payload):
        CALLS.append(payload)

    @job_handler("test.flaky")
    def flaky(container, payload):
        CALLS.append(payload)
        if len(CALLS) < payload["fail_times"] + 1:
            raise RuntimeError(f"boom {len(CALLS)}")

    @job_handler("test.bad")
    def bad(container, payload):
        raise PermanentJobError("payload has no 'x'")

    yield
    for k in ("test.ok", "test.flaky", "test.bad"):
        JOB_HANDLERS.pop(k, None)


def test_job_runs_once_and_is_done(container):
    jid = container.jobs.enqueue("test.ok", {"n": 1})
    assert container.worker.run_until_idle() == 1
    assert CALLS == [{"n": 1}]
    assert container.jobs.get(jid).state == "done"
    assert container.worker.run_until_idle() == 0


def test_failure_is_retried_with_exponential_backoff(container, clock):
    jid = container.jobs.enqueue("test.flaky", {"fail_times": 2}, max_attempts=5)
    container.worker.run_until_idle()
    job = container.jobs.get(jid)
    assert job.state == "queued" and job.attempts == 1 and "boom 1" in job.last_error
    assert job.run_after == clock.now() + timedelta(seconds=2)
    assert container.worker.run_until_idle() == 0  # not due yet
    clock.advance(seconds=2)
    container.worker.run_until_idle()
    job = container.jobs.get(jid)
    assert job.attempts == 2 and job.run_after == clock.now() + timedelta(seconds=4)
    clock.advance(seconds=4)
    container.worker.run_until_idle()
    assert container.jobs.get(jid).state == "done"
    assert len(CALLS) == 3


def test_poisoned_job_ends_dead_with_its_error(container, clock):
    jid = container.jobs.enqueue("test.flaky", {"fail_times": 99}, max_attempts=3)
    for _ in range(5):
        container.worker.run_until_idle()
        clock.advance(minutes=10)
    job = container.jobs.get(jid)
    assert job.state == "dead" and job.attempts == 3
    assert "RuntimeError: boom 3" in job.last_error
    assert container.jobs.requeue_dead("test.flaky") == 1
    assert container.jobs.get(jid).state == "queued"


def test_permanent_error_goes_dead_at_once(container):
    jid = container.jobs.enqueue("test.bad", {})
    container.worker.run_until_idle()
    job = container.jobs.get(jid)
    assert job.state == "dead" and job.attempts == 1 and "payload has no 'x'" in job.last_error


def test_unknown_kind_is_dead_not_lost_silently(container):
    jid = container.jobs.enqueue("test.nobody", {})
    container.worker.run_until_idle()
    job = container.jobs.get(jid)
    assert job.state == "dead" and "no handler" in job.last_error


def test_job_of_a_dead_worker_is_picked_up_after_the_lease(container, clock):
    jid = container.jobs.enqueue("test.ok", {"n": 7})
    crashed = container.jobs.claim("worker-that-dies", lease_seconds=60)
    assert crashed.id == jid
    # The worker died without completing: nobody else may take it while the lease holds...
    assert container.worker.run_until_idle() == 0
    clock.advance(seconds=61)
    # ...and after it expires the job runs again.
    assert container.worker.run_until_idle() == 1
    job = container.jobs.get(jid)
    assert job.state == "done" and job.attempts == 2 and CALLS == [{"n": 7}]


def test_two_workers_never_claim_the_same_job(container):
    ids = [container.jobs.enqueue("test.ok", {"n": i}) for i in range(6)]
    claimed = []
    while True:
        a = container.jobs.claim("a")
        b = container.jobs.claim("b")
        claimed += [j.id for j in (a, b) if j]
        if not a and not b:
            break
    assert sorted(claimed) == sorted(ids)


def test_idempotency_key_deduplicates(container):
    a = container.jobs.enqueue("test.ok", {"n": 1}, idempotency_key="k1")
    b = container.jobs.enqueue("test.ok", {"n": 2}, idempotency_key="k1")
    assert a == b
    container.worker.run_until_idle()
    assert CALLS == [{"n": 1}]


def test_dead_letter_handler_runs_once_when_a_job_gives_up(container, clock):
    gave_up = []

    @dead_letter_handler("test.flaky")
    def on_dead(c, payload, error):
        gave_up.append((payload["fail_times"], error))

    try:
        container.jobs.enqueue("test.flaky", {"fail_times": 99}, max_attempts=2)
        for _ in range(4):
            container.worker.run_until_idle()
            clock.advance(minutes=10)
        assert gave_up == [(99, "RuntimeError: boom 2")]
    finally:
        DEAD_LETTER_HANDLERS.pop("test.flaky", None)


def test_background_worker_runs_jobs_beside_the_caller(tmp_path):
    import time

    from healthpulse.core.clock import SystemClock
    from healthpulse.wiring.background import BackgroundWorker

    from tests.support.containers import make_container

    c = make_container(tmp_path, clock=SystemClock())
    worker = BackgroundWorker(c, poll_seconds=0.05).start()
    try:
        jid = c.jobs.enqueue("test.ok", {"n": 42})
        deadline = time.monotonic() + 60
        while c.jobs.get(jid).state != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert c.jobs.get(jid).state == "done" and CALLS == [{"n": 42}]
    finally:
        worker.stop()
        c.close()


def test_job_outliving_its_lease_is_renewed_not_claimed_by_a_second_worker(container, clock):
    """Issue 16.8: while the handler works, its worker renews the lease (a heartbeat every third of it)."""
    import time

    from healthpulse.wiring.worker import Worker

    jid = container.jobs.enqueue("test.long", {})
    second: list = []

    @job_handler("test.long")
    def long(c, payload):
        clock.advance(seconds=90)  # the work has taken longer than the 60 s lease
        deadline = time.monotonic() + 30
        while container.jobs.get(jid).locked_until <= clock.now() and time.monotonic() < deadline:
            time.sleep(0.01)
        second.append(container.jobs.claim("second-worker", lease_seconds=60))
        CALLS.append(payload)

    try:
        # The lease is counted on the (fake) clock; the heartbeat's period on the real one, shortened here.
        first = Worker(container, container.jobs, lease_seconds=60, worker_id="first-worker", heartbeat_seconds=0.02)
        assert first.run_one()
    finally:
        JOB_HANDLERS.pop("test.long", None)
    assert second == [None]  # the job was still leased to the first worker
    job = container.jobs.get(jid)
    assert job.state == "done" and job.attempts == 1 and job.locked_by == "first-worker" and CALLS == [{}]


def test_released_job_is_claimable_at_once_and_not_counted_as_an_attempt(container):
    jid = container.jobs.enqueue("test.ok", {"n": 3})
    job = container.jobs.claim("stopping-worker", lease_seconds=300)
    assert container.jobs.release(job.id, "someone-else") is False  # only the holder may release it
    assert container.jobs.release(job.id, "stopping-worker") is True
    job = container.jobs.get(jid)
    assert job.state == "queued" and job.attempts == 0 and job.locked_until is None and job.locked_by is None
    assert container.jobs.claim("next-worker").id == jid


def test_a_kind_longer_than_the_jobs_table_holds_is_refused_on_every_engine(container):
    """SQLite would store it and PostgreSQL would refuse the insert mid-transaction: refused before either."""
    longest = "test." + "k" * (KIND_MAX_CHARS - 5)
    assert container.jobs.enqueue(longest, {}) is not None
    with pytest.raises(ValueError, match=f"has {KIND_MAX_CHARS + 1} characters; a kind has 1 to {KIND_MAX_CHARS}"):
        container.jobs.enqueue(longest + "k", {})
    with pytest.raises(ValueError, match="a kind has 1 to"):
        job_handler(longest + "k")
    assert container.jobs.counts().get("queued") == 1  # nothing half-written
