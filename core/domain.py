"""Domain model shared by every stage.

These are plain pydantic models (no database, no I/O) so that crawlers,
video intake, NLP, indexes, alerts and web can exchange them without
importing each other.  The database rows in ``core.models`` are mapped to and
from these objects by ``core.store``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from healthpulse.text.unstorable import unstorable_problem
from pydantic import BaseModel, ConfigDict, Field, model_validator

SentimentLabel = Literal["negative", "neutral", "positive"]
Severity = Literal["low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}
LANGUAGES: tuple[str, ...] = ("ru", "ar", "fa", "vi", "en")
UNKNOWN_LANGUAGE = "und"


class Channel(StrEnum):
    NEWS = "news"
    VIDEO_APPEAL = "video_appeal"
    TEXT_APPEAL = "text_appeal"
    HOTLINE = "hotline"
    EMAIL = "email"
    SOCIAL = "social"  # public posts: Telegram channels, VK walls, YouTube videos


def utcnow() -> datetime:
    return datetime.now(UTC)


def stable_id(*parts: str) -> str:
    """Idempotent document id: the same canonical URL / appeal id always maps to the same id."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:24]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Sentiment(_Model):
    label: SentimentLabel
    score: float = Field(ge=0.0, le=1.0)


class TopicScore(_Model):
    id: str
    score: float = Field(ge=0.0, le=1.0)


class PlaceMatch(_Model):
    """A gazetteer hit: the surface text found and what it resolved to."""

    text: str
    name: str  # base form from the departments file
    kind: Literal["place", "facility"] = "place"
    department: str | None = None
    start: int = 0
    end: int = 0


class Evidence(_Model):
    """Why the analysis says what it says: the piece of text that drove the incident decision, the places."""

    incident_text: str | None = None  # the sentence or chunk with the highest incident score
    incident_score: float | None = None  # that piece's own (calibrated) incident score
    places: list[str] = Field(default_factory=list)  # the place text as written in the document


class Analysis(_Model):
    """What nlp.Analyzer says about one text.

    A field is ``None`` when the component that fills it did not run
    (``components`` lists those that did) — never a made-up constant.
    """

    language: str = UNKNOWN_LANGUAGE
    language_score: float | None = None
    sentiment: Sentiment | None = None
    topics: list[TopicScore] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    place_matches: list[PlaceMatch] = Field(default_factory=list)
    facilities: list[str] = Field(default_factory=list)
    department: str | None = None
    health_related: bool | None = None
    health_score: float | None = None
    incident: bool | None = None
    incident_score: float | None = None
    severity: Severity | None = None
    components: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    evidence: Evidence | None = None
    # Low-confidence analyses are marked for a person to check (the inbox shows "needs review").
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    # The text's title + lead as a unit vector (nlp.embedding, set by the ingest pipeline for
    # health-related texts): incidents compare documents across languages with it, semantic search
    # ranks by it. Kept out of the JSON dump: the store keeps it as bytes in ``DocumentRow.embedding``.
    embedding: list[float] | None = Field(default=None, exclude=True, repr=False)

    @property
    def topic_ids(self) -> list[str]:
        return [t.id for t in self.topics]

    @property
    def incident_confidence(self) -> float | None:
        """Calibrated confidence of the incident label given (yes or no)."""
        if self.incident_score is None:
            return None
        return self.incident_score if self.incident else 1.0 - self.incident_score


class Segment(_Model):
    start: float
    end: float
    text: str


class Media(_Model):
    path: str | None = None
    duration: float | None = None
    poster_path: str | None = None
    segments: list[Segment] = Field(default_factory=list)


class Reach(_Model):
    """How many people a public post reached, as the source reports it (``None``: the source does not say)."""

    views: int | None = Field(default=None, ge=0)
    reactions: int | None = Field(default=None, ge=0)
    forwards: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)

    @property
    def score(self) -> int | None:
        """One number to rank posts by: the views, else the interactions counted (None when nothing is known)."""
        if self.views is not None:
            return self.views
        known = [n for n in (self.reactions, self.forwards, self.comments) if n is not None]
        return sum(known) if known else None


class Document(_Model):
    """A text that entered the system: a news article, a transcript, an appeal.

    ``id`` is the external id (given at ingest, or derived with ``stable_id``
    from the canonical URL / appeal id); every later output refers to it.
    """

    id: str = Field(min_length=1, max_length=128)
    channel: Channel = Channel.NEWS
    source: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    text: str
    language_hint: str | None = None
    department_hint: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    story_id: str | None = None
    author: str | None = None
    media: Media | None = None
    reach: Reach | None = None
    analysis: Analysis | None = None

    @model_validator(mode="after")
    def _storable(self) -> Document:
        """The last line of defence: text a database cannot store never reaches a batch (and fails it whole)."""
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) and (problem := unstorable_problem(value)):
                raise ValueError(f"'{name}' {problem}")
        return self

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


_TEXT_FIELDS = ("id", "source", "url", "canonical_url", "title", "text", "language_hint", "department_hint",
                "story_id", "author")


class AppealStatus(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    TRANSCRIBING = "transcribing"
    ANALYSED = "analysed"
    TICKET_OPENED = "ticket_opened"
    REJECTED = "rejected"
    CLOSED = "closed"


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    PAST = "past"  # an episode found in late or backfilled data: recorded, never paged


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_CITIZEN = "awaiting_citizen"
    CLOSED = "closed"
    REOPENED = "reopened"
