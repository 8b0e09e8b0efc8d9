"""XML sitemaps, sitemap indexes and Google News sitemaps (``news:`` extension)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from urllib.parse import urljoin

import scrapy
from healthpulse.crawlers.spiders.base import ArticleLink, NewsSpider
from healthpulse.crawlers.spiders.feed import _local, parse_xml
from scrapy.http import Response

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit (uncompressed)


def _body(response: Response) -> bytes:
    body = response.body
    if body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            return fh.read(MAX_SITEMAP_BYTES)
    return body


class SitemapSpider(NewsSpider):
    name = "sitemap"

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:  # type: ignore[override]
        root, well_formed = parse_xml(_body(response))
        response.meta["hp_xml_root"] = root
        if not well_formed:
            self.count("errors")
            self.count("sitemap_malformed")
        return super().parse_listing(response)

    def article_links(self, response: Response) -> Iterable[ArticleLink]:
        root = response.meta.get("hp_xml_root")
        if root is None or _local(root.tag) != "urlset":
            return []
        links = []
        for url_el in root:
            if _local(url_el.tag) != "url":
                continue
            loc = title = published = None
            for child in url_el.iter():
                name = _local(child.tag)
                text = (child.text or "").strip()
                if name == "loc" and text and loc is None:
                    loc = text
                elif name == "title" and text:  # news:title
                    title = text
                elif name in ("publication_date", "lastmod") and text and published is None:
                    published = text
            if loc:
                links.append(ArticleLink(urljoin(response.url, loc), title, published))
        return links

    def more_listings(self, response: Response) -> Iterable[scrapy.Request]:
        root = response.meta.get("hp_xml_root")
        if root is None or _local(root.tag) != "sitemapindex":
            return []
        out = []
        for sm in root:
            loc = next((c.text.strip() for c in sm if _local(c.tag) == "loc" and c.text), None)
            if loc:
                out.append(self.listing_request(urljoin(response.url, loc)))
        return out
