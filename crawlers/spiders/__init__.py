"""Spider registry: a source's ``kind`` picks its spider class."""

from __future__ import annotations

from healthpulse.crawlers.spiders.base import NewsSpider
from healthpulse.crawlers.spiders.feed import FeedSpider
from healthpulse.crawlers.spiders.html import HtmlListingSpider
from healthpulse.crawlers.spiders.sitemap import SitemapSpider
from healthpulse.crawlers.spiders.telegram import TelegramSpider
from healthpulse.crawlers.spiders.vk import VkWallSpider
from healthpulse.crawlers.spiders.youtube import YoutubeSpider

SPIDERS: dict[str, type[NewsSpider]] = {
    "rss": FeedSpider,
    "atom": FeedSpider,
    "sitemap": SitemapSpider,
    "html": HtmlListingSpider,
    "telegram": TelegramSpider,
    "vk": VkWallSpider,
    "youtube": YoutubeSpider,
}


def spider_for(kind: str) -> type[NewsSpider]:
    try:
        return SPIDERS[kind]
    except KeyError:
        raise ValueError(f"no spider for source kind {kind!r} (known: {', '.join(sorted(SPIDERS))})") from None
