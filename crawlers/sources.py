"""Sources file model: which sites to crawl, how, and how often.

```yaml
sources:
  - id: ugra-news
    kind: rss                 # rss | atom | sitemap | html
    url: https://example.org/rss.xml
    language: ru
    department: surgut
    link_selector: "a.news"   # html listings only
    schedule: 10m
    concurrency: 2            # per-source overrides (Scrapy custom_settings)
    download_delay: 0.5
```
Validated with ``core.config_files`` (``read_yaml`` + ``validate_data``) so an error names the
file, the line, the entry id and the key.
"""

from __future__ import annotations

import re
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

SourceKind = Literal["rss", "atom", "sitemap", "html"]
_SCHEDULE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


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
    url: str
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

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be lower-case letters, digits, '-', '_' or '.' (max 100)")
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("url must be an absolute http(s) URL")
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
    def _html_needs_selector(self) -> SourceConfig:
        if self.kind == "html" and not self.link_selector:
            raise ValueError("link_selector is required for kind html")
        return self

    @property
    def schedule_seconds(self) -> int:
        return parse_schedule(self.schedule)

    def scrapy_overrides(self) -> dict[str, Any]:
        """The per-source overrides as Scrapy settings."""
        out: dict[str, Any] = {}
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
