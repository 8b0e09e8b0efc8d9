"""Top negative stories for the press office: groups of health documents ranked by coverage × reach × severity.

A press officer asks "what is hurting us most right now", not "what came in last".  A *story* is the
incident its documents were merged into at ingest (``incidents/``) when that incident holds several
reports; any other document falls back to the dashboard's own grouping: the crawler's ``story_id`` where
near-duplicate articles share one, otherwise the documents of one department about one main topic in the
period (a lone report that opened an incident of its own is no better a story than its department's topic).
A story whose documents all belong to one incident carries its id, and its row opens the incident page.
The incidents list ranks whole incidents by the same score (``rank_incidents``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from healthpulse.indexes.highlight import strip_highlight
from healthpulse.indexes.query import Hit
from sqlalchemy import func, select

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
    incident_id: int | None = None  # the one incident all its documents belong to (None: none, or several)
    incident_ids: set[int | None] = field(default_factory=set)
    named_by: str | None = None  # the document whose title (or first words) names the story

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


@dataclass(frozen=True)
class Memberships:
    """Which incident each document is in (``of``), how many documents each incident holds (``size``) and its
    title (``titles``: the row names the incident as its page does)."""

    of: dict[str, int] = field(default_factory=dict)
    size: dict[int, int] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)


def incident_key(incidents: Memberships) -> Callable[[Hit], str]:
    """Group by the incident a document belongs to when it holds several reports, else by ``group_key``."""
    def key(hit: Hit) -> str:
        found = incidents.of.get(hit.id)
        return f"incident-{found}" if found is not None and incidents.size.get(found, 0) > 1 else group_key(hit)
    return key


def rank_top_stories(hits: Iterable[Hit], reach: dict[str, int], limit: int = 10,
                     key: Callable[[Hit], str] = group_key, incidents: Memberships | None = None) -> list[Story]:
    """Group ``hits`` (newest first) by ``key`` — by incident where ``incidents`` has the document in an
    incident of several reports — and return the ``limit`` highest-scoring groups.

    Score = coverage (documents) × reach (outlets + log10 of the social audience) × severity weight
    (the group's worst).  Ties: the most recent group first.  The newest document names the story, an
    incident's own title an incident's (a browser review: the row and the incident page named it differently).
    """
    if incidents:
        key = incident_key(incidents)
    groups: dict[str, Story] = {}
    for h in hits:
        k = key(h)
        g = groups.get(k)
        if g is None:
            g = groups[k] = Story(key=k, title=h.title or _first_words(h.snippet), url=h.url, department=h.department,
                                  topic=h.topics[0] if h.topics else None, first=h.published_at, last=h.published_at,
                                  named_by=h.id)
        g.documents += 1
        g.incident_ids.add(incidents.of.get(h.id) if incidents else None)
        g.first, g.last = min(g.first, h.published_at), max(g.last, h.published_at)
        g.incident = g.incident or bool(h.incident)
        g.audience += reach.get(h.id, 0)
        g.sources.add(outlet(h.source, h.url, h.channel))
        if h.severity in SEVERITY_WEIGHT and SEVERITY_WEIGHT[h.severity] > SEVERITY_WEIGHT.get(g.severity or "", 0):
            g.severity = h.severity
    for g in groups.values():
        g.incident_id = next(iter(g.incident_ids)) if len(g.incident_ids) == 1 else None
        if incidents and g.incident_id is not None and g.key.startswith("incident-"):
            g.title = incidents.titles.get(g.incident_id) or g.title
    return ranked(groups.values(), limit)


def outlet(source: str | None, url: str | None, channel: str) -> str:
    """Who published a document, for counting a story's distinct outlets: its source (the feed, site or
    channel the crawler follows), else its site, else its channel."""
    return source or (urlsplit(url).netloc if url else "") or channel


def unnamed(stories: Iterable[Story]) -> list[str]:
    """The documents that name stories still without a title or link (ranked from keys-only hits)."""
    return [g.named_by for g in stories if (not g.title or not g.url) and g.named_by]


def name_stories(stories: Iterable[Story], hits: Iterable[Hit]) -> None:
    """Give the unnamed ``stories`` their naming document's link and title, or its first words where it has
    none (``hits``: those documents, with snippets)."""
    found = {h.id: h for h in hits}
    for g in stories:
        if (h := found.get(g.named_by or "")) is not None:
            g.url = g.url or h.url
            g.title = g.title or h.title or _first_words(h.snippet)


def ranked(stories: Iterable[Story], limit: int) -> list[Story]:
    """Highest score first; ties: the most recent first."""
    return sorted(stories, key=lambda g: (-g.score, -g.last.timestamp(), g.key))[:limit]


@dataclass(frozen=True)
class IncidentDocument:
    """What ranking reads of one document of an incident."""

    url: str | None
    channel: str
    reach: int | None
    source: str | None = None


def rank_incidents(incidents: Iterable[dict[str, Any]], documents: dict[str, IncidentDocument],
                   limit: int = 50) -> list[Story]:
    """Incidents (``incidents.service`` dicts) as stories, ranked by the same coverage × reach × severity score;
    ``documents``: document id → its url, channel and reach."""
    stories = []
    for inc in incidents:
        docs = [documents[i] for i in inc["document_ids"] if i in documents]
        story = Story(key=f"incident-{inc['id']}", title=inc.get("title") or "", url=None,
                      department=inc.get("department"), topic=(inc.get("topics") or [None])[0],
                      first=inc["first_seen_at"], last=inc["last_seen_at"], documents=len(docs),
                      audience=sum(d.reach or 0 for d in docs), severity=inc.get("severity"), incident=True,
                      sources={outlet(d.source, d.url, d.channel) for d in docs}, incident_id=inc["id"])
        stories.append(story)
    return ranked(stories, limit)


def memberships(session: Any, ids: list[str]) -> Memberships:
    """The incidents of those of ``ids`` that are in one, with each incident's size and title (one query)."""
    if not ids:
        return Memberships()
    member = IncidentDocumentRow.__table__.alias("member")
    mine = (select(IncidentDocumentRow.document_id, IncidentDocumentRow.incident_id)
            .where(IncidentDocumentRow.document_id.in_(ids)).cte("mine"))
    sizes = (select(member.c.incident_id, func.count().label("n"))
             .where(member.c.incident_id.in_(select(mine.c.incident_id)))
             .group_by(member.c.incident_id).cte("sizes"))
    rows = session.execute(
        select(mine.c.document_id, mine.c.incident_id, IncidentRow.title, sizes.c.n)
        .join(IncidentRow, IncidentRow.id == mine.c.incident_id)
        .join(sizes, sizes.c.incident_id == mine.c.incident_id)).all()
    return Memberships(of={d: int(i) for d, i, _, _ in rows}, size={int(i): int(n) for _, i, _, n in rows},
                       titles={int(i): t for _, i, t, _ in rows if t})


def _first_words(snippet: str, n: int = 12) -> str:
    words = strip_highlight(snippet).split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")
