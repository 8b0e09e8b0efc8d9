"""Social-source crawl throughput (posts/s) against local fakes of Telegram's preview and VK's API.

The fakes (tests/fixtures/social/server.py, run in their own process) serve N posts per service; the
production spiders and item pipelines run as in ``healthpulse crawl`` — preview parsing or API JSON,
canonical URLs, content hash, MinHash story grouping, crawl-state reads — handing documents to a sink
that only collects them (NLP and the store are measured by benchmarks/ingest.py).  Politeness delays
are off so the figure is the crawler's own cost; a real channel is read at the configured pace.

Usage: python benchmarks/social_crawl.py [--posts 1000]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from healthpulse.core.models.crawl import CrawlCursor, CrawlRun, CrawlStoryFingerprint, CrawlUrl
from healthpulse.core.settings import CrawlSettings
from healthpulse.crawlers.runner import CrawlRunner
from healthpulse.crawlers.sources import SourceConfig
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "tests" / "fixtures" / "social" / "server.py"
SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR"}


def run(source: SourceConfig, base: str) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        for table in (CrawlUrl, CrawlRun, CrawlStoryFingerprint, CrawlCursor):
            table.__table__.create(engine)
        docs: list = []
        crawl = CrawlSettings(f"{base}/method", SecretStr("good-token"))
        with CrawlRunner(engine, docs.extend, scrapy_settings=SPEED, batch_size=50, crawl_settings=crawl) as runner:
            start = time.perf_counter()
            runner.run_once([source])
            return len(docs), time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, str(SERVER), str(args.posts)], stdout=subprocess.PIPE, text=True)
    base = server.stdout.readline().strip()  # type: ignore[union-attr]
    try:
        tg = SourceConfig(id="bench-tg", kind="telegram", channel="bench", base_url=base,
                          depth=min(100, math.ceil(args.posts / 20)))
        vk = SourceConfig(id="bench-vk", kind="vk", domain="bench_wall", depth=min(100, math.ceil(args.posts / 100)))
        run(tg, base)  # warm-up: reactor, imports
        rows = [(name, *run(src, base)) for name, src in (("Telegram preview", tg), ("VK wall.get", vk))]
    finally:
        server.terminate()
        server.wait(10)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.posts} posts per source")
    print("| source | posts | seconds | posts/s |\n|---|---:|---:|---:|")
    for name, posts, seconds in rows:
        print(f"| {name} | {posts} | {seconds:.2f} | {posts / seconds:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
