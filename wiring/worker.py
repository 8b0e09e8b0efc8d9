"""Runs due jobs in this process: ``run_until_idle`` for tests and the demo, ``run_forever`` for `healthpulse worker`.

The worker knows the queue (``core.jobs.JobQueue``), the handlers each area
registered (``core.jobs.JOB_HANDLERS`` / ``DEAD_LETTER_HANDLERS``, filled by
the job modules ``wiring.container`` imports) and the context it hands them;
``before_round`` is what runs before each polling round (the index outbox
drain).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from healthpulse.core.jobs import (
    DEAD_LETTER_HANDLERS,
    JOB_HANDLERS,
    DeadLetterHandler,
    JobHandler,
    JobQueue,
    PermanentJobError,
)
from healthpulse.core.models.documents import JobRow

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, context: Any, queue: JobQueue, *, before_round: Callable[[], object] | None = None,
                 handlers: Mapping[str, JobHandler] = JOB_HANDLERS,
                 dead_letters: Mapping[str, DeadLetterHandler] = DEAD_LETTER_HANDLERS,
                 lease_seconds: float = 300.0, worker_id: str | None = None):
        self.context = context
        self.queue = queue
        self.before_round = before_round
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.lease_seconds = lease_seconds
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"

    def run_one(self, kinds: list[str] | None = None) -> bool:
        job = self.queue.claim(self.worker_id, self.lease_seconds, kinds)
        if job is None:
            return False
        handler = self.handlers.get(job.kind)
        started = time.perf_counter()
        if handler is None:
            self.queue.fail(job.id, f"no handler registered for job kind '{job.kind}'", permanent=True)
            log.error("job %s kind=%s has no handler", job.id, job.kind)
            return True
        try:
            handler(self.context, dict(job.payload))
        except PermanentJobError as exc:
            state = self.queue.fail(job.id, f"{type(exc).__name__}: {exc}", permanent=True)
            log.warning("job %s kind=%s failed permanently: %s", job.id, job.kind, exc)
            self._dead_letter(job, state, str(exc))
        except Exception as exc:  # noqa: BLE001 - a job's failure must never kill the worker
            state = self.queue.fail(job.id, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")
            log.warning("job %s kind=%s attempt=%s failed → %s: %s", job.id, job.kind, job.attempts, state, exc)
            self._dead_letter(job, state, f"{type(exc).__name__}: {exc}")
        else:
            self.queue.complete(job.id, time.perf_counter() - started)
            log.info("job %s kind=%s done in %.3fs", job.id, job.kind, time.perf_counter() - started)
        return True

    def _dead_letter(self, job: JobRow, state: str, error: str) -> None:
        handler = self.dead_letters.get(job.kind)
        if state != "dead" or handler is None:
            return
        try:
            handler(self.context, dict(job.payload), error)
        except Exception:  # noqa: BLE001 - the job stays dead with its error either way
            log.exception("dead-letter handler of job %s kind=%s failed", job.id, job.kind)

    def run_until_idle(self, max_jobs: int = 10_000, kinds: list[str] | None = None) -> int:
        """Run every job that is due now (jobs enqueued by jobs included); returns how many ran."""
        n = 0
        while n < max_jobs and self.run_one(kinds):
            n += 1
        return n

    def run_forever(self, poll_seconds: float = 1.0, stop: Callable[[], bool] | None = None) -> None:
        """Run jobs until ``stop()``; a failing round (database busy, index down) is logged and retried."""
        while not (stop and stop()):
            try:
                if self.before_round is not None:
                    self.before_round()
                busy = self.run_one()
            except Exception:  # noqa: BLE001 - the worker outlives any single failure
                log.exception("worker round failed; retrying in %.1fs", poll_seconds)
                busy = False
            if not busy:
                time.sleep(poll_seconds)
