"""VK comments under a wall's new posts (``comments: true`` on a vk source), through ``wall.getComments``.

Each comment becomes a social document of its own (``author``, the post's URL + ``?reply=ID``); the post
waits for its comments so that ``reach.comments`` counts at least the comments read.  A comments request
that fails (an API error, a broken answer, the network) never loses the post: it is handed off with the
count ``wall.get`` gave, and the failure is counted as ``vk_comments_error_<code>`` in the crawl stats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from healthpulse.core.domain import Channel, Reach
from healthpulse.crawlers.items import ArticleItem

COMMENTS_PAGE = 100  # wall.getComments' maximum count; comments beyond the first 100 of a post are not read


def comments_form(owner_id: int, post_id: int, token: str, api_version: str) -> dict[str, str]:
    return {"owner_id": str(owner_id), "post_id": str(post_id), "count": str(COMMENTS_PAGE), "extended": "1",
            "sort": "asc", "v": api_version, "access_token": token}


def author_names(body: dict[str, Any]) -> dict[int, str | None]:
    """Who wrote what: community ids are negative in ``from_id``; people are named "first last"."""
    names: dict[int, str | None] = {-g["id"]: g.get("name") for g in body.get("groups") or []
                                    if isinstance(g, dict) and isinstance(g.get("id"), int)}
    names.update({p["id"]: f"{p.get('first_name', '')} {p.get('last_name', '')}".strip() or None
                  for p in body.get("profiles") or [] if isinstance(p, dict) and isinstance(p.get("id"), int)})
    return names


def comment_items(post: ArticleItem, body: dict[str, Any]) -> tuple[list[ArticleItem], int]:
    """The comments of ``post`` in a ``wall.getComments`` answer as items, and how many were malformed/empty."""
    names = author_names(body)
    items, skipped = [], 0
    for c in body.get("items") or []:
        text = str(c.get("text") or "").strip() if isinstance(c, dict) else ""
        if not isinstance(c, dict) or not isinstance(c.get("id"), int) or not text:
            skipped += 1
            continue
        url = f"{post['url']}?reply={c['id']}"
        from_id: int = c["from_id"] if isinstance(c.get("from_id"), int) else 0
        likes = c.get("likes")
        items.append(ArticleItem(
            source_id=post["source_id"], url=url, response_url=url, canonical_url=url, title=None, text=text,
            author=names.get(from_id) or (f"id{from_id}" if from_id else None),
            published_at=datetime.fromtimestamp(c["date"], UTC) if isinstance(c.get("date"), int) else None,
            language=post["language"], department=post["department"], encoding="utf-8", etag=None,
            last_modified=None, channel=Channel.SOCIAL,
            reach=Reach(reactions=likes.get("count") if isinstance(likes, dict) and isinstance(likes.get("count"), int)
                        else None),
        ))
    return items, skipped


def with_comment_count(post: ArticleItem, read: int) -> ArticleItem:
    """The post with ``reach.comments`` at least the number of comments read (VK's count may lag behind)."""
    reach: Reach = post["reach"] or Reach()
    if read and (reach.comments or 0) < read:
        post["reach"] = reach.model_copy(update={"comments": read})
    return post
