"""``watchlist``: terms or phrases (any language) per department, e.g. a hospital's name.

Matching is inflection-aware in the same way as the gazetteer (it reuses
``text.normalize`` and ``text.morphology``, see ``alerts.textmatch``), so
«Сургутской больнице» matches the term «Сургутская больница», «بالقاهرة»
matches «القاهرة» and «benh vien» matches «bệnh viện».
"""

from __future__ import annotations

from typing import Literal

from healthpulse.alerts.rules.base import (
    Firing,
    Rule,
    RuleConfig,
    RuleContext,
    document_department,
    event_time,
    primary_topic,
    short_title,
)
from healthpulse.alerts.rules.registry import register_rule
from healthpulse.alerts.textmatch import PhraseMatcher
from healthpulse.core.domain import Document, Severity
from pydantic import Field, field_validator


class WatchlistRuleConfig(RuleConfig):
    type: Literal["watchlist"]
    terms: list[str] = Field(min_length=1)
    department: str | None = Field(default=None, description="route here; unset = the document's department")
    severity: Severity = "medium"
    negative_only: bool = False

    @field_validator("terms")
    @classmethod
    def _non_blank(cls, v: list[str]) -> list[str]:
        for term in v:
            if not term.strip():
                raise ValueError("a watchlist term is empty")
        return v


@register_rule
class WatchlistRule(Rule):
    type = "watchlist"
    config_model = WatchlistRuleConfig
    config: WatchlistRuleConfig

    def __init__(self, config: WatchlistRuleConfig):
        super().__init__(config)
        self.matcher = PhraseMatcher(config.terms)

    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        out = []
        for doc in docs:
            if not self.applies_to(doc):
                continue
            a = doc.analysis
            if self.config.negative_only and (a is None or a.sentiment is None or a.sentiment.label != "negative"):
                continue
            hits = self.matcher.find(doc.full_text)
            if not hits:
                continue
            out.append(
                Firing(
                    rule_id=self.id,
                    rule_type=self.type,
                    severity=self.config.severity,
                    title=short_title(doc),
                    document_ids=[doc.id],
                    department_id=self.config.department or document_department(doc),
                    topic=primary_topic(doc),
                    story_id=doc.story_id,
                    reason="watchlist: " + ", ".join(sorted(set(hits))),
                    details={"terms": sorted(set(hits))},
                    event_start=event_time(doc, ctx.now),
                    event_end=event_time(doc, ctx.now),
                )
            )
        return out
