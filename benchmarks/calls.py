"""A bounded load run of the hotline's call events (``POST /api/v1/calls/events``) against a real server.

Starts ``healthpulse serve`` (waitress, as in production) on a fresh embedded instance (SQLite + FTS5), creates a
``pbx`` account and token with the CLI, then posts call events at a fixed rate (default 50/s for 60 s: the peak
of a 937-sized centre) from a pool of clients, each event once, plus a share of deliberate repeats (a PBX
retrying).  Prints p50/p95 acceptance latency and checks the database afterwards: every distinct event stored
once (0 lost, 0 duplicated).

    python benchmarks/calls.py [--rate 50] [--seconds 60] [--repeat-share 0.05] [--threads 8] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from appeal_load import cpu_model, free_port, percentile, start_server  # noqa: E402 - the sibling script's helpers
from http_post import JsonPoster  # noqa: E402

IVR = ["1", "1-1", "2", "2-1", "101", "104", "105", "9"]


def cli(base: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHPULSE_")}
    env.update(HEALTHPULSE_DATABASE_URL=f"sqlite:///{base / 'hp.db'}", HEALTHPULSE_DATA_DIR=str(base / "data"),
               BENCH_PASSWORD="benchmark-password-1")
    out = subprocess.run([sys.executable, "-m", "healthpulse.cli", *args], env=env, check=True, capture_output=True)
    return out.stdout.decode().strip()


def events(n_calls: int, rnd: random.Random) -> list[dict[str, str]]:
    """newCall, answer (4 in 5 calls) and hangup for each call, interleaved across calls as a PBX would send."""
    out: list[dict[str, str]] = []
    for i in range(n_calls):
        call = f"bench-{i}"
        seq = [{"event": "newCall", "callId": call, "from": f"+7900{rnd.randrange(10**7):07d}", "to": "1900",
                "direction": "inbound", "ivr": rnd.choice(IVR)}]
        if rnd.random() < 0.8:
            seq.append({"event": "answer", "callId": call, "user": f"op-{rnd.randrange(30)}"})
        seq.append({"event": "hangup", "callId": call, "cause": "normalClearing"})
        out.extend(seq)
    return out


class Client:
    """The pbx account's token on every event (``http_post.JsonPoster``: one keep-alive connection per thread)."""

    def __init__(self, port: int, token: str):
        self.poster = JsonPoster(port, "/api/v1/calls/events", {"Authorization": f"Bearer {token}"}, timeout=60)

    def post(self, body: dict[str, str]) -> tuple[int, float]:
        return self.poster.post(body)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=50.0, help="events per second")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat-share", type=float, default=0.05, help="share of events sent twice (PBX retries)")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="hp-calls-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    cli(base, "migrate")
    cli(base, "users", "add", "bench-pbx", "--role", "pbx", "--password-env", "BENCH_PASSWORD")
    token = cli(base, "users", "token", "bench-pbx").split()[-1]
    port = free_port()
    proc = start_server(base, port, args.threads, worker=False)
    rnd = random.Random(19)
    total = int(args.rate * args.seconds)
    distinct = events(total // 2 + 1, rnd)[:total]
    sent = list(distinct)
    for ev in rnd.sample(distinct, int(len(distinct) * args.repeat_share)):
        sent.insert(rnd.randrange(len(sent)), ev)
    client = Client(port, token)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def fire(ev: dict[str, str]) -> None:
        r = client.post(ev)
        with lock:
            results.append(r)

    try:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            for i, ev in enumerate(sent):
                delay = t0 + i / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(fire, ev)
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)
    with sqlite3.connect(base / "hp.db") as db:
        stored = db.execute("SELECT count(*) FROM call_events").fetchone()[0]
        unique = db.execute("SELECT count(*) FROM (SELECT DISTINCT call_id, event FROM call_events)").fetchone()[0]
    ok = [lat for status, lat in results if status == 200]
    failed = len(results) - len(ok)
    report = {
        "events_sent": len(sent), "distinct_events": len(distinct), "repeats_sent": len(sent) - len(distinct),
        "wall_s": round(wall, 1), "rate_achieved_per_s": round(len(sent) / wall, 1), "http_errors": failed,
        "p50_ms": round(1000 * percentile(ok, 0.5), 1) if ok else None,
        "p95_ms": round(1000 * percentile(ok, 0.95), 1) if ok else None,
        "stored": stored, "lost": len(distinct) - unique, "duplicated": stored - unique,
        "cpu": cpu_model(), "load_avg": os.getloadavg()[0],
    }
    print(json.dumps(report, indent=2))
    return 0 if report["lost"] == 0 and report["duplicated"] == 0 and failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
