"""Item pipelines: clean → dedup → hand off.  NLP never runs here.

- ``CleanPipeline`` normalises text fields and drops pages without text.
- ``DedupPipeline`` drops exact duplicates (same canonical URL or same
  content hash, in this run or any earlier one) and assigns the story of
  near-duplicates (MinHash LSH, see ``crawlers.dedup``).
- ``HandoffPipeline`` builds the ``core.domain.Document`` and passes it to the
  runner's main thread, which ingests it through ``ingest.pipeline`` and then
  records the crawl state.
"""

from __future__ import annotations

from typing import Any

from healthpulse.core.domain import Channel, Document, stable_id
from healthpulse.crawlers.context import CONTEXT_SETTING, SOURCE_SETTING, RunContext
from healthpulse.crawlers.dedup import content_hash, minhash_to_bytes
from healthpulse.crawlers.extract import MIN_TEXT_CHARS
from healthpulse.crawlers.items import ArticleItem
from healthpulse.crawlers.state import Validators
from healthpulse.crawlers.urls import canonicalize_url, url_hash
from healthpulse.text.normalize import normalize_display
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem


class DuplicateItem(DropItem):
    """The article is already stored (same canonical URL or same text)."""


class _ContextPipeline:
    def __init__(self, context: RunContext, source_id: str):
        self.context = context
        self.source_id = source_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler.settings[CONTEXT_SETTING], crawler.settings[SOURCE_SETTING])


class CleanPipeline(_ContextPipeline):
    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        text = normalize_display(item.get("text") or "")
        # a post is short by nature ("Скорая не приехала 😡"); a page under MIN_TEXT_CHARS is a stub
        if len(text) < (1 if item.get("channel") == Channel.SOCIAL else MIN_TEXT_CHARS):
            self.context.count(self.source_id, "no_text")
            raise DropItem(f"no article text at {item.get('url')}")
        item["text"] = text
        title = normalize_display(item.get("title") or "")
        item["title"] = title or None
        item["canonical_url"] = canonicalize_url(item.get("canonical_url") or item["response_url"])
        return item


class DedupPipeline(_ContextPipeline):
    def _duplicate(self, item: ArticleItem, reason: str, document_id: str | None) -> DuplicateItem:
        self.context.count(self.source_id, "duplicates")
        self.context.count(self.source_id, f"duplicates_{reason}")
        urls = [item["url"], item["response_url"]]
        self.context.send("duplicate", self.source_id, {"urls": urls, "document_id": document_id,
                                                         "content_hash": item.get("content_hash")})
        return DuplicateItem(f"duplicate ({reason}) of {document_id}: {item['url']}")

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        ctx = self.context
        canonical = item["canonical_url"]
        key = url_hash(canonical)
        document_id = stable_id(canonical)
        if key in ctx.run_url_hashes or ctx.state.is_seen_article(canonical):
            raise self._duplicate(item, "url", document_id)
        # posts and videos: the title takes part (a TV channel repeats one description under every video)
        social = item.get("channel") == Channel.SOCIAL
        digest = content_hash(f"{item.get('title') or ''}\n{item['text']}" if social else item["text"])
        item["content_hash"] = digest
        known = ctx.run_content_hashes.get(digest) or ctx.state.document_with_hash(digest)
        if known is not None:
            raise self._duplicate(item, "content", known)
        ctx.run_url_hashes.add(key)
        ctx.run_content_hashes[digest] = document_id
        story, signature = ctx.story_index.assign(document_id, item["text"])
        item["document_id"] = document_id
        item["story_id"] = story.story_id
        item["story_similarity"] = story.similarity
        item["minhash"] = minhash_to_bytes(signature)
        if story.matched_document_id is not None:
            ctx.count(self.source_id, "near_duplicates")
        return item


class HandoffPipeline(_ContextPipeline):
    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        doc = Document(
            id=item["document_id"],
            channel=item.get("channel") or Channel.NEWS,
            source=self.source_id,
            url=item["url"],
            canonical_url=item["canonical_url"],
            title=item.get("title"),
            text=item["text"],
            language_hint=item.get("language"),
            department_hint=item.get("department"),
            published_at=item.get("published_at"),
            fetched_at=self.context.now(),
            story_id=item["story_id"],
            author=item.get("author"),
            reach=item.get("reach"),
        )
        self.context.send(
            "document",
            self.source_id,
            {
                "document": doc,
                "urls": [item["url"], item["response_url"], item["canonical_url"]],
                "content_hash": item["content_hash"],
                "minhash": item["minhash"],
                "num_perm": self.context.story_index.num_perm,
                "validators": Validators(item.get("etag"), item.get("last_modified")),
                "media_file": item.get("media_file"),
                "media_page": item.get("media_page"),
            },
        )
        return item
