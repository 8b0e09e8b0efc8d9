"""Telegram public channels, read from the channel's public web preview ``{base_url}/s/{channel}``.

The preview shows the newest ~20 posts, each a ``div.tgme_widget_message`` with ``data-post="channel/id"``;
``?before=<id>`` shows the ones before.  The first run reads ``depth`` pages back; later runs read only
posts newer than the stored cursor (the newest id handed off), paging back until they meet it.  A channel
without a public preview answers with a redirect away from ``/s/``: that is counted as
``no_public_preview`` (one request, no retry) and the source stops; it is asked again only after
``NO_PREVIEW_RECHECK`` (runs in between count ``no_public_preview_skipped`` and send nothing).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from healthpulse.core.domain import Channel, Reach
from healthpulse.crawlers.items import ArticleItem
from healthpulse.crawlers.spiders.base import NewsSpider
from parsel import Selector
from scrapy.http import Response, TextResponse

REDIRECTS = (301, 302, 303, 307, 308)
CATCH_UP_PAGES = 50  # later runs: at most this many pages back to reach the cursor
NO_PREVIEW_RECHECK = timedelta(hours=24)  # a channel without a public preview is asked again after this
_NO_PREVIEW = "|no_preview|"
_COUNT = re.compile(r"^\s*([\d.,]+)\s*([KMB]?)\s*$", re.IGNORECASE)
_SCALE = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def parse_count(text: str | None) -> int | None:
    """``"1.2K"`` → 1200, ``"15"`` → 15; None when there is no number (the preview hides it)."""
    match = _COUNT.match(text or "")
    if not match:
        return None
    number = match.group(1).replace(",", ".") if match.group(2) else match.group(1).replace(",", "").replace(".", "")
    try:
        return int(float(number) * _SCALE[match.group(2).upper()])
    except ValueError:
        return None


def _text(node: Selector) -> str:
    """The visible text of a node, ``<br>`` as line breaks."""
    parts = node.xpath(".//text()|.//br").getall()
    return "".join("\n" if p.startswith("<br") else p for p in parts).strip()


@dataclass
class TelegramPost:
    post_id: int
    url: str
    text: str
    author: str | None
    published_at: datetime | None
    views: int | None
    reactions: int | None
    forwarded_from: str | None
    has_media: bool


def parse_post(node: Selector, base_url: str) -> TelegramPost | None:
    """One ``tgme_widget_message`` → a post; None when its ``data-post`` is not ``channel/number``."""
    data_post = node.attrib.get("data-post", "")
    name, _, number = data_post.partition("/")
    if not name or not number.isdigit():
        return None
    text_node = node.css(".tgme_widget_message_text")
    pieces = [_text(text_node[0])] if text_node else []
    for doc_title in node.css(".tgme_widget_message_document_title"):  # a file's caption line
        pieces.append(_text(doc_title))
    preview = node.css(".tgme_widget_message_link_preview")
    if preview:
        for part in (".link_preview_title", ".link_preview_description"):
            pieces.extend(_text(p) for p in preview[0].css(part))
    when = node.css(".tgme_widget_message_date time::attr(datetime)").get()
    try:
        published = datetime.fromisoformat(when) if when else None
    except ValueError:
        published = None
    reactions = [parse_count(r.css("::text").re_first(r"[\d.,]+[KMB]?")) for r in node.css(".tgme_reaction")]
    known = [r for r in reactions if r is not None]
    forwarded = node.css(".tgme_widget_message_forwarded_from_name")
    return TelegramPost(
        post_id=int(number),
        url=f"{base_url}/{name}/{number}",
        text="\n\n".join(p for p in pieces if p),
        author=(_text(owner[0]) if (owner := node.css(".tgme_widget_message_owner_name")) else None) or None,
        published_at=published,
        views=parse_count(node.css(".tgme_widget_message_views::text").get()),
        reactions=sum(known) if known else None,
        forwarded_from=_text(forwarded[0]) if forwarded else None,
        has_media=bool(node.css(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player,"
                                " .tgme_widget_message_document, .tgme_widget_message_voice")),
    )


def parse_cursor(text: str | None) -> tuple[int, datetime | None]:
    """The stored cursor: ``"<last id>"``, or ``"<last id>|no_preview|<when seen>"`` for a channel without preview."""
    if not text:
        return 0, None
    last, _, since = text.partition(_NO_PREVIEW)
    try:
        return int(last or 0), datetime.fromisoformat(since) if since else None
    except ValueError:
        return 0, None


class TelegramSpider(NewsSpider):
    last_seen: int = 0
    newest: int = 0
    pages: int = 0
    no_preview: bool = False
    was_no_preview: bool = False

    async def start(self) -> AsyncIterator[scrapy.Request]:
        cursor = None if self.context.dry_run else self.context.state.cursor(self.source.id)
        self.last_seen, no_preview_since = parse_cursor(cursor)
        self.newest = self.last_seen
        self.pages = 0
        self.was_no_preview = no_preview_since is not None
        if no_preview_since is not None and self.context.now() - no_preview_since < NO_PREVIEW_RECHECK:
            self.count("no_public_preview_skipped")
            return
        yield self.page_request(self.source.start_url)

    def page_request(self, url: str) -> scrapy.Request:
        # No redirect following: a redirect away from /s/ means "no public preview", answered once.
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=True,
                              meta={"dont_redirect": True, "handle_httpstatus_list": list(REDIRECTS),
                                    "hp_kind": "listing"})

    def parse_page(self, response: Response) -> Iterator[Any]:
        self.pages += 1
        self.count("listings")
        target = (response.headers.get(b"Location") or b"").decode("latin-1")
        if response.status in REDIRECTS or "/s/" not in urlsplit(response.url).path:
            self.no_preview = True
            self.count("no_public_preview")
            self.count("errors")
            self.logger.warning("source=%s channel=%s has no public preview (redirect to %s); not retried",
                                self.source.id, self.source.channel, target or response.url)
            return
        if not isinstance(response, TextResponse):
            self.count("not_html")
            self.count("errors")
            return
        ids: list[int] = []
        nodes = response.css("div.tgme_widget_message[data-post]")
        if self.context.dry_run:
            self.count("found", len(nodes))
            return
        for node in nodes:
            post = parse_post(node, self.source.telegram_base)
            if post is None:
                self.count("malformed_posts")
                continue
            ids.append(post.post_id)
            yield from self.post_item(post)
        if not ids:
            self.count("no_posts")  # malformed or empty page: nothing to read, nothing to page
            return
        self.newest = max(self.newest, *ids)
        oldest = min(ids)
        limit = self.source.depth if self.last_seen == 0 else CATCH_UP_PAGES
        if oldest > self.last_seen + 1 and oldest > 1 and self.pages < limit:
            yield self.page_request(f"{self.source.start_url}?before={oldest}")

    def post_item(self, post: TelegramPost) -> Iterator[ArticleItem]:
        if post.post_id <= self.last_seen:
            self.count("skipped_seen")
            return
        self.count("posts")
        if post.forwarded_from:
            self.count("forwarded")
        if not post.text:
            self.count("media_only" if post.has_media else "empty_posts")
            return
        yield ArticleItem(
            source_id=self.source.id, url=post.url, response_url=post.url, canonical_url=post.url,
            title=f"↪ {post.forwarded_from}" if post.forwarded_from else None, text=post.text,
            author=post.author, published_at=post.published_at, language=self.source.language,
            department=self.source.department, encoding="utf-8", etag=None, last_modified=None,
            channel=Channel.SOCIAL, reach=Reach(views=post.views, reactions=post.reactions),
        )

    def closed(self, reason: str) -> None:
        if self.no_preview:
            self.context.send("cursor", self.source.id, f"{self.last_seen}{_NO_PREVIEW}{self.context.now().isoformat()}")
        elif self.newest > self.last_seen or (self.was_no_preview and self.pages):
            self.context.send("cursor", self.source.id, str(self.newest))
