"""YouTube channels (and regional TV on YouTube) through the channel's Atom feed.

Each new video (its watch URL not seen before) becomes a document of channel ``social``: title,
description, author, published time and views (``media:statistics``).  With ``transcribe: true`` the
video's media is fetched into a temporary file — by Scrapy when the feed's ``media:content`` is an
audio/video file, else from the watch page with yt-dlp (``crawlers.media_fetch``) — and the runner's main thread — never the reactor — runs it through Whisper (the transcriber
the CLI hands over) before hand-off, so the document carries the transcript and its timestamps.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import scrapy
from healthpulse.core.domain import Channel, Reach
from healthpulse.crawlers.items import ArticleItem
from healthpulse.crawlers.middlewares import response_validators
from healthpulse.crawlers.spiders.base import NewsSpider
from parsel import Selector
from scrapy.http import Response

NS = {"a": "http://www.w3.org/2005/Atom", "yt": "http://www.youtube.com/xml/schemas/2015",
      "media": "http://search.yahoo.com/mrss/"}
MAX_MEDIA_BYTES = 512 * 1024 * 1024


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@dataclass
class Video:
    url: str
    title: str
    description: str
    author: str | None
    published_at: datetime | None
    views: int | None
    ratings: int | None
    media_url: str | None


def parse_feed(xml: str) -> list[Video]:
    """The entries of a YouTube channel feed (an unparsable feed gives none)."""
    sel = Selector(text=xml, type="xml")
    for prefix, uri in NS.items():
        sel.register_namespace(prefix, uri)
    videos = []
    for e in sel.xpath("//a:entry"):
        vid = e.xpath("yt:videoId/text()").get()
        url = e.xpath("a:link[@rel='alternate']/@href").get() or (f"https://www.youtube.com/watch?v={vid}" if vid else None)
        if not url:
            continue
        when = e.xpath("a:published/text()").get()
        try:
            published = datetime.fromisoformat(when) if when else None
        except ValueError:
            published = None
        content = e.xpath("media:group/media:content")
        ctype = content.attrib.get("type", "") if content else ""
        videos.append(Video(
            url=url, title=(e.xpath("a:title/text()").get() or "").strip(),
            description=(e.xpath("media:group/media:description/text()").get() or "").strip(),
            author=e.xpath("a:author/a:name/text()").get(), published_at=published,
            views=_int(e.xpath("media:group/media:community/media:statistics/@views").get()),
            ratings=_int(e.xpath("media:group/media:community/media:starRating/@count").get()),
            media_url=content.attrib.get("url") if ctype.startswith(("audio/", "video/")) else None,
        ))
    return videos


class YoutubeSpider(NewsSpider):
    def parse_listing(self, response: Response) -> Iterator[Any]:
        self.count("listings")
        videos = parse_feed(response.text) if hasattr(response, "text") else []
        if self.context.dry_run:
            self.count("found", len(videos))
            return
        self.context.listing_fetched(self.source.id, response.url, response_validators(response))
        if not videos:
            self.count("no_posts")
        for video in videos:
            if self.context.state.is_seen_article(video.url):
                self.count("skipped_seen")
                continue
            self.count("posts")
            if not self.source.transcribe:
                yield self.video_item(video, None)
            elif video.media_url is None:  # a YouTube feed: the media comes from the watch page, via yt-dlp
                yield self.video_item(video, None, media_page=video.url)
            else:
                yield scrapy.Request(video.media_url, callback=self.parse_media, errback=self.media_failed,
                                     dont_filter=True, meta={"hp_video": video, "download_maxsize": MAX_MEDIA_BYTES})

    def parse_media(self, response: Response) -> Iterator[ArticleItem]:
        video: Video = response.meta["hp_video"]
        with tempfile.NamedTemporaryFile(prefix="hp-youtube-", suffix=Path(video.media_url or "").suffix,
                                         delete=False) as f:
            f.write(response.body)
        yield self.video_item(video, Path(f.name))

    def media_failed(self, failure: Any) -> Iterator[ArticleItem]:
        """The media could not be fetched: the video still counts, without a transcript."""
        self.on_error(failure)
        self.count("transcribe_no_media")
        video = failure.request.meta["hp_video"]
        yield self.video_item(video, None)

    def video_item(self, video: Video, media_file: Path | None, media_page: str | None = None) -> ArticleItem:
        return ArticleItem(
            source_id=self.source.id, url=video.url, response_url=video.url, canonical_url=video.url,
            title=video.title or None, text=video.description or video.title, author=video.author,
            published_at=video.published_at, language=self.source.language, department=self.source.department,
            encoding="utf-8", etag=None, last_modified=None, channel=Channel.SOCIAL,
            reach=Reach(views=video.views, reactions=video.ratings), media_file=media_file, media_page=media_page,
        )
