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

Distributed mode (``HEALTHPULSE_BROKER_URL``, wiring.celery_jobs) keeps this table as the job's
truth and adds a ``dispatcher``: whenever a job becomes due-able (enqueued and committed, retried,
released, revived) the queue tells it, and it publishes "job N" on the job kind's Celery queue
(``job_handler(kind, queue=…)``). The worker that receives it runs the job through ``claim_id``,
so a message delivered twice runs the job once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from healthpulse.core.clock import Clock
from healthpulse.core.db import transaction
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.documents import JobRow
from sqlalchemy import ColumnElement, and_, event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

# A handler gets the context it declares (a Protocol of healthpulse.core.context, or its own area's) and the
# job's payload; the worker (healthpulse.wiring.worker) passes the container, which satisfies every one.
JobHandler = Callable[[Any, dict[str, Any]], None]
DeadLetterHandler = Callable[[Any, dict[str, Any], str], None]
JOB_HANDLERS: dict[str, JobHandler] = {}
DEAD_LETTER_HANDLERS: dict[str, DeadLetterHandler] = {}
# Distributed mode: the broker queue each kind is published on (default: DEFAULT_QUEUE).
JOB_QUEUES: dict[str, str] = {}
DEFAULT_QUEUE = "default"
# (job id, kind, run_after): told when a job may run; in distributed mode it publishes a message.
JobDispatcher = Callable[[int, str, datetime], None]
_SESSION_DISPATCHES = "healthpulse.jobs.dispatch"


KIND_MAX_CHARS: int = JobRow.__table__.c.kind.type.length  # type: ignore[attr-defined]


def check_kind(kind: str) -> str:
    """A kind the jobs table can hold. SQLite ignores a VARCHAR's length and PostgreSQL refuses the insert, so
    an over-long kind is refused here, the same way on both engines, before it can lose a job."""
    if not kind or len(kind) > KIND_MAX_CHARS:
        raise ValueError(f"job kind {kind[:40]!r}{'…' if len(kind) > 40 else ''} has {len(kind)} characters; "
                         f"a kind has 1 to {KIND_MAX_CHARS}")
    return kind


def job_handler(kind: str, *, queue: str = DEFAULT_QUEUE) -> Callable[[JobHandler], JobHandler]:
    """Register ``fn`` as the handler of jobs of ``kind``; ``queue``: the broker queue in distributed mode
    (heavy kinds get their own, consumed only by workers big enough for them)."""
    check_kind(kind)

    def deco(fn: JobHandler) -> JobHandler:
        JOB_HANDLERS[kind] = fn
        JOB_QUEUES[kind] = queue
        return fn

    return deco


def queue_of(kind: str) -> str:
    return JOB_QUEUES.get(kind, DEFAULT_QUEUE)


def due_at(now: datetime) -> ColumnElement[bool]:
    """SQL: jobs that may run at ``now`` — queued and due, or running with a lease that ran out (its worker died)."""
    return or_(and_(JobRow.state == "queued", JobRow.run_after <= now),
               and_(JobRow.state == "running", JobRow.locked_until < now))


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
    def __init__(self, factory: sessionmaker[Session], clock: Clock, *, base_backoff: float = 2.0, max_backoff: float = 600.0,
                 dispatcher: JobDispatcher | None = None):
        self.factory = factory
        self.clock = clock
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.dispatcher = dispatcher

    def _dispatch(self, job_id: int, kind: str, run_after: datetime) -> None:
        """Tell the dispatcher a committed job may run; its failure (broker down) loses nothing: the row stays."""
        if self.dispatcher is None:
            return
        try:
            self.dispatcher(job_id, kind, run_after)
        except Exception as exc:  # noqa: BLE001 - the job is in the table; the dispatcher's sweep finds it later
            log.warning("job %s kind=%s stays queued in the database, not published: %s", job_id, kind, exc)

    def _dispatch_on_commit(self, session: Session, job_id: int, kind: str, run_after: datetime) -> None:
        """A job added to the caller's transaction is published once that transaction commits (never before)."""
        if self.dispatcher is None:
            return
        pending = session.info.get(_SESSION_DISPATCHES)
        if pending is None:
            pending = session.info[_SESSION_DISPATCHES] = []

            def flush_pending(committed: Session) -> None:
                jobs = list(committed.info.pop(_SESSION_DISPATCHES, []))
                for args in jobs:
                    self._dispatch(*args)

            def forget(rolled_back: Session) -> None:
                rolled_back.info.pop(_SESSION_DISPATCHES, None)

            event.listen(session, "after_commit", flush_pending, once=True)
            event.listen(session, "after_rollback", forget, once=True)
        pending.append((job_id, kind, run_after))

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
        check_kind(kind)
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
            self._dispatch_on_commit(session, row.id, kind, row.run_after)
            return row.id
        try:
            with transaction(self.factory) as s:
                s.add(row)
                s.flush()
                job_id, due = row.id, row.run_after
            self._dispatch(job_id, kind, due)
            return job_id
        except IntegrityError:
            with transaction(self.factory) as s:
                return s.scalar(select(JobRow.id).where(JobRow.idempotency_key == idempotency_key))

    def claim(self, worker_id: str, lease_seconds: float = 300.0, kinds: list[str] | None = None) -> JobRow | None:
        """Lease one due job (queued and due, or running with an expired lease)."""
        now = self.clock.now()
        for _ in range(5):
            with transaction(self.factory) as s:
                q = (select(JobRow.id, JobRow.state, JobRow.attempts).where(due_at(now))
                     .order_by(JobRow.run_after, JobRow.id).limit(1))
                if kinds:
                    q = q.where(JobRow.kind.in_(kinds))
                found = s.execute(q).first()
                if found is None:
                    return None
                if self._lease(s, found, worker_id, now, lease_seconds):
                    return s.get(JobRow, found.id)
            # Another worker won the race for that row: try the next one.
        return None

    def claim_id(self, job_id: int, worker_id: str, lease_seconds: float = 300.0) -> JobRow | None:
        """Lease job ``job_id`` if it is due (a broker message names it); None when it is not — done, dead,
        not yet due, or held by a live worker (a duplicate message, a redelivery): then there is nothing to run."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            found = s.execute(select(JobRow.id, JobRow.state, JobRow.attempts)
                              .where(JobRow.id == job_id, due_at(now))).first()
            if found is None or not self._lease(s, found, worker_id, now, lease_seconds):
                return None
            return s.get(JobRow, job_id)

    @staticmethod
    def _lease(s: Session, found: Any, worker_id: str, now: datetime, lease_seconds: float) -> bool:
        """Take the row ``found`` (its id, state and attempts as read) if no one changed it since: compare-and-set."""
        res = s.execute(
            update(JobRow)
            .where(JobRow.id == found.id, JobRow.state == found.state, JobRow.attempts == found.attempts)
            .values(state="running", attempts=found.attempts + 1, locked_by=worker_id,
                    locked_until=now + timedelta(seconds=lease_seconds), updated_at=now)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result

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
            released = res.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result
            kind = s.scalar(select(JobRow.kind).where(JobRow.id == job_id)) if released else None
        if kind is not None:
            self._dispatch(job_id, kind, now)
        return released

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
            state, kind, due = job.state, job.kind, job.run_after
        if state == "queued":
            self._dispatch(job_id, kind, due)
        return state

    def get(self, job_id: int) -> JobRow | None:
        with transaction(self.factory) as s:
            return s.get(JobRow, job_id)

    def with_key(self, idempotency_key: str) -> int | None:
        """The id of the job enqueued under ``idempotency_key``, if any (whatever its state)."""
        with transaction(self.factory) as s:
            return s.scalar(select(JobRow.id).where(JobRow.idempotency_key == idempotency_key))

    def queue_overview(self) -> list[dict[str, Any]]:
        """Per broker queue (the one each kind is published on; embedded mode has the same kinds): its kinds,
        jobs per state, since when its oldest due job has waited — a backlog shows here first — and how
        many queued jobs are not due yet (a retry's backoff, a daily digest) with the next one's time.
        Every queue a registered kind uses is listed, with zeros when it has no jobs."""
        now = self.clock.now()
        queues: dict[str, dict[str, Any]] = {}

        def entry(kind: str) -> dict[str, Any]:
            name = queue_of(kind)
            row = queues.setdefault(name, {"queue": name, "kinds": set(), "states": {}, "waiting_since": None,
                                           "scheduled": 0, "next_at": None})
            row["kinds"].add(kind)
            return row

        for kind in JOB_HANDLERS:
            entry(kind)
        with transaction(self.factory) as s:
            for kind, state, n in s.execute(select(JobRow.kind, JobRow.state, func.count())
                                            .group_by(JobRow.kind, JobRow.state)):
                states = entry(kind)["states"]
                states[state] = states.get(state, 0) + n
            due = JobRow.run_after <= now
            for kind, is_due, n, oldest in s.execute(
                    select(JobRow.kind, due, func.count(), func.min(JobRow.run_after))
                    .where(JobRow.state == "queued").group_by(JobRow.kind, due)):
                row = entry(kind)
                if is_due:
                    row["waiting_since"] = min(filter(None, (row["waiting_since"], oldest)))
                else:
                    row["scheduled"] += n
                    row["next_at"] = min(filter(None, (row["next_at"], oldest)))
        return [{**q, "kinds": sorted(q["kinds"])} for _, q in sorted(queues.items())]

    def counts(self) -> dict[str, int]:
        with transaction(self.factory) as s:
            return {state: n for state, n in s.execute(select(JobRow.state, func.count()).group_by(JobRow.state))}

    def list_jobs(self, state: str | None = None, kind: str | None = None, limit: int = 100) -> list[JobRow]:
        """Jobs newest first (the dead letters: ``state="dead"``, each with its last error)."""
        with transaction(self.factory) as s:
            q = select(JobRow).order_by(JobRow.updated_at.desc(), JobRow.id.desc()).limit(limit)
            if state:
                q = q.where(JobRow.state == state)
            if kind:
                q = q.where(JobRow.kind == kind)
            return list(s.scalars(q))

    def requeue_dead(self, kind: str | None = None, ids: list[int] | None = None) -> int:
        """Give dead jobs (of ``kind``, or these ``ids``) another round, after an operator fixed the cause."""
        now = self.clock.now()
        with transaction(self.factory) as s:
            q = select(JobRow.id, JobRow.kind).where(JobRow.state == "dead")
            if kind:
                q = q.where(JobRow.kind == kind)
            if ids is not None:
                q = q.where(JobRow.id.in_(ids))
            revived = [(row.id, row.kind) for row in s.execute(q)]
            if revived:
                s.execute(update(JobRow).where(JobRow.id.in_([job_id for job_id, _ in revived]), JobRow.state == "dead")
                          .values(state="queued", attempts=0, run_after=now, updated_at=now))
        for job_id, job_kind in revived:
            self._dispatch(job_id, job_kind, now)
        return len(revived)
