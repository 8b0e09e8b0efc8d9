"""A bounded load run of the text appeal POST (``/api/v1/appeals``) against a real server.

Starts ``healthpulse serve`` (waitress, as in production) on a fresh embedded
instance (SQLite + FTS5, the default) with ``HEALTHPULSE_TRUSTED_PROXIES=1``,
warms it up (the first appeal loads the NLP models), then sends N appeals with
C concurrent clients.  Every request comes from its own simulated citizen: a
distinct ``X-Forwarded-For`` through the trusted-proxy setting, so the per-address
limit never interferes and every appeal is accepted.  Prints throughput and
p50/p95 latency of the accepted appeals.

    python benchmarks/appeal_load.py [--requests 200] [--concurrency 8] [--threads 8] [--dir DIR]

As it stands the appeal's NLP analysis runs inside the request (a background
analysis job is being introduced separately), so latency is mostly analysis time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_post import JsonPoster  # noqa: E402 - the shared POST loop beside this script

APPEALS = [
    ("ru", "surgut", "drug_supply", "В аптеке окружной больницы Сургута уже две недели нет инсулина, пациенты покупают сами."),
    ("ru", "nefteyugansk", "waiting_times", "В поликлинике Нефтеюганска запись к эндокринологу только через месяц, очередь не движется."),
    ("ar", "cairo", "emergency_care", "تأخرت سيارة الإسعاف ساعتين في الوصول إلى شارع الجيزة والمريض ينتظر متألمًا."),
    ("ar", "riyadh", "staff_conduct", "عاملت موظفة الاستقبال في المستشفى والدتي المسنة بطريقة غير لائقة وصرخت عليها."),
    ("fa", "tehran", "drug_supply", "داروخانهٔ بیمارستان امام در تهران دو هفته است انسولین ندارد و بیماران سرگردان هستند."),
    ("fa", "mashhad", "facility_conditions", "سرویس بهداشتی بخش اطفال بیمارستان مشهد خراب است و کسی رسیدگی نمی‌کند."),
    ("vi", "hanoi", "waiting_times", "Bệnh viện ở Hà Nội quá tải, bệnh nhân phải chờ từ sáng đến chiều mới được khám."),
    ("vi", "hcmc", "payment_insurance", "Bệnh viện ở TP.HCM từ chối thanh toán bảo hiểm y tế cho ca mổ của mẹ tôi."),
    ("en", "leeds", "medical_error", "My father was given the wrong medication at the Leeds hospital ward and got worse overnight."),
    ("en", "manchester", "digital_services", "The Manchester clinic booking website has been down for a week and nobody answers the phone."),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def start_server(base: Path, port: int, threads: int, worker: bool) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHPULSE_")}
    env.update(HEALTHPULSE_DATABASE_URL=f"sqlite:///{base / 'hp.db'}", HEALTHPULSE_DATA_DIR=str(base / "data"),
               HEALTHPULSE_SECRET_KEY=secrets.token_hex(32), HEALTHPULSE_TRUSTED_PROXIES="1")
    cmd = [sys.executable, "-m", "healthpulse.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--threads", str(threads)] + ([] if worker else ["--no-worker"])
    log = (base / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            break
    proc.terminate()
    raise SystemExit(f"the server did not start; see {base / 'server.log'}")


class Client:
    """One keep-alive connection per thread, as a browser or an app would hold (``http_post.JsonPoster``)."""

    def __init__(self, port: int):
        self.poster = JsonPoster(port, "/api/v1/appeals")

    def post(self, body: dict[str, object], client_ip: str) -> tuple[int, float]:
        return self.poster.post(body, {"X-Forwarded-For": client_ip})


def appeal(i: int, rnd: random.Random) -> dict[str, object]:
    lang, dep, topic, text = APPEALS[i % len(APPEALS)]
    return {"language": lang, "department": dep, "topic": topic, "consent": True,
            "text": f"{text} ({rnd.randrange(10**6)})"}


def citizen_ip(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200, help="appeals to send (measured)")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads (healthpulse serve --threads)")
    ap.add_argument("--warmup", type=int, default=5, help="appeals sent first and not measured (model loading)")
    ap.add_argument("--worker", action="store_true", help="run the background worker in the server process too")
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()

    base = args.dir or Path(tempfile.mkdtemp(prefix="hp-appeal-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    t_start = time.perf_counter()
    proc = start_server(base, port, args.threads, args.worker)
    print(f"server up in {time.perf_counter() - t_start:.1f}s ({base})")
    rnd = random.Random(7)
    client = Client(port)
    try:
        t0 = time.perf_counter()
        for i in range(args.warmup):
            status, _ = client.post(appeal(i, rnd), citizen_ip(10**6 + i))
            if status != 201:
                raise SystemExit(f"warm-up appeal answered {status}; see {base / 'server.log'}")
        print(f"warm-up: {args.warmup} appeals in {time.perf_counter() - t0:.1f}s")

        bodies = [(appeal(i, rnd), citizen_ip(i)) for i in range(args.requests)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(lambda b: client.post(*b), bodies))
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    accepted = [dt for status, dt in results if status == 201]
    other: dict[int, int] = {}
    for status, _dt in results:
        if status != 201:
            other[status] = other.get(status, 0) + 1
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python "
          f"{platform.python_version()}; waitress threads={args.threads}, clients={args.concurrency}, "
          f"worker in process={'yes' if args.worker else 'no'}")
    print(f"appeals sent: {len(results)}, accepted (201): {len(accepted)}, other: {other or 'none'}")
    if accepted:
        print(f"throughput: {len(accepted) / wall:.2f} accepted appeals/s over {wall:.1f}s")
        print(f"latency: p50 {percentile(accepted, 0.50) * 1000:.0f} ms, p95 {percentile(accepted, 0.95) * 1000:.0f} ms, "
              f"mean {statistics.mean(accepted) * 1000:.0f} ms, max {max(accepted) * 1000:.0f} ms")
    return 0 if len(accepted) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
