"""Sources file model: which sites to crawl, how, and how often.

```yaml
sources:
  - id: ugra-news
    kind: rss                 # rss | atom | sitemap | html | telegram | vk | youtube
    url: https://example.org/rss.xml
    language: ru
    department: surgut
    link_selector: "a.news"   # html listings only
    schedule: 10m
    concurrency: 2            # per-source overrides (Scrapy custom_settings)
    download_delay: 0.5
  - {id: tg-ugra, kind: telegram, channel: ugra_health}      # base_url: https://t.me (default)
  - {id: vk-ugra, kind: vk, domain: ugra_health}             # or owner_id: -123; token from HEALTHPULSE_VK_TOKEN
  - {id: yt-ugra, kind: youtube, feed_url: "https://www.youtube.com/feeds/videos.xml?channel_id=UC…", transcribe: true}
```
Each kind has its own keys (``url`` for news kinds, ``channel`` / ``base_url`` / ``depth`` for
telegram, ``domain`` or ``owner_id`` (and ``comments: true``) for vk, ``feed_url`` / ``transcribe`` for youtube); a key of
another kind, or a missing one, is an error at that key.
Validated with ``core.config_files`` (``read_yaml`` + ``validate_data``) so an error names the
file, the line, the entry id and the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from healthpulse.core.config_files import (
    ConfigError,
    ConfigIssue,
    duplicate_id,
    line_of,
    loc_to_str,
    read_yaml,
    validate_data,
)
from healthpulse.core.domain import LANGUAGES
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

SourceKind = Literal["rss", "atom", "sitemap", "html", "telegram", "vk", "youtube"]
NEWS_KINDS = ("rss", "atom", "sitemap", "html")
SOCIAL_KINDS = ("telegram", "vk", "youtube")
DEFAULT_TELEGRAM_BASE = "https://t.me"
# Keys that belong to one group of kinds only (the others are shared: id, schedule, politeness …).
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "url": NEWS_KINDS,
    "link_selector": ("html",),
    "follow_pages": ("html",),
    "refetch_seen": NEWS_KINDS,
    "channel": ("telegram",),
    "base_url": ("telegram",),
    "depth": ("telegram", "vk"),
    "domain": ("vk",),
    "owner_id": ("vk",),
    "comments": ("vk",),
    "feed_url": ("youtube",),
    "transcribe": ("youtube",),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "rss": ("url",), "atom": ("url",), "sitemap": ("url",), "html": ("url", "link_selector"),
    "telegram": ("channel",), "youtube": ("feed_url",),
}
_SCHEDULE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


def _at(key: str, message: str) -> PydanticCustomError:
    """A model-level error placed at one key (``core.config_files`` adds ``at`` to the location)."""
    return PydanticCustomError("source_key", message, {"at": (key,)})


def parse_schedule(text: str) -> int:
    """``"10m"`` → 600 seconds; raises ValueError with the accepted forms."""
    match = _SCHEDULE.match(str(text))
    if not match:
        raise ValueError(f"schedule {text!r} is not like 30s, 10m, 1h or 1d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < 10:
        raise ValueError("schedule must be at least 10s")
    return seconds


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: SourceKind
    url: str | None = None
    language: str | None = None
    department: str | None = None
    link_selector: str | None = None
    schedule: str = "1h"
    enabled: bool = True
    # Per-source overrides, applied as Scrapy custom_settings.
    concurrency: int | None = Field(default=None, ge=1, le=64)
    download_delay: float | None = Field(default=None, ge=0, le=600)
    download_timeout: float | None = Field(default=None, gt=0, le=600)
    retry_times: int | None = Field(default=None, ge=0, le=10)
    autothrottle: bool | None = None
    obey_robots: bool | None = None
    user_agent: str | None = None
    max_articles: int | None = Field(default=None, ge=1)
    follow_pages: int = Field(default=0, ge=0, le=50, description="html: listing pages to follow via rel=next")
    refetch_seen: bool = Field(default=False, description="re-request known articles conditionally instead of skipping")
    # social kinds
    channel: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,64}$", description="telegram: public channel name")
    base_url: str | None = Field(default=None, description="telegram: preview host (default https://t.me)")
    depth: int = Field(default=3, ge=1, le=100, description="telegram/vk: pages read back on a source's first run")
    domain: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.]{2,100}$", description="vk: wall short name")
    owner_id: int | None = Field(default=None, description="vk: wall owner id (negative for communities)")
    comments: bool = Field(default=False, description="vk: read each new post's comments (wall.getComments) as documents")
    feed_url: str | None = Field(default=None, description="youtube: the channel's Atom feed")
    transcribe: bool = Field(default=False, description="youtube: fetch each new video's audio and transcribe it")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be lower-case letters, digits, '-', '_' or '.' (max 100)")
        return value

    @field_validator("url", "base_url", "feed_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an absolute http(s) URL")
        return value

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str) -> str:
        parse_schedule(value)
        return value

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> SourceConfig:
        """Each kind's own keys: required ones present, other kinds' keys absent (the error points at the key)."""
        for key, kinds in _KIND_KEYS.items():
            if self.kind not in kinds and key in self.model_fields_set:
                raise _at(key, f"{key} is only for kind {' | '.join(kinds)}, not {self.kind}")
        for key in _REQUIRED.get(self.kind, ()):
            if getattr(self, key) in (None, ""):
                raise _at(key, f"{key} is required for kind {self.kind}")
        if self.kind == "vk" and (self.domain is None) == (self.owner_id is None):
            raise _at("domain", "kind vk needs exactly one of domain or owner_id")
        return self

    @property
    def start_url(self) -> str:
        """The first URL fetched: the feed / listing, the channel's preview page, the video feed or the wall."""
        if self.kind == "telegram":
            return f"{self.telegram_base}/s/{self.channel}"
        if self.kind == "youtube":
            return str(self.feed_url)
        if self.kind == "vk":
            return f"vk:{self.domain or self.owner_id}"
        return str(self.url)

    @property
    def telegram_base(self) -> str:
        return (self.base_url or DEFAULT_TELEGRAM_BASE).rstrip("/")

    @property
    def schedule_seconds(self) -> int:
        return parse_schedule(self.schedule)

    def scrapy_overrides(self) -> dict[str, Any]:
        """The per-source overrides as Scrapy settings."""
        out: dict[str, Any] = {}
        if self.kind in ("telegram", "vk"):  # pages chain one after another; ``depth`` bounds them, not DEPTH_LIMIT
            out["DEPTH_LIMIT"] = 0
        if self.concurrency is not None:
            out["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.concurrency
        if self.download_delay is not None:
            out["DOWNLOAD_DELAY"] = self.download_delay
        if self.download_timeout is not None:
            out["DOWNLOAD_TIMEOUT"] = self.download_timeout
        if self.retry_times is not None:
            out["RETRY_TIMES"] = self.retry_times
        if self.autothrottle is not None:
            out["AUTOTHROTTLE_ENABLED"] = self.autothrottle
        if self.obey_robots is not None:
            out["ROBOTSTXT_OBEY"] = self.obey_robots
        if self.user_agent:
            out["USER_AGENT"] = self.user_agent
        return out


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[SourceConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: dict[str, int] = {}
        for i, src in enumerate(self.sources):
            if src.id in seen:
                raise duplicate_id("source", src.id, "sources", i, seen[src.id])
            seen[src.id] = i
        return self


def load_sources(path: str | Path, department_ids: set[str] | None = None) -> SourcesFile:
    """Load and validate a sources file; with ``department_ids`` also check each ``department``."""
    data, root = read_yaml(path)
    model = validate_data(path, SourcesFile, data, root)
    if department_ids is not None:
        problems = []
        known = ", ".join(sorted(department_ids)) or "none"
        for i, src in enumerate(model.sources):
            if src.department is not None and src.department not in department_ids:
                loc = ("sources", i, "department")
                problems.append(ConfigIssue(str(path), line_of(root, loc), loc_to_str(loc),
                                            f"unknown department {src.department!r} (known: {known})",
                                            "unknown_department", src.id, {"value": src.department}))
        if problems:
            raise ConfigError(path, problems)
    return model


def due_sources(sources: Sequence[SourceConfig], last_finished: dict[str, datetime],
                now: datetime) -> tuple[list[SourceConfig], float]:
    """Enabled sources whose schedule has come round since their last finished run (never run: due), and
    the seconds until the next one is due; one rule for the crawl loop and for beat's ticks."""
    due, wait = [], float("inf")
    for src in sources:
        if not src.enabled:
            continue
        previous = last_finished.get(src.id)
        remaining = src.schedule_seconds - (now - previous).total_seconds() if previous else 0
        if remaining <= 0:
            due.append(src)
        else:
            wait = min(wait, remaining)
    return due, wait
