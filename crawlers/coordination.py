"""Several crawler processes on one sources file: who crawls a source, who fetches a URL, when a host
may be asked again.

One crawler process needs none of this (``LocalCoordination``: everything is yours, no waits). With a
Redis URL (distributed mode, ``HEALTHPULSE_BROKER_URL``) every process of the deployment shares three
kinds of keys:

- **source leases** ``{prefix}:source:{id}``: a due source is crawled by the one process that took
  its lease; the others skip it (``source_claimed_elsewhere``). The crawl state in the database then
  says it is no longer due, so processes split a sources file between them;
- **URL claims** ``{prefix}:url:{key}`` (canonical URL hash): an article linked by two sources that two
  processes crawl at once is fetched by the first to claim it (the other counts ``claimed_elsewhere``).
  A claim is kept an hour; its owner may
  take it again (a run whose hand-off failed fetches the URL again next time: nothing lost), and a
  dead process's claims expire;
- **host slots** ``{prefix}:host:{netloc}``: one request per host per ``DOWNLOAD_DELAY`` across all
  processes (``SET NX PX``); a process that finds the slot taken waits the key's remaining time.

Why not scrapy-redis's shared scheduler: a crawl run here is per source and incremental (cursors,
validators and seen URLs are written only after the hand-off of that run's documents succeeded, and
a run ends when its sources are done); a request queue shared by every process breaks both, and its
dupefilter remembers a URL forever, so a URL whose hand-off failed would never be fetched again.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Protocol

log = logging.getLogger(__name__)

SOURCE_LEASE_SECONDS = 3 * 3600  # longer than a run may take (CLOSESPIDER_TIMEOUT is 30 min per source)
URL_CLAIM_SECONDS = 3600

# Take the key if it is free or already ours (and refresh its expiry); 1 = taken.
_CLAIM = """
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""
# Delete the key only if it is still ours (a lease that expired and was taken by another stays theirs).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Coordination(Protocol):
    owner: str

    def claim_source(self, source_id: str) -> bool: ...

    def release_source(self, source_id: str) -> None: ...

    def claim_url(self, key: str) -> bool: ...

    def host_wait(self, host: str, delay: float) -> float:
        """0 when this process may send a request to ``host`` now (and has taken the slot), else the
        seconds to wait before asking again."""
        ...

    def close(self) -> None: ...


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LocalCoordination:
    """The single-process default: every source and URL is this process's; Scrapy's own per-domain
    delay is the politeness."""

    def __init__(self) -> None:
        self.owner = new_owner()

    def claim_source(self, source_id: str) -> bool:
        return True

    def release_source(self, source_id: str) -> None:
        return None

    def claim_url(self, key: str) -> bool:
        return True

    def host_wait(self, host: str, delay: float) -> float:
        return 0.0

    def close(self) -> None:
        return None


class RedisCoordination:
    """The keys above on one Redis (the deployment's broker).

    Redis down: the crawl goes on as if alone (every claim granted, no shared wait; a warning in the
    log at most once a minute). Stopping would lose a schedule's news; going on costs at worst a page
    fetched twice (stored once: documents are unique by canonical URL) and a host asked by two
    processes at Scrapy's per-process pace, until Redis is back.
    """

    def __init__(self, url: str, prefix: str = "healthpulse:crawl", owner: str | None = None):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self.owner = owner or new_owner()
        self._claim = self.client.register_script(_CLAIM)
        self._release = self.client.register_script(_RELEASE)
        self._errors = (redis.RedisError, OSError)
        self._warned_at = -60.0

    def _alone(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            log.warning("crawl coordination: Redis unreachable (%s: %s); crawling as if alone until it is back",
                        type(exc).__name__, exc)

    def claim_source(self, source_id: str) -> bool:
        try:
            return bool(self._claim(keys=[f"{self.prefix}:source:{source_id}"],
                                    args=[self.owner, SOURCE_LEASE_SECONDS]))
        except self._errors as exc:
            self._alone(exc)
            return True

    def release_source(self, source_id: str) -> None:
        try:
            self._release(keys=[f"{self.prefix}:source:{source_id}"], args=[self.owner])
        except self._errors as exc:  # the lease expires on its own
            self._alone(exc)

    def claim_url(self, key: str) -> bool:
        try:
            return bool(self._claim(keys=[f"{self.prefix}:url:{key}"], args=[self.owner, URL_CLAIM_SECONDS]))
        except self._errors as exc:
            self._alone(exc)
            return True

    def host_wait(self, host: str, delay: float) -> float:
        if delay <= 0:
            return 0.0
        key = f"{self.prefix}:host:{host}"
        try:
            if self.client.set(key, self.owner, nx=True, px=max(1, int(delay * 1000))):
                return 0.0
            remaining = self.client.pttl(key)
        except self._errors as exc:
            self._alone(exc)
            return 0.0
        return max(remaining, 1) / 1000.0 if remaining and remaining > 0 else 0.001

    def close(self) -> None:
        self.client.close()


def coordination_for(redis_url: str | None) -> Coordination:
    """Redis coordination when the deployment has a Redis broker, else the single-process default."""
    if redis_url and redis_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCoordination(redis_url)
    return LocalCoordination()
