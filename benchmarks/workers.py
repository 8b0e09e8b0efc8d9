"""End-to-end appeal throughput with NLP on: 1 Celery worker against 2 (issue 17, item 6).

Rounds: 1 worker with as many NLP threads as cores; 2 workers with as many each (oversubscribed); 2 workers
with half each (``HEALTHPULSE_NLP_THREADS``, what a deployment should set).

Each round starts ``healthpulse worker`` processes (distributed mode: Celery + Redis, PostgreSQL as the
shared database — ``scripts/services.sh start pg redis``), warms each one up (its first appeal loads the
NLP models), then queues N text appeals at once (``appeals.analyse`` jobs: analysis, store, routing, a
ticket) and times until every one has its ticket. Prints appeals/s per round and the ratio.

    python benchmarks/workers.py [--appeals 60] [--pg URL] [--redis redis://127.0.0.1:56379/8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from healthpulse.appeals.intake import ANALYSE_JOB, submit_text_appeal
from healthpulse.core.models.documents import JobRow
from healthpulse.core.settings import load_settings
from healthpulse.wiring.container import build_container
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from appeal_load import APPEALS  # noqa: E402 - the same ten appeals in five languages


def _database(pg_url: str) -> str:
    """A fresh database on the PostgreSQL server, for one run."""
    name = f"hp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return pg_url.rsplit("/", 1)[0] + "/" + name


def _done(container) -> int:  # type: ignore[no-untyped-def]
    with container.session() as s:
        return int(s.scalar(select(func.count()).select_from(JobRow)
                            .where(JobRow.kind == ANALYSE_JOB, JobRow.state == "done")) or 0)


def _submit(container, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        lang, department, topic, body = APPEALS[i % len(APPEALS)]
        submit_text_appeal(container, text=f"{body} ({i})", consent=True, department_id=department, topic=topic,
                           language=lang)


def _wait(container, target: int, seconds: float = 1800) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while _done(container) < target:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {_done(container)} of {target} appeals analysed in {seconds:.0f} s")
        time.sleep(0.2)


def round_trip(workers: int, threads: int, appeals: int, pg_url: str, broker: str, tmp: Path) -> float:
    db_url = _database(pg_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHPULSE_")}
    env.update(HEALTHPULSE_DATABASE_URL=db_url, HEALTHPULSE_BROKER_URL=broker, HEALTHPULSE_DATA_DIR=str(tmp / "data"),
               HEALTHPULSE_SECRET_KEY="bench-secret", HEALTHPULSE_NLP_THREADS=str(threads))
    settings = load_settings(None, database_url=db_url, broker_url=broker, data_dir=tmp / "data", secret_key="bench-secret")
    container = build_container(settings, analyzer=None, index=None, embedder=None)
    procs = [subprocess.Popen([sys.executable, "-m", "healthpulse.cli", "worker", "--queues", "default",
                               "--hostname", f"bench{i}@%h"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(tmp / f"worker{workers}-{i}.log", "w"))  # noqa: SIM115 - closed with the process
             for i in range(workers)]
    try:
        _submit(container, 4 * workers)  # warm-up: every worker loads the models on its first appeal
        _wait(container, 4 * workers)
        started = time.perf_counter()
        _submit(container, appeals)
        _wait(container, 4 * workers + appeals)
        seconds = time.perf_counter() - started
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(60)
        container.close()
    rate = appeals / seconds
    print(f"{workers} worker(s) × {threads} NLP thread(s): {appeals} appeals analysed and ticketed in {seconds:.1f} s "
          f"= {rate:.2f} appeals/s")
    return rate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--appeals", type=int, default=60)
    ap.add_argument("--pg", default=os.environ.get("HEALTHPULSE_TEST_POSTGRES_URL",
                                                   "postgresql+psycopg://postgres@127.0.0.1:55432/healthpulse_test"))
    ap.add_argument("--redis", default="redis://127.0.0.1:56379/8")
    args = ap.parse_args(argv)
    redis.Redis.from_url(args.redis).flushdb()
    cores = os.cpu_count() or 2
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers, threads in ((1, cores), (2, cores), (2, max(1, cores // 2))):
            redis.Redis.from_url(args.redis).flushdb()
            rates[workers, threads] = round_trip(workers, threads, args.appeals, args.pg, args.redis, Path(tmp))
    one = rates[1, cores]
    for (workers, threads), rate in rates.items():
        if workers == 2:
            print(f"2 workers × {threads} thread(s) / 1 worker × {cores}: {rate / one:.2f}× ({cores} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
