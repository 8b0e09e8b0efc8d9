"""Crawler throughput against the local fixture site, beside a ``scrapy bench``-style raw fetch.

Both runs use the same machine, the same HTTP server (``tests/fixtures/site``
with N synthetic articles behind one RSS feed), the same reactor and the same
concurrency; politeness delays (DOWNLOAD_DELAY, AutoThrottle) are off for both
so the figures measure the crawler's own cost, not the configured waiting.

- raw fetch: a bare Scrapy spider that follows the feed's links and does
  nothing with the pages (what ``scrapy bench`` measures);
- full crawl: the production ``FeedSpider`` + item pipelines — charset
  decoding, trafilatura extraction, date parsing, URL canonicalisation,
  content hash, MinHash/LSH story grouping, crawl-state reads/writes in SQLite —
  handing documents to a sink that only collects them (NLP and the store are
  measured by benchmarks/analyze.py and the core pipeline, not here).

Usage: python benchmarks/crawl.py [--articles 300] [--write crawl-results.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import scrapy
import sqlalchemy as sa
from healthpulse.core.models.crawl import CrawlRun, CrawlStoryFingerprint, CrawlUrl
from healthpulse.crawlers.reactor import reactor
from healthpulse.crawlers.runner import CrawlRunner
from healthpulse.crawlers.settings import build_settings
from healthpulse.crawlers.sources import SourceConfig
from scrapy.crawler import CrawlerRunner as ScrapyRunner
from twisted.internet import threads

ROOT = Path(__file__).resolve().parents[1]
SITE_SERVER = ROOT / "tests" / "fixtures" / "site" / "server.py"
SPEED = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR",
}


class RawFetchSpider(scrapy.Spider):
    """``scrapy bench``-style: fetch the feed, follow every link, discard the pages."""

    name = "raw-fetch"
    pages = 0

    def __init__(self, feed_url: str, **kwargs):
        super().__init__(**kwargs)
        self.feed_url = feed_url

    async def start(self):
        yield scrapy.Request(self.feed_url, callback=self.parse_feed)

    def parse_feed(self, response):
        for link in re.findall(rb"<link>([^<]+)</link>", response.body):
            url = link.decode()
            if "/bench/a/" in url:
                yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response):
        type(self).pages += 1


def run_raw(feed_url: str) -> tuple[int, float]:
    RawFetchSpider.pages = 0
    settings = build_settings({**SPEED, "ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}})
    settings.pop("HEALTHPULSE_RUN_CONTEXT", None)

    def go():
        return ScrapyRunner(settings).crawl(RawFetchSpider, feed_url=feed_url)

    start = time.perf_counter()
    threads.blockingCallFromThread(reactor(), go)
    return RawFetchSpider.pages, time.perf_counter() - start


def run_full(feed_url: str, db_path: Path, workers: int) -> tuple[int, int, float]:
    engine = sa.create_engine(f"sqlite:///{db_path}")
    for table in (CrawlUrl, CrawlRun, CrawlStoryFingerprint):
        table.__table__.create(engine)
    docs: list = []
    with CrawlRunner(engine, docs.extend, scrapy_settings=SPEED, batch_size=50, extract_workers=workers) as runner:
        runner.extractor.warm()  # worker start-up is a once-per-process cost, not per page
        source = SourceConfig(id="bench", kind="rss", url=feed_url, obey_robots=True)
        start = time.perf_counter()
        report = runner.run_once([source])
        elapsed = time.perf_counter() - start
    stats = report.by_source()["bench"]
    return stats.fetched, len(docs), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="extraction worker processes for the second full run")
    parser.add_argument("--write", metavar="FILE", help="also write the figures as Markdown to FILE")
    args = parser.parse_args()

    # the site runs in its own process so serving pages does not compete with the crawler for the GIL
    server = subprocess.Popen(
        [sys.executable, str(SITE_SERVER), str(args.articles)], stdout=subprocess.PIPE, text=True
    )
    base = server.stdout.readline().strip()  # type: ignore[union-attr]
    feed = base + "/bench/feed.xml"
    try:
        run_raw(feed)  # warm-up: reactor, DNS cache, server threads
        raw_pages, raw_s = run_raw(feed)
        full = {}
        for workers in (0, args.workers):
            with tempfile.TemporaryDirectory() as tmp:
                full[workers] = run_full(feed, Path(tmp) / "bench.db", workers)
    finally:
        server.terminate()
        server.wait(10)

    raw_rate = raw_pages / raw_s
    lines = [
        f"# Crawl benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Scrapy {scrapy.__version__}, load average {os.getloadavg()[0]:.1f} at the end; local fixture site on 127.0.0.1, {args.articles} article pages behind one RSS feed; "
        "served by a separate process; no politeness delays (both runs), concurrency 16.",
        "",
        "| run | pages | seconds | pages/s | extracted docs/s |",
        "|---|---:|---:|---:|---:|",
        f"| raw fetch (scrapy bench style) | {raw_pages} | {raw_s:.2f} | {raw_rate:.1f} | – |",
    ]
    for workers, (fetched, docs, full_s) in full.items():
        how = "inline extraction" if workers == 0 else f"{workers} extraction workers"
        lines.append(
            f"| full crawl, {how} (extract + dedup + state) | {fetched} | {full_s:.2f} | {fetched / full_s:.1f} "
            f"| {docs / full_s:.1f} |"
        )
    lines.append("")
    for workers, (fetched, docs, full_s) in full.items():
        lines.append(
            f"- full crawl ({workers} workers) / raw fetch, pages/s: **{(fetched / full_s) / raw_rate:.2f}** "
            f"(documents extracted: {docs} of {args.articles})"
        )
    lines += [
        "",
        "Full-crawl pages include robots.txt and the feed; the sink only collects documents (NLP excluded).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        Path(args.write).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
