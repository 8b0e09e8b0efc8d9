"""The item a spider yields for one article page or one social post."""

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
    # social posts (telegram, vk, youtube)
    channel = scrapy.Field()  # core.domain.Channel; news when absent
    reach = scrapy.Field()  # core.domain.Reach
    media_page = scrapy.Field()  # youtube + transcribe: the watch page yt-dlp fetches the media from (main thread)
    media_file = scrapy.Field()  # youtube + transcribe: the fetched media, transcribed by the runner's main thread
    # filled by the item pipelines
    document_id = scrapy.Field()
    content_hash = scrapy.Field()
    story_id = scrapy.Field()
    story_similarity = scrapy.Field()
    minhash = scrapy.Field()
