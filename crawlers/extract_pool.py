"""Article extraction off the reactor thread.

Decoding, trafilatura and date parsing are CPU-bound (tens of milliseconds a
page).  Run inline they stall the reactor, so no download progresses while a
page is being extracted.  With ``workers > 0`` pages go to a process pool
(``spawn``: the parent has threads, forking it is unsafe) and the reactor keeps
fetching while up to ``workers`` pages are extracted in parallel; the result
comes back to the reactor thread as a Deferred.  ``workers = 0`` keeps
extraction inline (tests, small crawls, the benchmark's baseline).
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from healthpulse.crawlers.encoding import decode_html
from healthpulse.crawlers.extract import ExtractedArticle, extract_article
from twisted.internet import defer
from twisted.python.failure import Failure

log = logging.getLogger(__name__)


def decode_and_extract(
    body: bytes, header_charset: str | None, url: str, language_hint: str | None
) -> tuple[ExtractedArticle | None, str]:
    html, encoding = decode_html(body, header_charset)
    return extract_article(html, url, language_hint), encoding


def _warm_worker() -> None:
    """Pay the import cost once per worker, before the first page arrives."""
    # Deferred on purpose: run in each pool process to load trafilatura/lxml there before the first page.
    import healthpulse.crawlers.extract  # noqa: F401


def _noop(i: int) -> int:
    return i


class ExtractionPool:
    def __init__(self, workers: int = 0):
        self.workers = max(0, int(workers))
        self._executor: ProcessPoolExecutor | None = None

    def _get_executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_worker
            )
        return self._executor

    def extract(self, body: bytes, header_charset: str | None, url: str, language_hint: str | None) -> defer.Deferred[Any]:
        """A Deferred firing with ``(ExtractedArticle | None, encoding)``; call on the reactor thread."""
        if self.workers == 0:
            return defer.maybeDeferred(decode_and_extract, body, header_charset, url, language_hint)
        # Deferred: importing twisted.internet.reactor installs the default reactor; crawlers/reactor.py picks it first.
        from twisted.internet import reactor

        result: defer.Deferred[Any] = defer.Deferred()

        def done(future: Future[Any]) -> None:  # runs in the executor's management thread
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool):
                self._executor = None  # a worker died (OOM, signal): start a fresh pool next time
            outcome: Any = Failure(exc) if exc is not None else future.result()
            fire = result.errback if exc is not None else result.callback
            reactor.callFromThread(fire, outcome)  # type: ignore[attr-defined]

        try:
            future = self._get_executor().submit(decode_and_extract, body, header_charset, url, language_hint)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._executor = None
            return defer.fail(exc)
        future.add_done_callback(done)
        return result

    def warm(self) -> None:
        """Start every worker now (blocking) instead of on the first page."""
        if self.workers:
            executor = self._get_executor()
            list(executor.map(_noop, range(self.workers * 2)))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
