"""A DB-backed job queue with an in-process worker.

Why in the database: in embedded mode there is no broker, and a job written
in the same transaction as the data it concerns is never lost.

- ``enqueue`` inserts a row (optionally deduplicated by ``idempotency_key``).
- ``claim`` takes one due job with a compare-and-set UPDATE (safe with several
  workers on SQLite and PostgreSQL) and leases it for ``lease_seconds``; a
  worker that dies leaves the lease to expire, and the job is claimed again
  (visibility timeout).  A live worker renews the lease while it works
  (``renew``, its heartbeat), and one that is stopped gives the job back
  (``release``: due at once, the attempt not counted).
- a failure is retried with exponential backoff (``base_backoff * 2**(n-1)``,
  capped); after ``max_attempts`` the job is ``dead`` with its last error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from healthpulse.core.clock import Clock
from healthpulse.core.db import transaction
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.documents import JobRow
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

# A handler gets the context it declares (a Protocol of healthpulse.core.context, or its own area's) and the
# job's payload; the worker (healthpulse.wiring.worker) passes the container, which satisfies every one.
JobHandler = Callable[[Any, dict[str, Any]], None]
DeadLetterHandler = Callable[[Any, dict[str, Any], str], None]
JOB_HANDLERS: dict[str, JobHandler] = {}
DEAD_LETTER_HANDLERS: dict[str, DeadLetterHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register ``fn`` as the handler of jobs of ``kind``."""

    def deco(fn: JobHandler) -> JobHandler:
        JOB_HANDLERS[kind] = fn
        return fn

    return deco


def dead_letter_handler(kind: str) -> Callable[[DeadLetterHandler], DeadLetterHandler]:
    """Register what to do when a job of ``kind`` gives up (so a citizen is never left waiting forever)."""

    def deco(fn: DeadLetterHandler) -> DeadLetterHandler:
        DEAD_LETTER_HANDLERS[kind] = fn
        return fn

    return deco


class PermanentJobError(HealthpulseError):
    """Raised by a handler when retrying cannot help (bad payload): the job goes dead at once."""
    error_code = "invalid"


class JobQueue:
    def __init__(self, factory: sessionmaker[Session], clock: Clock, *, base_backoff: float = 2.0, max_backoff: float = 600.0):
        self.factory = factory
        self.clock = clock
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff

    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        run_after: datetime | None = None,
        max_attempts: int = 5,
        session: Session | None = None,
    ) -> int | None:
        """Add a job; with ``session`` it joins the caller's transaction (outbox pattern).

        Returns the job id, or the existing job's id when the idempotency key was already used.
        """
        now = self.clock.now()
        row = JobRow(
            kind=kind, payload=payload, state="queued", attempts=0, max_attempts=max_attempts,
            run_after=run_after or now, idempotency_key=idempotency_key, created_at=now, updated_at=now,
        )
        if session is not None:
            if idempotency_key:
                existing = session.scalar(select(JobRow.id).where(JobRow.idempotency_key == idempotency_key))
                if existing is not None:
                    return existing
            session.add(row)
            session.flush()
            return row.id
        try:
            with transaction(self.factory) as s:
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            with transaction(self.factory) as s:
                return s.scalar(select(JobRow.id).where(JobRow.idempotency_key == idempotency_key))

    def claim(self, worker_id: str, lease_seconds: float = 300.0, kinds: list[str] | None = None) -> JobRow | None:
        """Lease one due job (queued and due, or running with an expired lease)."""
        now = self.clock.now()
        due = or_(
            and_(JobRow.state == "queued", JobRow.run_after <= now),
            and_(JobRow.state == "running", JobRow.locked_until < now),
        )
        for _ in range(5):
            with transaction(self.factory) as s:
                q = select(JobRow.id, JobRow.state, JobRow.attempts).where(due).order_by(JobRow.run_after, JobRow.id).limit(1)
                if kinds:
                    q = q.where(JobRow.kind.in_(kinds))
                found = s.execute(q).first()
                if found is None:
                    return None
                res = s.execute(
                    update(JobRow)
                    .where(JobRow.id == found.id, JobRow.state == found.state, JobRow.attempts == found.attempts)
                    .values(state="running", attempts=found.attempts + 1, locked_by=worker_id,
                            locked_until=now + timedelta(seconds=lease_seconds), updated_at=now)
                )
                if res.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result
                    return s.get(JobRow, found.id)
            # Another worker won the race for that row: try the next one.
        return None

    def renew(self, job_id: int, worker_id: str, lease_seconds: float) -> bool:
        """Extend the lease of a job this worker still holds (its heartbeat); False when it lost the job."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            res = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.state == "running",
                                                 JobRow.locked_by == worker_id)
                            .values(locked_until=now + timedelta(seconds=lease_seconds), updated_at=now))
            return res.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result

    def release(self, job_id: int, worker_id: str) -> bool:
        """Give a held job back unfinished (its worker is stopping): due at once, the attempt not counted."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            res = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.state == "running",
                                                 JobRow.locked_by == worker_id)
                            .values(state="queued", attempts=JobRow.attempts - 1, run_after=now, locked_by=None,
                                    locked_until=None, updated_at=now))
            return res.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result

    def complete(self, job_id: int, duration_s: float | None = None, *, worker_id: str | None = None) -> None:
        """Mark a job done; with ``worker_id`` only while that worker still holds it."""
        now = self.clock.now()
        held = [JobRow.locked_by == worker_id, JobRow.state == "running"] if worker_id else []
        with transaction(self.factory) as s:
            s.execute(update(JobRow).where(JobRow.id == job_id, *held).values(
                state="done", finished_at=now, updated_at=now, locked_until=None, duration_s=duration_s, last_error=None))

    def fail(self, job_id: int, error: str, *, permanent: bool = False, worker_id: str | None = None) -> str:
        """Record a failure; returns the new state (``queued`` for a retry or ``dead``; ``lost`` when
        ``worker_id`` no longer holds the job)."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            job = s.get(JobRow, job_id)
            if job is None:
                return "missing"
            if worker_id and (job.locked_by != worker_id or job.state != "running"):
                return "lost"
            if permanent or job.attempts >= job.max_attempts:
                job.state = "dead"
                job.finished_at = now
            else:
                delay = min(self.max_backoff, self.base_backoff * 2 ** max(0, job.attempts - 1))
                job.state = "queued"
                job.run_after = now + timedelta(seconds=delay)
            job.last_error = error[-4000:]
            job.locked_until = None
            job.updated_at = now
            return job.state

    def get(self, job_id: int) -> JobRow | None:
        with transaction(self.factory) as s:
            return s.get(JobRow, job_id)

    def counts(self) -> dict[str, int]:
        with transaction(self.factory) as s:
            return {state: n for state, n in s.execute(select(JobRow.state, func.count()).group_by(JobRow.state))}

    def requeue_dead(self, kind: str | None = None) -> int:
        """Give dead jobs another round (after an operator fixed the cause)."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            q = update(JobRow).where(JobRow.state == "dead")
            if kind:
                q = q.where(JobRow.kind == kind)
            return s.execute(q.values(state="queued", attempts=0, run_after=now, updated_at=now)).rowcount  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result
