"""What every rule type shares: its config base model, the evaluation context and a firing.

A rule type is one ``…Rule`` class plus its pydantic config model (with a
``type`` literal), registered by name with ``@register_rule``; the rules
file is validated as a discriminated union of those models, so each type
owns its schema and there is no second schema beside it.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.domain import SEVERITY_ORDER, Channel, Document, Severity
from healthpulse.text.shorten import shorten
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

ALL_CHANNELS: list[Channel] = list(Channel)
FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew between a source and us that is not worth a warning

log = logging.getLogger(__name__)


class RuleConfig(BaseModel):
    """Fields every rule has; a rule type subclasses this and adds ``type: Literal[...]``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100, description="the rule's name")
    enabled: bool = True
    description: str | None = None
    channels: list[Channel] = Field(default_factory=lambda: list(ALL_CHANNELS))
    group_window_hours: float = Field(default=24.0, gt=0, description="join an open alert of the same department+topic seen within this window")
    realert_minutes: float = Field(default=60.0, ge=0, description="minimum gap between two notifications of one alert")
    notify: Literal["immediate", "digest"] = "immediate"


@dataclass
class RuleContext:
    session: Session
    now: datetime
    departments: DepartmentsFile


@dataclass
class Firing:
    """A rule's verdict about some documents; the engine turns it into (or joins it to) an alert."""

    rule_id: str
    rule_type: str
    severity: Severity
    title: str
    document_ids: list[str]
    department_id: str | None = None
    topic: str | None = None
    story_id: str | None = None
    reason: str = ""
    kind: Literal["fire", "recover"] = "fire"
    group: bool = True  # False: always a new alert (spike episodes are managed by the rule)
    alert_id: int | None = None  # a recovery refers to the alert it ends; a spike's later bucket joins it
    # Event time (when the documents were published; a spike: its buckets): grouping and freshness use it.
    event_start: datetime | None = None
    event_end: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    on_alert: Callable[[int], None] | None = None  # told the id of the alert this firing created


class Rule:
    """Base class of every rule type (class names end in ``Rule``)."""

    type: ClassVar[str]
    config_model: ClassVar[builtins.type[RuleConfig]]

    def __init__(self, config: RuleConfig):
        self.config = config

    @property
    def id(self) -> str:
        return self.config.id

    def applies_to(self, doc: Document) -> bool:
        return self.config.enabled and doc.channel in self.config.channels

    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        """Firings for a batch of freshly ingested (analysed) documents."""
        raise NotImplementedError

    def tick(self, ctx: RuleContext) -> list[Firing]:
        """Time-driven firings (e.g. a spike's recovery when no document arrives); default none."""
        return []


def as_utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def event_time(doc: Document, now: datetime) -> datetime:
    """When a document happened: ``published_at``, else when it was fetched or received.

    A time in the future (a source's wrong clock or time zone) is clamped to ``now`` with a warning,
    so it cannot open a bucket that has not begun or keep an alert "fresh" for days.
    """
    when = as_utc(doc.published_at or doc.fetched_at)
    if when > now + FUTURE_TOLERANCE:
        log.warning("document %s is dated %s, in the future: counted at %s", doc.id, when.isoformat(), now.isoformat())
        return now
    return min(when, now)


def severity_at_least(severity: str | None, threshold: str) -> bool:
    return severity is not None and SEVERITY_ORDER.get(severity, 0) >= SEVERITY_ORDER[threshold]


def primary_topic(doc: Document) -> str | None:
    """The highest-scoring topic of a document, if any."""
    if doc.analysis is None or not doc.analysis.topics:
        return None
    return max(doc.analysis.topics, key=lambda t: t.score).id


def document_department(doc: Document) -> str | None:
    """The department a document is routed to: the explicit hint (a citizen's region) wins over NLP.

    Except a hotline call: its hint is only the IVR option pressed, and a place the caller names (the
    gazetteer's answer, which falls back to the hint) is more specific.
    """
    if doc.channel == Channel.HOTLINE and doc.analysis is not None and doc.analysis.department:
        return doc.analysis.department
    if doc.department_hint:
        return doc.department_hint
    return doc.analysis.department if doc.analysis is not None else None


def short_title(doc: Document, limit: int = 140) -> str:
    text = (doc.title or doc.text or "").strip().splitlines()[0] if (doc.title or doc.text) else doc.id
    return shorten(text, limit)
