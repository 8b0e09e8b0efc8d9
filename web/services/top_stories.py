"""Top negative stories for the press office: groups of health documents ranked by coverage × reach × severity.

A press officer asks "what is hurting us most right now", not "what came in last".  Until documents
are merged into incidents (issue 20 item 1), a *story* is the dashboard's own grouping: the crawler's
``story_id`` where near-duplicate articles share one, otherwise the documents of one department about
one main topic in the period.  ``rank_top_stories`` only needs hits and their reach, so the incidents
session can hand it incidents (or replace its grouping key) without touching the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from healthpulse.core.models.documents import DocumentRow
from healthpulse.indexes.highlight import strip_highlight
from healthpulse.indexes.query import Hit
from sqlalchemy import select

SEVERITY_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 3.0, "critical": 4.0}
SEVERITY_ORDER = ("low", "medium", "high", "critical")


@dataclass
class Story:
    """One group of documents about the same thing, with the figures it is ranked by."""

    key: str
    title: str
    url: str | None
    department: str | None
    topic: str | None
    first: datetime
    last: datetime
    documents: int = 0
    audience: int = 0  # summed reach of social posts (views etc.); news items count through their sources
    severity: str | None = None
    incident: bool = False
    sources: set[str] = field(default_factory=set)

    @property
    def reach_factor(self) -> float:
        """Distinct outlets plus the order of magnitude of the posts' audience: 1 outlet, no posts → 1."""
        return max(1, len(self.sources)) + math.log10(1 + self.audience)

    @property
    def score(self) -> float:
        return self.documents * self.reach_factor * SEVERITY_WEIGHT.get(self.severity or "", 1.0)


def group_key(hit: Hit) -> str:
    """Which story a document belongs to (replace with the incident id once incidents exist)."""
    if hit.department:
        return f"{hit.department}:{hit.topics[0] if hit.topics else '-'}"
    return hit.story_id or hit.id


def rank_top_stories(hits: Iterable[Hit], reach: dict[str, int], limit: int = 10,
                     key: Callable[[Hit], str] = group_key) -> list[Story]:
    """Group ``hits`` (newest first) by ``key`` and return the ``limit`` highest-scoring groups.

    Score = coverage (documents) × reach (outlets + log10 of the social audience) × severity weight
    (the group's worst).  Ties: the most recent group first.  The newest document names the story.
    """
    groups: dict[str, Story] = {}
    for h in hits:
        k = key(h)
        g = groups.get(k)
        if g is None:
            g = groups[k] = Story(key=k, title=h.title or _first_words(h.snippet), url=h.url, department=h.department,
                                  topic=h.topics[0] if h.topics else None, first=h.published_at, last=h.published_at)
        g.documents += 1
        g.first, g.last = min(g.first, h.published_at), max(g.last, h.published_at)
        g.incident = g.incident or bool(h.incident)
        g.audience += reach.get(h.id, 0)
        g.sources.add(urlsplit(h.url).netloc if h.url else h.channel)
        if h.severity in SEVERITY_WEIGHT and SEVERITY_WEIGHT[h.severity] > SEVERITY_WEIGHT.get(g.severity or "", 0):
            g.severity = h.severity
    return sorted(groups.values(), key=lambda g: (-g.score, -g.last.timestamp(), g.key))[:limit]


def reach_scores(session: Any, ids: list[str]) -> dict[str, int]:
    """The stored reach of those documents that have one (social posts), in one query."""
    if not ids:
        return {}
    rows = session.execute(select(DocumentRow.id, DocumentRow.reach_score)
                           .where(DocumentRow.id.in_(ids), DocumentRow.reach_score.is_not(None)))
    return {i: int(r) for i, r in rows}


def _first_words(snippet: str, n: int = 12) -> str:
    words = strip_highlight(snippet).split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")
