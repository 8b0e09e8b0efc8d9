"""``incident``: an analysed document with incident=true and severity ≥ a threshold."""

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
    severity_at_least,
    short_title,
)
from healthpulse.alerts.rules.reasons import incident_reason
from healthpulse.alerts.rules.registry import register_rule
from healthpulse.core.domain import Document, Severity


class IncidentRuleConfig(RuleConfig):
    type: Literal["incident"]
    min_severity: Severity = "low"
    require_health_related: bool = False


@register_rule
class IncidentRule(Rule):
    type = "incident"
    config_model = IncidentRuleConfig
    config: IncidentRuleConfig

    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        out = []
        for doc in docs:
            a = doc.analysis
            if a is None or not self.applies_to(doc) or not a.incident:
                continue
            if self.config.require_health_related and a.health_related is False:
                continue
            severity = a.severity or "medium"
            if not severity_at_least(severity, self.config.min_severity):
                continue
            out.append(
                Firing(
                    rule_id=self.id,
                    rule_type=self.type,
                    severity=severity,
                    title=short_title(doc),
                    document_ids=[doc.id],
                    department_id=document_department(doc),
                    topic=primary_topic(doc),
                    story_id=doc.story_id,
                    reason=incident_reason(severity),
                    event_start=event_time(doc, ctx.now),
                    event_end=event_time(doc, ctx.now),
                )
            )
        return out
