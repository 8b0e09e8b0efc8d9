"""State shared by the spiders and item pipelines of one crawl run.

Scrapy deep-copies settings per crawler; ``RunContext.__deepcopy__`` returns
the same object so every source of a run shares one story index, one
in-run duplicate registry and one hand-off queue.  Only the reactor thread
mutates it during the run, except the counters the main thread updates after
hand-off (guarded by a lock).
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from healthpulse.core.settings import CrawlSettings
from healthpulse.crawlers.coordination import Coordination, LocalCoordination
from healthpulse.crawlers.dedup import StoryIndex
from healthpulse.crawlers.extract_pool import ExtractionPool
from healthpulse.crawlers.sources import SourceConfig
from healthpulse.crawlers.state import CrawlStateStore, Validators

CONTEXT_SETTING = "HEALTHPULSE_RUN_CONTEXT"
SOURCE_SETTING = "HEALTHPULSE_SOURCE"


@dataclass
class HandoffMessage:
    """What the reactor thread sends the main thread: a document or a duplicate to remember."""

    kind: str  # "document" | "duplicate" | "listing" | "cursor" | "finished"
    source_id: str = ""
    payload: Any = None


@dataclass
class RunContext:
    run_id: str
    state: CrawlStateStore
    story_index: StoryIndex
    now: Callable[[], datetime]
    sources: dict[str, SourceConfig]
    extractor: ExtractionPool = field(default_factory=ExtractionPool)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    dry_run: bool = False  # `healthpulse sources check`: one fetch per source, count what it holds, keep nothing
    coordination: Coordination = field(default_factory=LocalCoordination)  # other crawler processes
    outbox: queue.Queue[HandoffMessage] = field(default_factory=queue.Queue)
    run_content_hashes: dict[str, str] = field(default_factory=dict)
    run_url_hashes: set[str] = field(default_factory=set)
    run_requested: set[str] = field(default_factory=set)
    stats: dict[str, Counter[str]] = field(default_factory=dict)
    robots_parsers: dict[str, Any] = field(default_factory=dict)  # netloc → parser, shared by the run's crawlers
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __deepcopy__(self, memo: dict[int, Any]) -> RunContext:
        return self

    def count(self, source_id: str, key: str, n: int = 1) -> None:
        with self._lock:
            self.stats.setdefault(source_id, Counter())[key] += n

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {k: dict(v) for k, v in self.stats.items()}

    def send(self, kind: str, source_id: str = "", payload: Any = None) -> None:
        self.outbox.put(HandoffMessage(kind, source_id, payload))

    def listing_fetched(self, source_id: str, url: str, validators: Validators) -> None:
        self.send("listing", source_id, (url, validators))
