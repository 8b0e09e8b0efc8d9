"""Behaviour every source spider shares: fetch the listing, follow new articles, extract.

A concrete spider only implements ``article_links(response)`` for its kind
(feed entries, sitemap URLs, listing-page anchors).  Listing requests are
conditional (ETag / Last-Modified); article links already in the seen-URL
store are not requested again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from healthpulse.crawlers.context import CONTEXT_SETTING, SOURCE_SETTING, RunContext
from healthpulse.crawlers.dates import parse_date
from healthpulse.crawlers.items import ArticleItem
from healthpulse.crawlers.middlewares import CONDITIONAL_META, NotModifiedRequest, response_validators
from healthpulse.crawlers.sources import SourceConfig
from healthpulse.crawlers.urls import url_hash
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure


@dataclass
class ArticleLink:
    url: str
    title: str | None = None
    published: str | None = None  # raw date text from the feed / sitemap


class NewsSpider(scrapy.Spider):
    """Base of the per-kind spiders; ``name`` and ``custom_settings`` are set per source by the runner."""

    name = "news"
    source: SourceConfig
    context: RunContext
    _queued: int = 0  # article requests made by this spider (for max_articles)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = crawler.settings[CONTEXT_SETTING]
        spider.source = spider.context.sources[crawler.settings[SOURCE_SETTING]]
        spider._queued = 0
        return spider

    # -- helpers -----------------------------------------------------------------
    def count(self, key: str, n: int = 1) -> None:
        self.context.count(self.source.id, key, n)

    def listing_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.on_error, dont_filter=True,
            meta={CONDITIONAL_META: True, "hp_kind": "listing"},
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.listing_request(self.source.start_url)

    # -- listing -----------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self.count("listings")
        if self.context.dry_run:
            self.count("found", len(list(self.article_links(response))))
            return
        self.context.listing_fetched(self.source.id, response.url, response_validators(response))
        requested = response.request.url if response.request is not None else response.url
        if response.url != requested:  # redirected: remember the validators under both URLs
            self.context.listing_fetched(self.source.id, requested, response_validators(response))
        yield from self.follow_articles(self.article_links(response))
        yield from self.more_listings(response)

    def article_links(self, response: Response) -> Iterable[ArticleLink]:
        raise NotImplementedError

    def more_listings(self, response: Response) -> Iterable[scrapy.Request]:
        return ()

    def follow_articles(self, links: Iterable[ArticleLink]) -> Iterator[scrapy.Request]:
        limit = self.source.max_articles
        for link in links:
            if limit is not None and self._queued >= limit:
                self.count("over_limit")
                continue
            key = url_hash(link.url)
            if key in self.context.run_requested:
                self.count("skipped_in_run")
                continue
            seen = self.context.state.is_seen_article(link.url)
            if seen and not self.source.refetch_seen:
                self.count("skipped_seen")
                continue
            if not self.context.dry_run and not self.context.coordination.claim_url(key):
                self.count("claimed_elsewhere")  # another crawler process is fetching it (crawlers.coordination)
                continue
            self._queued += 1
            self.context.run_requested.add(key)
            self.count("article_requests")
            # dont_filter: in-run dedup is ``run_requested`` (canonical URL keys); leaving Scrapy's
            # dupefilter out lets redirect loops reach REDIRECT_MAX_TIMES and be reported.
            yield scrapy.Request(
                link.url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                meta={"hp_kind": "article", "hp_link": link, CONDITIONAL_META: seen},
            )

    # -- article -----------------------------------------------------------------
    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        link: ArticleLink = response.meta["hp_link"]
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if content_type and "html" not in content_type and "xml" not in content_type:
            self.count("not_html")
            return
        header_charset = content_type.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in content_type else None
        # CPU-bound: in a worker process when the run has extraction workers (crawlers.extract_pool)
        article, encoding = await self.context.extractor.extract(
            response.body, header_charset, response.url, self.source.language
        )
        if article is None:
            self.count("no_text")
            return
        published = article.published_at or parse_date(link.published, article.language)
        validators = response_validators(response)
        yield ArticleItem(
            source_id=self.source.id, url=link.url, response_url=response.url,
            canonical_url=article.canonical_url, title=article.title or link.title, text=article.text,
            author=article.author, published_at=published, language=article.language or self.source.language,
            department=self.source.department, encoding=encoding,
            etag=validators.etag, last_modified=validators.last_modified,
        )

    # -- failures ----------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        if failure.check(NotModifiedRequest):
            return
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.count("robots_disallowed")
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            self.count(f"http_{status}")
            self.logger.warning("source=%s url=%s http_status=%s", self.source.id, url, status)
        elif failure.check(IgnoreRequest):
            reason = "redirect_loop" if "redirection" in str(failure.value) else "ignored"
            self.count(reason)
            self.logger.warning("source=%s url=%s %s=%s", self.source.id, url, reason, failure.value)
        else:
            self.count(f"error_{type(failure.value).__name__}")
            self.logger.warning("source=%s url=%s error=%s", self.source.id, url, failure.value)
        self.count("errors")
