"""Runs due jobs in this process: ``run_until_idle`` for tests and the demo, ``run_forever`` for `healthpulse worker`.

The worker knows the queue (``core.jobs.JobQueue``), the handlers each area
registered (``core.jobs.JOB_HANDLERS`` / ``DEAD_LETTER_HANDLERS``, filled by
the job modules ``wiring.container`` imports) and the context it hands them;
``before_round`` is what runs before each polling round (the index outbox
drain).

While a handler works, a heartbeat thread renews the job's lease every third
of it, so a long job (a 10-minute video on a busy machine) is never handed to
a second worker.  ``stop_on_signals`` makes SIGTERM/SIGINT stop the worker:
a running handler is interrupted and its job released (due at once, the
attempt not counted), instead of waiting out the lease.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
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


class WorkerStopping(BaseException):
    """Raised inside a running handler when the worker is told to stop (not an ``Exception``: handlers that
    catch every error must not swallow it)."""


class Worker:
    def __init__(self, context: Any, queue: JobQueue, *, before_round: Callable[[], object] | None = None,
                 handlers: Mapping[str, JobHandler] = JOB_HANDLERS,
                 dead_letters: Mapping[str, DeadLetterHandler] = DEAD_LETTER_HANDLERS,
                 lease_seconds: float = 300.0, worker_id: str | None = None,
                 heartbeat_seconds: float | None = None):
        self.context = context
        self.queue = queue
        self.before_round = before_round
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.lease_seconds = lease_seconds
        # Real seconds between lease renewals; a third of the lease leaves two chances before it runs out.
        self.heartbeat_seconds = heartbeat_seconds or lease_seconds / 3
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self._stopping = threading.Event()
        self._in_handler = False

    def request_stop(self) -> None:
        """Stop after this round; called from a signal handler (main thread), also interrupt the running job."""
        self._stopping.set()
        if self._in_handler and threading.current_thread() is threading.main_thread():
            raise WorkerStopping

    def run_one(self, kinds: list[str] | None = None) -> bool:
        job = self.queue.claim(self.worker_id, self.lease_seconds, kinds)
        if job is None:
            return False
        self._run(job)
        return True

    def run_job(self, job_id: int) -> bool:
        """Run job ``job_id`` if it is due (a broker message named it); False when there was nothing to run."""
        job = self.queue.claim_id(job_id, self.worker_id, self.lease_seconds)
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: JobRow) -> None:
        """Run a job this worker holds: complete it, or record the failure (retry with backoff, or dead)."""
        handler = self.handlers.get(job.kind)
        started = time.perf_counter()
        if handler is None:
            self.queue.fail(job.id, f"no handler registered for job kind '{job.kind}'", permanent=True)
            log.error("job %s kind=%s has no handler", job.id, job.kind)
            return
        try:
            with self._heartbeat(job.id):
                self._in_handler = True
                try:
                    handler(self.context, dict(job.payload))
                finally:
                    self._in_handler = False
        except PermanentJobError as exc:
            state = self.queue.fail(job.id, f"{type(exc).__name__}: {exc}", permanent=True, worker_id=self.worker_id)
            log.warning("job %s kind=%s failed permanently: %s", job.id, job.kind, exc)
            self._dead_letter(job, state, str(exc))
        except Exception as exc:  # noqa: BLE001 - a job's failure must never kill the worker
            state = self.queue.fail(job.id, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
                                    worker_id=self.worker_id)
            log.warning("job %s kind=%s attempt=%s failed → %s: %s", job.id, job.kind, job.attempts, state, exc)
            self._dead_letter(job, state, f"{type(exc).__name__}: {exc}")
        except BaseException:  # WorkerStopping, KeyboardInterrupt, SystemExit: give the job back, then stop
            released = self.queue.release(job.id, self.worker_id)
            log.warning("job %s kind=%s interrupted: worker stopping; released=%s", job.id, job.kind, released)
            raise
        else:
            self.queue.complete(job.id, time.perf_counter() - started, worker_id=self.worker_id)
            log.info("job %s kind=%s done in %.3fs", job.id, job.kind, time.perf_counter() - started)

    @contextmanager
    def _heartbeat(self, job_id: int) -> Iterator[None]:
        """Renew the job's lease every ``heartbeat_seconds`` while the body runs."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.heartbeat_seconds):
                try:
                    if not self.queue.renew(job_id, self.worker_id, self.lease_seconds):
                        log.warning("job %s: lease lost (another worker holds it now)", job_id)
                        return
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease has two more in it
                    log.exception("job %s: renewing the lease failed", job_id)

        thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

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
        while n < max_jobs and not self._stopping.is_set() and self.run_one(kinds):
            n += 1
        return n

    def run_forever(self, poll_seconds: float = 1.0, stop: Callable[[], bool] | None = None) -> None:
        """Run jobs until ``stop()`` or ``request_stop()``; a failing round (database busy, index down) is
        logged and retried."""
        while not (stop and stop()) and not self._stopping.is_set():
            try:
                if self.before_round is not None:
                    self.before_round()
                busy = self.run_one()
            except WorkerStopping:
                return
            except Exception:  # noqa: BLE001 - the worker outlives any single failure
                log.exception("worker round failed; retrying in %.1fs", poll_seconds)
                busy = False
            if not busy:
                self._stopping.wait(poll_seconds)


@contextmanager
def stop_on_signals(worker: Worker, signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
                    ) -> Iterator[None]:
    """While the body runs (in the main thread), SIGTERM/SIGINT stop ``worker`` and release its running job."""

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.warning("worker %s: %s received, stopping", worker.worker_id, signal.Signals(signum).name)
        worker.request_stop()

    if threading.current_thread() is not threading.main_thread():  # only the main thread may handle signals
        yield
        return
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
