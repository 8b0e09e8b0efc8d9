"""Scrapy settings for healthpulse spiders (polite by default).

``build_settings`` layers: these defaults → runner overrides (tests and the
benchmark shorten timeouts) → the source's own overrides (``SourceConfig``).
"""

from __future__ import annotations

from typing import Any

_pkg = "healthpulse"

DEFAULT_USER_AGENT = "healthpulse-monitor/0.1 (+https://healthpulse.example/bot; health news monitoring)"

BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "healthpulse",
    "USER_AGENT": DEFAULT_USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    # the runner installs and runs the reactor itself (see crawlers.reactor)
    "TWISTED_REACTOR": None,
    "LOG_LEVEL": "WARNING",
    "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG",  # duplicates are counted, not warned about
    "LOG_ENABLED": True,
    # politeness
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "DOWNLOAD_DELAY": 0.25,
    "DOWNLOAD_DELAY_JITTER": 0.5,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    # failures
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
    "DEPTH_LIMIT": 4,
    # a stuck source must not hold the run (and every other source's hand-off) forever
    "CLOSESPIDER_TIMEOUT": 1800,
    "HTTPERROR_ALLOWED_CODES": [],
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        f"{_pkg}.crawlers.middlewares.SharedRobotsTxtMiddleware": 100,
        f"{_pkg}.crawlers.middlewares.ConditionalGetMiddleware": 580,
    },
    # HTTP(S) as Scrapy's own handler, after taking the host's slot shared with other crawler processes
    "DOWNLOAD_HANDLERS": {
        "http": f"{_pkg}.crawlers.handlers.SharedPolitenessHandler",
        "https": f"{_pkg}.crawlers.handlers.SharedPolitenessHandler",
    },
    "ITEM_PIPELINES": {
        f"{_pkg}.crawlers.pipelines.CleanPipeline": 100,
        f"{_pkg}.crawlers.pipelines.DedupPipeline": 300,
        f"{_pkg}.crawlers.pipelines.HandoffPipeline": 900,
    },
}


def build_settings(overrides: dict[str, Any] | None = None, source_overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = dict(BASE_SETTINGS)
    settings.update(overrides or {})
    settings.update(source_overrides or {})
    return settings
