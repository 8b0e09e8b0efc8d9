"""HTML listing pages: article links picked by the source's CSS ``link_selector``."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy
from healthpulse.crawlers.spiders.base import ArticleLink, NewsSpider
from scrapy.http import Response, TextResponse


class HtmlListingSpider(NewsSpider):
    name = "html"

    def article_links(self, response: Response) -> Iterable[ArticleLink]:
        if not isinstance(response, TextResponse):
            self.count("not_html")
            return []
        links = []
        for anchor in response.css(self.source.link_selector or "a"):
            href = anchor.attrib.get("href") or anchor.css("a::attr(href)").get()
            if href and not href.startswith(("javascript:", "mailto:", "#")):
                title = " ".join(anchor.css("::text").getall()).strip() or None
                links.append(ArticleLink(response.urljoin(href), title))
        return links

    def more_listings(self, response: Response) -> Iterable[scrapy.Request]:
        depth = response.meta.get("hp_page", 0)
        if depth >= self.source.follow_pages or not isinstance(response, TextResponse):
            return []
        nxt = response.css("link[rel=next]::attr(href), a[rel=next]::attr(href)").get()
        if not nxt:
            return []
        request = self.listing_request(response.urljoin(nxt))
        request.meta["hp_page"] = depth + 1
        return [request]
