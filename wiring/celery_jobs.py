"""Jobs on Celery with a Redis broker (``HEALTHPULSE_BROKER_URL``): the same handlers, the job row still the truth.

Why this shape: the job table (core.jobs) keeps what operators rely on — idempotency keys written in
the same transaction as the data, attempts, exponential backoff, dead letters with their error —
and Celery carries only "job N may run now" to a worker that consumes the job kind's queue
(``transcribe`` for transcription, ``default`` for the rest). Embedded mode runs the very same
handlers through the in-process worker: one task API, two ways to wake a worker.

Guarantees:
- at-least-once: ``acks_late`` and ``reject_on_worker_lost``; the broker's visibility timeout is longer
  than the longest transcription; a message that never arrives (broker down at enqueue, a worker
  killed holding the job) costs a delay, not the job — every worker's sweep publishes due jobs that
  no message is out for, and a job whose holder died is due again when its lease runs out;
- exactly one run per delivery of work: the receiving worker takes the job with ``claim_id`` (a
  compare-and-set on the row), so a second message for the same job finds nothing to do;
- one message out per job and due time: a marker in Redis (``SET NX``, set before publishing) that
  expires after ``MARKER_TTL_S``; a message lost in transit (Redis hands a message to a consumer that
  dies before it records it) delays its job by at most that much, and a job still waiting then (a long
  transcription backlog) gets a second message, which costs a worker one no-op ``claim_id``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from celery import Celery
from healthpulse.core.clock import Clock
from healthpulse.core.db import transaction
from healthpulse.core.jobs import DEFAULT_QUEUE, due_at, queue_of
from healthpulse.core.models.documents import JobRow
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

RUN_JOB_TASK = "healthpulse.run_job"
CRAWL_TICK_TASK = "healthpulse.crawl_tick"
# Longer than the longest transcription (a 30-minute recording at a real-time factor well under 4):
# an unacknowledged message is only handed to another worker after this.
VISIBILITY_TIMEOUT_S = 4 * 3600
# A job due later than this is not sent as a delayed message (workers would hold it in memory): the
# sweep publishes it once it is due.
PUBLISH_AHEAD_S = 60.0
MARKER_PREFIX = "healthpulse:jobs:published"
MARKER_TTL_S = 15 * 60


def make_celery(broker_url: str) -> Celery:
    """The Celery app every process of a deployment shares (web and crawlers publish, workers consume)."""
    app = Celery("healthpulse", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one job at a time; the rest wait for free workers
        task_default_queue=DEFAULT_QUEUE,
        task_ignore_result=True,  # the job row is the result
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
        broker_connection_timeout=3,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def register_run_job(app: Celery, run_job: Callable[[int], bool]) -> Any:
    """The one Celery task: run the job the message names (``Worker.run_job``); registered once per app."""
    if RUN_JOB_TASK in app.tasks:
        return app.tasks[RUN_JOB_TASK]

    @app.task(name=RUN_JOB_TASK, shared=False)  # shared tasks would reach every later app in the process
    def run_job_task(job_id: int) -> bool:
        return run_job(int(job_id))

    return run_job_task


def register_crawl_tick(app: Celery, tick: Callable[[str], object]) -> Any:
    """Beat's task: look at the sources file's schedules and queue the due crawls (``crawl_jobs.enqueue_due_crawls``)."""
    if CRAWL_TICK_TASK in app.tasks:
        return app.tasks[CRAWL_TICK_TASK]

    @app.task(name=CRAWL_TICK_TASK, shared=False)
    def crawl_tick_task(sources_file: str) -> None:
        tick(sources_file)

    return crawl_tick_task


class CeleryDispatcher:
    """``JobQueue``'s dispatcher in distributed mode: publish "job N" on its kind's queue, once per due time."""

    def __init__(self, app: Celery, broker_url: str, clock: Clock):
        self.app = app
        self.clock = clock
        self.redis = redis.Redis.from_url(broker_url, socket_timeout=3, socket_connect_timeout=3)

    def __call__(self, job_id: int, kind: str, run_after: datetime) -> None:
        delay = (run_after - self.clock.now()).total_seconds()
        if delay <= PUBLISH_AHEAD_S:
            self.publish(job_id, kind, run_after, countdown=max(0.0, delay))

    def publish(self, job_id: int, kind: str, due: datetime, *, countdown: float = 0.0) -> bool:
        """Send the message unless one is already out for this job and due time; True when sent."""
        marker = f"{MARKER_PREFIX}:{job_id}:{due.isoformat()}"
        if not self.redis.set(marker, kind, nx=True, ex=MARKER_TTL_S):
            return False
        try:
            self.app.send_task(RUN_JOB_TASK, args=[job_id], queue=queue_of(kind),
                               countdown=countdown or None, retry=False)
        except BaseException:
            self.redis.delete(marker)
            raise
        log.debug("job %s kind=%s published on %s", job_id, kind, queue_of(kind))
        return True

    def ping(self) -> str | None:
        """None when the broker answers, else why not (the health check)."""
        try:
            self.redis.ping()
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            return f"{type(exc).__name__}: {exc}"
        return None

    def sweep(self, factory: sessionmaker[Session]) -> int:
        """Publish every due job no message is out for: queued and due, or held by a worker whose lease ran out."""
        now = self.clock.now()
        with transaction(factory) as s:
            rows = s.execute(select(JobRow.id, JobRow.kind, JobRow.state, JobRow.run_after, JobRow.locked_until)
                             .where(due_at(now))).all()
        sent = 0
        for row in rows:
            due = row.run_after if row.state == "queued" else row.locked_until
            sent += self.publish(row.id, row.kind, due)
        if sent:
            log.info("job sweep: published %d due job(s) that had no message out", sent)
        return sent


class Sweeper:
    """A worker's background round: the sweep above, then ``also`` (the index outbox drain), every ``every`` s."""

    def __init__(self, dispatcher: CeleryDispatcher, factory: sessionmaker[Session], every: float,
                 also: Callable[[], object] | None = None):
        self.dispatcher = dispatcher
        self.factory = factory
        self.every = every
        self.also = also
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="healthpulse-job-sweep", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def round(self) -> None:
        try:
            self.dispatcher.sweep(self.factory)
        except Exception as exc:  # noqa: BLE001 - broker or database down: the next round tries again
            log.warning("job sweep failed (retried in %.0fs): %s", self.every, exc)
        if self.also is not None:
            try:
                self.also()
            except Exception:  # noqa: BLE001 - same: logged, retried next round
                log.exception("worker round failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.round()
            self._stop.wait(self.every)


def serve_worker(container: Any, queues: list[str], *, hostname: str | None = None, sweep_seconds: float = 5.0) -> None:
    """`healthpulse worker` in distributed mode: a Celery worker (solo pool: one job at a time per process;
    run more processes for more) consuming ``queues``, with the sweep and the index outbox drain beside it."""
    from healthpulse.wiring.crawl_jobs import enqueue_due_crawls

    app = container.celery
    register_run_job(app, container.worker.run_job)
    register_crawl_tick(app, lambda sources_file: enqueue_due_crawls(container, Path(sources_file)))
    sweeper = Sweeper(container.dispatcher, container.session_factory, sweep_seconds,
                      also=container.worker.before_round).start()
    argv = ["worker", "--pool", "solo", "--queues", ",".join(queues), "--loglevel", "INFO",
            "--without-gossip", "--without-mingle"]
    if hostname:
        argv += ["--hostname", hostname]
    try:
        app.worker_main(argv)
    finally:
        sweeper.stop()


def serve_beat(container: Any, sources_file: Path, tick_seconds: float) -> None:
    """`healthpulse beat`: Celery beat sends the crawl tick every ``tick_seconds`` on the default queue.

    The schedule lives in the database (``crawl_runs``), not in beat: beat keeps no state of its own (the
    in-memory scheduler, no schedule file), so restarting it, or running a second one, changes nothing. A
    tick expires after one period: ticks piled up while no worker listened are dropped, not replayed."""
    app = container.celery
    app.conf.beat_schedule = {
        "crawl-schedules": {"task": CRAWL_TICK_TASK, "schedule": tick_seconds, "args": [str(sources_file)],
                            "options": {"queue": DEFAULT_QUEUE, "expires": tick_seconds}},
    }
    app.Beat(scheduler="celery.beat:Scheduler", loglevel="INFO", max_interval=min(tick_seconds, 60.0)).run()
