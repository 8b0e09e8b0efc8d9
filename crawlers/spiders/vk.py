"""VK public walls through the official API method ``wall.get`` (by ``domain`` or ``owner_id``).

Plain Scrapy requests, so VK gets the same per-host politeness as news sites.  The token
(``HEALTHPULSE_VK_TOKEN``) travels in a POST body, never in a URL that could reach a log.  Pages of
100 posts (``offset``), newest first: the first run reads ``depth`` pages, later runs stop at the stored
cursor (the newest post id handed off).  API errors: 6 (too many requests) → wait and ask again, with
growing pauses; 5 (bad token), 15 (access denied), 30 (private wall) and others → a warning naming the
source and ``vk_error_<code>`` in the crawl stats, no retry.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from healthpulse.core.domain import Channel, Reach
from healthpulse.crawlers.items import ArticleItem
from healthpulse.crawlers.spiders.base import NewsSpider
from healthpulse.crawlers.spiders.vk_comments import comment_items, comments_form, with_comment_count
from scrapy.http import Response
from twisted.internet import defer

API_VERSION = "5.199"
PAGE = 100  # wall.get's maximum count
CATCH_UP_PAGES = 20
BACKOFF_SECONDS = 1.0  # first pause after error 6, doubled each time
BACKOFF_TRIES = 4
ERROR_MEANING = {
    5: "the token was refused; set HEALTHPULSE_VK_TOKEN to a valid service token",
    15: "access to the wall is denied",
    18: "the page was deleted or banned",
    30: "the wall is private",
    100: "the wall does not exist (check domain / owner_id)",
}


def _sleep(seconds: float) -> defer.Deferred[None]:
    # Deferred import: the reactor is installed by crawlers/reactor.py before any spider runs.
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    return deferLater(reactor, seconds, lambda: None)  # type: ignore[arg-type]


def _count(value: Any) -> int | None:
    return value.get("count") if isinstance(value, dict) and isinstance(value.get("count"), int) else None


def post_reach(post: dict[str, Any]) -> Reach:
    return Reach(views=_count(post.get("views")), reactions=_count(post.get("likes")),
                 forwards=_count(post.get("reposts")), comments=_count(post.get("comments")))


class VkWallSpider(NewsSpider):
    last_seen: int = 0
    newest: int = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.last_seen = 0 if self.context.dry_run else int(self.context.state.cursor(self.source.id) or 0)
        self.newest = self.last_seen
        if self.context.crawl.vk_token is None:
            self.count("vk_no_token")
            self.count("errors")
            self.logger.warning("source=%s: no VK token (HEALTHPULSE_VK_TOKEN); wall not read", self.source.id)
            return
        yield self.page_request(0)

    def page_request(self, offset: int, tries: int = 0) -> scrapy.Request:
        token = self.context.crawl.vk_token
        wall = {"domain": self.source.domain} if self.source.domain else {"owner_id": str(self.source.owner_id)}
        return scrapy.FormRequest(
            f"{self.context.crawl.vk_api_url}/wall.get", callback=self.parse_page, errback=self.on_error,
            dont_filter=True, formdata={**wall, "count": str(PAGE), "offset": str(offset), "extended": "1",
                                        "v": API_VERSION, "access_token": token.get_secret_value() if token else ""},
            meta={"hp_kind": "listing", "hp_offset": offset, "hp_tries": tries, "dont_obey_robotstxt": True},
        )

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        self.count("listings")
        offset, tries = response.meta["hp_offset"], response.meta["hp_tries"]
        try:
            data = json.loads(response.body)
        except ValueError:
            self.count("vk_bad_json")
            self.count("errors")
            self.logger.warning("source=%s: VK answered something that is not JSON", self.source.id)
            return
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            code = error.get("error_code")
            if code == 6 and tries < BACKOFF_TRIES:  # too many requests per second: wait, ask again
                self.count("vk_backoff")
                await _sleep(BACKOFF_SECONDS * 2 ** tries)
                yield self.page_request(offset, tries + 1)
                return
            self.count(f"vk_error_{code}")
            self.count("errors")
            meaning = ERROR_MEANING.get(code, "") if isinstance(code, int) else ""
            self.logger.warning("source=%s: VK error %s (%s)%s", self.source.id, code, error.get("error_msg"),
                                f": {meaning}" if meaning else "")
            return
        body = data.get("response") if isinstance(data, dict) else None
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(items, list):
            self.count("vk_bad_json")
            self.count("errors")
            return
        if self.context.dry_run:
            self.count("found", len(items))
            return
        names = {-g["id"]: g.get("name") for g in body.get("groups") or [] if isinstance(g, dict) and "id" in g}
        names.update({p["id"]: f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()
                      for p in body.get("profiles") or [] if isinstance(p, dict) and "id" in p})
        reached_seen = False
        for post in items:
            if not isinstance(post, dict) or not isinstance(post.get("id"), int):
                self.count("malformed_posts")
                continue
            if post["id"] <= self.last_seen:
                reached_seen = reached_seen or not post.get("is_pinned")
                self.count("skipped_seen")
                continue
            self.newest = max(self.newest, post["id"])
            item = self.post_item(post, names)
            if item is not None and self.source.comments and _count(post.get("comments")) != 0:
                yield self.comments_request(item, post)  # the post follows its comments (or their failure)
            elif item is not None:
                yield item
        page = offset // PAGE + 1
        limit = self.source.depth if self.last_seen == 0 else CATCH_UP_PAGES
        total = body.get("count") if isinstance(body.get("count"), int) else 0
        if not reached_seen and items and offset + PAGE < total and page < limit:
            yield self.page_request(offset + PAGE)

    def post_item(self, post: dict[str, Any], names: dict[int, str | None]) -> ArticleItem | None:
        self.count("posts")
        text = str(post.get("text") or "").strip()
        if not text:
            self.count("media_only" if post.get("attachments") else "empty_posts")
            return None
        owner = post.get("owner_id", self.source.owner_id)
        url = f"https://vk.com/wall{owner}_{post['id']}"
        published = datetime.fromtimestamp(post["date"], UTC) if isinstance(post.get("date"), int) else None
        return ArticleItem(
            source_id=self.source.id, url=url, response_url=url, canonical_url=url, title=None, text=text,
            author=names.get(int(post.get("from_id") or owner or 0)) or self.source.domain or str(owner),
            published_at=published, language=self.source.language, department=self.source.department,
            encoding="utf-8", etag=None, last_modified=None, channel=Channel.SOCIAL, reach=post_reach(post),
        )

    def comments_request(self, post: ArticleItem, raw: dict[str, Any], tries: int = 0) -> scrapy.Request:
        token = self.context.crawl.vk_token
        owner = int(raw.get("owner_id") or self.source.owner_id or 0)
        return scrapy.FormRequest(
            f"{self.context.crawl.vk_api_url}/wall.getComments", callback=self.parse_comments,
            errback=self.on_comments_error, dont_filter=True,
            formdata=comments_form(owner, raw["id"], token.get_secret_value() if token else "", API_VERSION),
            meta={"hp_kind": "comments", "hp_post": post, "hp_raw": raw, "hp_tries": tries,
                  "dont_obey_robotstxt": True},
        )

    async def parse_comments(self, response: Response) -> AsyncIterator[Any]:
        post, tries = response.meta["hp_post"], response.meta["hp_tries"]
        try:
            data = json.loads(response.body)
        except ValueError:
            data = None
        error = data.get("error") if isinstance(data, dict) else None
        body = data.get("response") if isinstance(data, dict) else None
        if isinstance(error, dict) and error.get("error_code") == 6 and tries < BACKOFF_TRIES:
            self.count("vk_backoff")
            await _sleep(BACKOFF_SECONDS * 2 ** tries)
            yield self.comments_request(post, response.meta["hp_raw"], tries + 1)
            return
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            code = error.get("error_code") if isinstance(error, dict) else "bad_json"
            self.comments_failed(post, f"VK error {code} ({error.get('error_msg')})" if isinstance(error, dict)
                                 else "an answer that is not wall.getComments JSON", code)
            yield post
            return
        items, skipped = comment_items(post, body)
        self.count("comments", len(items))
        if skipped:
            self.count("empty_comments", skipped)
        for item in items:
            yield item
        yield with_comment_count(post, len(items))

    def on_comments_error(self, failure: Any) -> list[ArticleItem]:
        """The network failed on the comments: the post still goes on, without them."""
        post = failure.request.meta["hp_post"]
        self.comments_failed(post, f"{type(failure.value).__name__}: {failure.value}", "request")
        return [post]

    def comments_failed(self, post: ArticleItem, what: str, code: Any) -> None:
        self.count(f"vk_comments_error_{code}")
        self.count("errors")
        self.logger.warning("source=%s: comments of %s not read: %s; the post is kept", self.source.id, post["url"], what)

    def closed(self, reason: str) -> None:
        if self.newest > self.last_seen:
            self.context.send("cursor", self.source.id, str(self.newest))
