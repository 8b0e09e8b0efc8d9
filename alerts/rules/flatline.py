"""``flatline``: a source or channel that normally publishes has gone silent (what ElastAlert2 calls flatline).

A crawler broken by a site redesign or a hotline feed that stopped raises no error anywhere: documents
just stop coming.  On every sweep (``tick``) the rule counts, per ``key`` (a ``source`` or a
``channel``), the stored documents whose event time (``published_at``, else when fetched) falls in
the last ``window_hours`` and in the ``history_days`` before that window.  A key with at least
``min_history_count`` documents of history and fewer than ``threshold`` in the window fires once
(an alert in the triage queue, or ``department``'s); the alert recovers, with a notice, as soon as
the key publishes again (a new document, or the next sweep that sees the window filled).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from healthpulse.alerts.rules.base import Firing, Rule, RuleConfig, RuleContext
from healthpulse.alerts.rules.registry import register_rule
from healthpulse.core.domain import AlertState, Document, Severity
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.documents import DocumentRow
from pydantic import Field
from sqlalchemy import case, func, select


class FlatlineRuleConfig(RuleConfig):
    type: Literal["flatline"]
    key: Literal["source", "channel"] = "source"
    values: list[str] | None = Field(default=None, description="only these sources/channels (default: every one seen)")
    window_hours: float = Field(default=24.0, gt=0, description="silent = fewer than `threshold` documents in this window")
    threshold: int = Field(default=1, ge=1)
    history_days: float = Field(default=14.0, gt=0, description="how far back 'normally publishes' is judged")
    min_history_count: int = Field(default=7, ge=1, description="documents in the history that make a key a regular")
    department: str | None = Field(default=None, description="route here; unset = the triage queue")
    severity: Severity = "medium"


@register_rule
class FlatlineRule(Rule):
    type = "flatline"
    config_model = FlatlineRuleConfig
    config: FlatlineRuleConfig

    def _column(self):  # type: ignore[no-untyped-def]
        return DocumentRow.source if self.config.key == "source" else DocumentRow.channel

    def _volumes(self, ctx: RuleContext) -> dict[str, tuple[int, int]]:
        """Per key value: (documents in the window, documents in the history before it), on event time."""
        window_start = ctx.now - timedelta(hours=self.config.window_hours)
        history_start = window_start - timedelta(days=self.config.history_days)
        when = func.coalesce(DocumentRow.published_at, DocumentRow.fetched_at)
        col = self._column()
        q = (select(col, func.sum(case((when >= window_start, 1), else_=0)),
                    func.sum(case((when < window_start, 1), else_=0)))
             .where(col.is_not(None), when >= history_start, when <= ctx.now,
                    DocumentRow.channel.in_([c.value for c in self.config.channels]))
             .group_by(col))
        if self.config.values is not None:
            q = q.where(col.in_(self.config.values))
        return {value: (int(recent or 0), int(before or 0)) for value, recent, before in ctx.session.execute(q)}

    def _open_alerts(self, ctx: RuleContext) -> dict[str, AlertRow]:
        rows = ctx.session.scalars(select(AlertRow).where(
            AlertRow.rule_id == self.id, AlertRow.kind == "fire",
            AlertRow.state.in_([AlertState.OPEN.value, AlertState.ACKNOWLEDGED.value])))
        return {str(a.details.get("value")): a for a in rows if a.details and a.details.get("key") == self.config.key}

    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        """A silent key that publishes again recovers at once."""
        if not self.config.enabled:
            return []
        seen = {self._value(d) for d in docs if self.applies_to(d)}
        silent = self._open_alerts(ctx)
        back = sorted(v for v in seen if v is not None and v in silent)
        if not back:
            return []
        volumes = self._volumes(ctx)
        return [self._recovery(value, silent[value], volumes.get(value, (0, 0))[0]) for value in back
                if volumes.get(value, (0, 0))[0] >= self.config.threshold]

    def _value(self, doc: Document) -> str | None:
        return doc.source if self.config.key == "source" else doc.channel.value

    def tick(self, ctx: RuleContext) -> list[Firing]:
        if not self.config.enabled:
            return []
        volumes = self._volumes(ctx)
        silent = self._open_alerts(ctx)
        out: list[Firing] = []
        for value, (recent, before) in sorted(volumes.items()):
            if value in silent:
                if recent >= self.config.threshold:
                    out.append(self._recovery(value, silent[value], recent))
            elif recent < self.config.threshold and before >= self.config.min_history_count:
                out.append(self._fire(ctx.now, value, recent, before))
        return out

    def _fire(self, now: datetime, value: str, recent: int, before: int) -> Firing:
        c = self.config
        per_window = before / (c.history_days * 24 / c.window_hours)
        return Firing(
            rule_id=self.id, rule_type=self.type, severity=c.severity,
            title=f"{c.key} {value}: {recent} documents in {c.window_hours:g} h (usually ≈{per_window:.1f})",
            document_ids=[], department_id=c.department, group=False,
            reason=f"flatline: {value} has gone silent ({before} documents in the {c.history_days:g} days before)",
            details={"key": c.key, "value": value, "recent": recent, "history": before},
            event_start=now - timedelta(hours=c.window_hours), event_end=now,
        )

    def _recovery(self, value: str, alert: AlertRow, recent: int) -> Firing:
        return Firing(rule_id=self.id, rule_type=self.type, severity="low", title=f"{self.config.key} {value}: publishing again",
                      document_ids=[], department_id=alert.department_id, kind="recover", group=False, alert_id=alert.id,
                      reason=f"{value} publishes again ({recent} documents in {self.config.window_hours:g} h)")
