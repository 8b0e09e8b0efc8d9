"""The HTTP(S) download handler: Scrapy's own, after the host's slot shared by every crawler process.

Scrapy's delay and AutoThrottle hold per process; with several crawler processes on one sources file
(crawlers.coordination) a host would see their sum. A downloader middleware cannot hold the line:
Scrapy queues a request in its per-domain slot (delay, concurrency) *after* the middlewares, so a slot
taken there is not when the request leaves. The download handler runs when it leaves: it takes the
host's shared slot (one request per ``DOWNLOAD_DELAY`` across processes) or waits the slot's
remaining time and tries again. Single-process crawls (``LocalCoordination``) never wait here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from healthpulse.crawlers.context import CONTEXT_SETTING
from healthpulse.crawlers.coordination import LocalCoordination
from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


class SharedPolitenessHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        context = crawler.settings.get(CONTEXT_SETTING)
        self._coordination = context.coordination if context is not None else LocalCoordination()
        self._delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    async def download_request(self, request: Request) -> Response:
        # Deferred: this runs on the reactor thread, where the reactor is installed (crawlers.reactor).
        from twisted.internet import reactor

        host = urlsplit(request.url).netloc
        while (wait := self._coordination.host_wait(host, self._delay)) > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return await super().download_request(request)
