"""RSS 2.0 / RSS 1.0 (RDF) and Atom feeds; malformed XML is counted and salvaged."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

from healthpulse.crawlers.spiders.base import ArticleLink, NewsSpider
from lxml import etree
from scrapy.http import Response


def _parser(recover: bool) -> etree.XMLParser:
    # no entity expansion, no network: feeds are untrusted input
    return etree.XMLParser(recover=recover, resolve_entities=False, no_network=True, huge_tree=False)


def parse_xml(body: bytes) -> tuple[etree._Element | None, bool]:
    """The XML root and whether the document was well-formed (else recovered, possibly None)."""
    body = body.lstrip()
    try:
        return etree.fromstring(body, parser=_parser(False)), True
    except etree.XMLSyntaxError:
        try:
            return etree.fromstring(body, parser=_parser(True)), False
        except etree.XMLSyntaxError:
            return None, False


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def feed_links(root: etree._Element, base_url: str) -> Iterator[ArticleLink]:
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":  # RSS 2.0 and RSS 1.0
            link = _child_text(el, "link") or el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            if not link:
                guid = _child_text(el, "guid")
                link = guid if guid and guid.startswith("http") else None
            published = _child_text(el, "pubDate", "date", "published")
        elif name == "entry":  # Atom
            link = None
            for child in el:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
                    link = child.get("href")
                    break
            published = _child_text(el, "published", "updated")
        else:
            continue
        if link:
            yield ArticleLink(urljoin(base_url, link.strip()), _child_text(el, "title"), published)


class FeedSpider(NewsSpider):
    name = "feed"

    def article_links(self, response: Response) -> Iterable[ArticleLink]:
        root, well_formed = parse_xml(response.body)
        if not well_formed:
            self.count("errors")
            self.count("feed_malformed")
            self.logger.warning("source=%s url=%s malformed feed (salvaging what parses)", self.source.id, response.url)
        if root is None:
            return []
        return list(feed_links(root, response.url))
