"""Job round trip on Celery + Redis against the embedded queue: what distributed mode costs per job.

An empty job (its handler does nothing) is enqueued and timed until its row is ``done``: one at a time
(latency: commit, publish, the worker taking the message, claim_id, complete) and then ``--burst``
jobs at once (throughput of one solo-pool worker). The same jobs through the embedded in-process worker
(``run_until_idle`` right after enqueue) give the floor both share: the database writes.

Needs a Redis (``scripts/services.sh start`` runs one on 56379).
Usage: python benchmarks/jobs.py [--redis redis://127.0.0.1:56379/7] [--jobs 200] [--burst 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis
from celery.contrib.testing.worker import start_worker
from healthpulse.core.clock import SystemClock
from healthpulse.core.jobs import job_handler
from healthpulse.core.settings import load_settings
from healthpulse.wiring.celery_jobs import register_run_job
from healthpulse.wiring.container import build_container

KIND = "bench.empty"


@job_handler(KIND)
def _empty(container, payload) -> None:  # type: ignore[no-untyped-def]
    return None


def _container(tmp: Path, broker_url: str | None):  # type: ignore[no-untyped-def]
    settings = load_settings(None, database_url=f"sqlite:///{tmp / 'bench.db'}", data_dir=tmp / "data", testing=True,
                             secret_key="bench", broker_url=broker_url)
    return build_container(settings, clock=SystemClock(), analyzer=None, index=None, embedder=None)


def _wait_done(container, job_id: int) -> None:  # type: ignore[no-untyped-def]
    while container.jobs.get(job_id).state != "done":
        time.sleep(0.0005)


def _percentiles(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, mean {statistics.fmean(ordered):.1f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--redis", default="redis://127.0.0.1:56379/7", help="a Redis database the run may empty")
    ap.add_argument("--jobs", type=int, default=200, help="jobs timed one at a time")
    ap.add_argument("--burst", type=int, default=500, help="jobs enqueued at once for the throughput figure")
    args = ap.parse_args(argv)
    try:
        redis.Redis.from_url(args.redis).flushdb()
    except redis.RedisError as exc:
        print(f"no Redis at {args.redis}: {exc} (scripts/services.sh start runs one)", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        embedded = _container(Path(tmp) / "embedded", None)
        times = []
        for i in range(args.jobs):
            started = time.perf_counter()
            job_id = embedded.jobs.enqueue(KIND, {"i": i})
            embedded.worker.run_until_idle()
            assert embedded.jobs.get(job_id).state == "done"
            times.append((time.perf_counter() - started) * 1000)
        embedded.close()
        print(f"embedded queue, enqueue → done, {args.jobs} jobs one at a time: {_percentiles(times)}")

        celery = _container(Path(tmp) / "celery", args.redis)
        register_run_job(celery.celery, celery.worker.run_job)
        with start_worker(celery.celery, pool="solo", queues=["default"], perform_ping_check=False,
                          shutdown_timeout=30, loglevel="WARNING"):
            _wait_done(celery, celery.jobs.enqueue(KIND, {"warm": True}))
            times = []
            for i in range(args.jobs):
                started = time.perf_counter()
                job_id = celery.jobs.enqueue(KIND, {"i": i})
                _wait_done(celery, job_id)
                times.append((time.perf_counter() - started) * 1000)
            print(f"Celery + Redis, enqueue → done, {args.jobs} jobs one at a time: {_percentiles(times)}")
            started = time.perf_counter()
            ids = [celery.jobs.enqueue(KIND, {"burst": i}) for i in range(args.burst)]
            _wait_done(celery, ids[-1])
            for job_id in ids:
                _wait_done(celery, job_id)
            seconds = time.perf_counter() - started
            print(f"Celery + Redis, {args.burst} jobs enqueued at once, one solo worker: "
                  f"{args.burst / seconds:.0f} jobs/s ({seconds:.1f} s)")
        celery.close()
    redis.Redis.from_url(args.redis).flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())
