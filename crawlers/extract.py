"""Article extraction: main text without boilerplate, plus metadata.

trafilatura finds the main content (menus, comments, ads and footers stay
out) and the title, author and canonical URL.  Dates come from structured
metadata first (``article:published_time``, ``<time datetime>``, JSON-LD),
then from short date-looking elements parsed in the page's language
(``crawlers.dates``), then from trafilatura's own guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

import lxml.html
import trafilatura
from healthpulse.core.domain import LANGUAGES
from healthpulse.crawlers.dates import parse_date
from healthpulse.crawlers.urls import canonicalize_url
from healthpulse.text.normalize import normalize_display
from lxml.etree import ParserError

MIN_TEXT_CHARS = 80
# trafilatura drops non-printable characters, ZWNJ included, which breaks Persian words
# («سازمان‌ها» → «سازمانها»); it is swapped for a printable stand-in and restored.
ZWNJ, _ZWNJ_STAND_IN = "\u200c", "\u2bd1"
_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "article:published", "datepublished", "pubdate",
    "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date",
)
_DATE_CLASS = re.compile(r"date|time|publish|posted|byline|meta|tarikh|ngay|дата", re.IGNORECASE)
_XPATH_DATE_ELEMENTS = (
    "//*[@class or @id][not(self::html) and not(self::body) and not(self::article) and not(self::main)]"
)


@dataclass
class ExtractedArticle:
    title: str | None
    text: str
    author: str | None
    published_at: datetime | None
    language: str | None
    canonical_url: str


def _page_language(tree: lxml.html.HtmlElement) -> str | None:
    candidates = tree.xpath("/html/@lang | //meta[@http-equiv='content-language']/@content | //meta[@property='og:locale']/@content")
    for value in candidates:
        code = str(value).strip().lower().replace("_", "-").split("-")[0]
        if code in LANGUAGES:
            return code
    return None


def _json_ld_dates(tree: lxml.html.HtmlElement) -> list[str]:
    out: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if isinstance(node.get("datePublished"), str):
                    out.append(node["datePublished"])
                stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return out


def _structured_dates(tree: lxml.html.HtmlElement) -> list[str]:
    found: list[str] = []
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS:
            found.append(meta.get("content"))
    found += _json_ld_dates(tree)
    found += [str(v) for v in tree.xpath("//time/@datetime | //*[@itemprop='datePublished']/@datetime")]
    return found


def _text_dates(tree: lxml.html.HtmlElement) -> list[str]:
    found: list[str] = []
    for el in tree.xpath("//time") + tree.xpath(_XPATH_DATE_ELEMENTS):
        if el.tag in ("time",) or _DATE_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            text = " ".join(el.text_content().split())
            if 6 <= len(text) <= 80 and re.search(r"[\d۰-۹٠-٩]", text):
                found.append(text)
        if len(found) >= 8:
            break
    return found


def find_published_at(tree: lxml.html.HtmlElement, language: str | None, fallback: str | None) -> datetime | None:
    for value in _structured_dates(tree):
        parsed = parse_date(value, None)
        if parsed is not None:
            return parsed
    for value in _text_dates(tree):
        parsed = parse_date(value, language)
        if parsed is not None:
            return parsed
    return parse_date(fallback, None) if fallback else None


def _clean_text(text: str, title: str | None, published_at: datetime | None, language: str | None) -> str:
    lines = [line.strip() for line in normalize_display(text).split("\n")]
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        if i < 3 and title and line == title:
            continue  # the headline repeated as the first paragraph
        if i < 4 and len(line) <= 40 and published_at is not None and parse_date(line, language) is not None:
            continue  # a dateline such as «12 февраля 2024»
        out.append(line)
    return "\n".join(out)


def extract_article(html: str, url: str, language_hint: str | None = None) -> ExtractedArticle | None:
    """Extract one article, or None when the page has no main text worth keeping."""
    try:
        tree = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return None
    language = _page_language(tree) or language_hint
    protect = ZWNJ in html or "&zwnj;" in html
    if protect:
        html = html.replace(ZWNJ, _ZWNJ_STAND_IN).replace("&zwnj;", _ZWNJ_STAND_IN)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, favor_precision=True, deduplicate=False,
    )
    raw_text: str | None = getattr(doc, "text", None)
    if not raw_text:
        return None
    raw_title: str | None = getattr(doc, "title", None)
    if protect:
        raw_text = raw_text.replace(_ZWNJ_STAND_IN, ZWNJ)
        raw_title = raw_title.replace(_ZWNJ_STAND_IN, ZWNJ) if raw_title else raw_title
    title = normalize_display(raw_title) if raw_title else None
    published_at = find_published_at(tree, language, getattr(doc, "date", None))
    text = _clean_text(raw_text, title, published_at, language)
    if len(text) < MIN_TEXT_CHARS:
        return None
    found_url: str | None = getattr(doc, "url", None)
    canonical = canonicalize_url(found_url or url)
    raw_author: str | None = getattr(doc, "author", None)
    author = normalize_display(raw_author) if raw_author else None
    return ExtractedArticle(title, text, author, published_at, language, canonical)
