"""The item a spider yields for one article page."""

from __future__ import annotations

import scrapy


class ArticleItem(scrapy.Item):
    source_id = scrapy.Field()
    url = scrapy.Field()  # the URL requested (from the feed / listing)
    response_url = scrapy.Field()  # after redirects
    canonical_url = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    author = scrapy.Field()
    published_at = scrapy.Field()
    language = scrapy.Field()
    department = scrapy.Field()
    encoding = scrapy.Field()
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    # filled by the item pipelines
    document_id = scrapy.Field()
    content_hash = scrapy.Field()
    story_id = scrapy.Field()
    story_similarity = scrapy.Field()
    minhash = scrapy.Field()
