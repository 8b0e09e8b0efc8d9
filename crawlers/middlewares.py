"""Downloader middleware for incremental crawling.

``ConditionalGetMiddleware`` sends ``If-None-Match`` / ``If-Modified-Since``
from the stored validators of feeds, sitemaps and listing pages (and of
known articles when a source asks to re-check them), turns a 304 into a
``NotModifiedRequest`` (nothing to parse, nothing to store) and records the
validators of fresh 200 responses for the runner to persist.
"""

from __future__ import annotations

from typing import Any

from healthpulse.crawlers.context import CONTEXT_SETTING, SOURCE_SETTING, RunContext
from healthpulse.crawlers.state import Validators
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

CONDITIONAL_META = "hp_conditional"


class NotModifiedRequest(IgnoreRequest):
    """The server answered 304: the stored copy is current."""


def response_validators(response: Response) -> Validators:
    etag = response.headers.get(b"ETag")
    last_modified = response.headers.get(b"Last-Modified")
    return Validators(
        etag.decode("latin-1")[:255] if etag else None,
        last_modified.decode("latin-1")[:64] if last_modified else None,
    )


class ConditionalGetMiddleware:
    def __init__(self, context: RunContext, source_id: str):
        self.context = context
        self.source_id = source_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler.settings[CONTEXT_SETTING], crawler.settings[SOURCE_SETTING])

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get(CONDITIONAL_META):
            return None
        stored = self.context.state.validators(request.url)
        if stored is not None:
            if stored.etag:
                request.headers[b"If-None-Match"] = stored.etag.encode("latin-1")
            if stored.last_modified:
                request.headers[b"If-Modified-Since"] = stored.last_modified.encode("latin-1")
            self.context.count(self.source_id, "conditional_requests")
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        if response.status == 304 and request.meta.get(CONDITIONAL_META):
            self.context.count(self.source_id, "not_modified")
            raise NotModifiedRequest(f"not modified: {request.url}")
        return response


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt fetched once per host per run, shared by every source crawler of the run.

    Scrapy keeps parsed robots.txt per crawler; with one crawler per source,
    five sources on one site would fetch it five times.  The parsers (or the
    pending Deferred of the first fetch) live in the run context instead.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._parsers = crawler.settings[CONTEXT_SETTING].robots_parsers
