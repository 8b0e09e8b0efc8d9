"""``spike``: volume per topic × department against its own baseline.

Method (EWMA-Poisson): time is cut into fixed buckets (``bucket_hours``).
For each (department, topic) the rule keeps an exponentially weighted moving
average λ of past bucket counts (empty buckets count as 0; a spike bucket
enters the average capped at the firing threshold so one burst does not
hide the next).  The current bucket fires when its count ``k`` reaches
``min_count`` and the Poisson upper tail ``P(X ≥ k | λ)`` drops below
``alpha`` — once there is at least ``min_history`` buckets of baseline.
It fires once per episode; when a later finished bucket is no longer
anomalous (tail ≥ alpha) a recovery notice ends the alert.  λ has a floor
(``min_rate``) so a quiet series does not fire on two documents.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Literal

from healthpulse.alerts.rules.base import Firing, Rule, RuleConfig, RuleContext, document_department
from healthpulse.alerts.rules.registry import register_rule
from healthpulse.core.domain import Document, Severity
from healthpulse.core.models.alerts import SpikeStateRow
from pydantic import Field
from sqlalchemy import select

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday: weekly buckets start on Mondays
MAX_BUCKET_DOCS = 50


class SpikeRuleConfig(RuleConfig):
    type: Literal["spike"]
    bucket_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    min_count: int = Field(default=5, ge=1)
    alpha: float = Field(default=0.001, gt=0, lt=0.5, description="Poisson upper-tail probability that counts as a spike")
    ewma_alpha: float = Field(default=0.3, gt=0, le=1)
    min_history: int = Field(default=7, ge=1, description="buckets of baseline needed before the rule may fire")
    min_rate: float = Field(default=0.5, gt=0, description="floor of the baseline rate per bucket")
    negative_only: bool = False
    topics: list[str] | None = None
    departments: list[str] | None = None
    severity: Severity = "medium"


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    log_lam = math.log(lam)
    below = sum(math.exp(-lam + i * log_lam - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below)


@register_rule
class SpikeRule(Rule):
    type = "spike"
    config_model = SpikeRuleConfig
    config: SpikeRuleConfig

    # -- time buckets -------------------------------------------------
    def bucket_of(self, when: datetime) -> datetime:
        size = self.config.bucket_hours * 3600
        n = math.floor((when - EPOCH).total_seconds() / size)
        return EPOCH + timedelta(seconds=n * size)

    def rate(self, state: SpikeStateRow) -> float:
        return max(state.baseline, self.config.min_rate)

    def threshold(self, lam: float) -> int:
        """Smallest count that is a spike at rate ``lam``."""
        k = self.config.min_count
        while poisson_sf(k, lam) >= self.config.alpha:
            k += 1
        return k

    def is_spike(self, count: int, state: SpikeStateRow) -> bool:
        return (
            count >= self.config.min_count
            and state.buckets_seen >= self.config.min_history
            and poisson_sf(count, self.rate(state)) < self.config.alpha
        )

    def _roll(self, state: SpikeStateRow, now: datetime) -> list[Firing]:
        """Fold finished buckets into the baseline; a recovery if the episode is over."""
        current = self.bucket_of(now)
        out: list[Firing] = []
        if state.bucket_start >= current:
            return out
        size = timedelta(hours=self.config.bucket_hours)
        a = self.config.ewma_alpha
        finished = state.bucket_count
        was_spike = self.is_spike(finished, state)
        capped = min(finished, self.threshold(self.rate(state)))
        state.baseline = float(finished) if state.buckets_seen == 0 else (1 - a) * state.baseline + a * capped
        state.buckets_seen += 1
        empty = int(round((current - state.bucket_start) / size)) - 1
        if empty > 0:
            state.baseline *= (1 - a) ** empty
            state.buckets_seen += empty
        ended = state.fired_bucket is not None and (
            empty > 0 or (state.bucket_start != state.fired_bucket and not was_spike)
        )
        if state.firing_alert_id is not None and ended:
            out.append(self._recovery(state))
        if ended:
            state.firing_alert_id = None
            state.fired_bucket = None
        state.bucket_start = current
        state.bucket_count = 0
        state.bucket_documents = []
        state.updated_at = now
        return out

    def _recovery(self, state: SpikeStateRow) -> Firing:
        return Firing(
            rule_id=self.id,
            rule_type=self.type,
            severity="low",
            title=f"{state.topic}: volume back to normal",
            document_ids=[],
            department_id=state.department_key or None,
            topic=state.topic,
            kind="recover",
            group=False,
            alert_id=state.firing_alert_id,
            reason=f"volume fell back to the baseline (≈{state.baseline:.1f} per {self.config.bucket_hours:g} h)",
        )

    def _state(self, ctx: RuleContext, dep: str, topic: str) -> SpikeStateRow:
        row = ctx.session.scalars(
            select(SpikeStateRow).where(
                SpikeStateRow.rule_id == self.id, SpikeStateRow.department_key == dep, SpikeStateRow.topic == topic
            )
        ).first()
        if row is None:
            row = SpikeStateRow(
                rule_id=self.id, department_key=dep, topic=topic, bucket_start=self.bucket_of(ctx.now),
                bucket_count=0, bucket_documents=[], baseline=0.0, buckets_seen=0, updated_at=ctx.now,
            )
            ctx.session.add(row)
        return row

    def _counts(self, docs: list[Document]) -> dict[tuple[str, str], list[str]]:
        keys: dict[tuple[str, str], list[str]] = {}
        for doc in docs:
            a = doc.analysis
            if a is None or not self.applies_to(doc):
                continue
            if self.config.negative_only and (a.sentiment is None or a.sentiment.label != "negative"):
                continue
            dep = document_department(doc) or ""
            if self.config.departments is not None and dep not in self.config.departments:
                continue
            for topic in a.topic_ids:
                if self.config.topics is None or topic in self.config.topics:
                    keys.setdefault((dep, topic), []).append(doc.id)
        return keys

    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        out: list[Firing] = []
        for (dep, topic), doc_ids in self._counts(docs).items():
            state = self._state(ctx, dep, topic)
            out.extend(self._roll(state, ctx.now))
            doc_ids = [d for d in doc_ids if d not in (state.bucket_documents or [])]  # an updated copy is not new volume
            if not doc_ids:
                continue
            state.bucket_count += len(doc_ids)
            state.bucket_documents = (list(state.bucket_documents or []) + doc_ids)[-MAX_BUCKET_DOCS:]
            state.updated_at = ctx.now
            if state.fired_bucket is None and self.is_spike(state.bucket_count, state):
                state.fired_bucket = state.bucket_start
                out.append(self._fire(state))
        return out

    def _fire(self, state: SpikeStateRow) -> Firing:
        lam = self.rate(state)

        def remember(alert_id: int, state: SpikeStateRow = state) -> None:
            state.firing_alert_id = alert_id

        return Firing(
            rule_id=self.id,
            rule_type=self.type,
            severity=self.config.severity,
            title=f"{state.topic}: {state.bucket_count} documents in {self.config.bucket_hours:g} h (baseline ≈{lam:.1f})",
            document_ids=list(state.bucket_documents),
            department_id=state.department_key or None,
            topic=state.topic,
            group=False,
            reason=f"spike: {state.bucket_count} vs baseline {lam:.2f}, p={poisson_sf(state.bucket_count, lam):.2g}",
            details={"count": state.bucket_count, "baseline": round(lam, 3), "bucket_start": state.bucket_start.isoformat()},
            on_alert=remember,
        )

    def tick(self, ctx: RuleContext) -> list[Firing]:
        out: list[Firing] = []
        rows = ctx.session.scalars(select(SpikeStateRow).where(SpikeStateRow.rule_id == self.id)).all()
        for state in rows:
            out.extend(self._roll(state, ctx.now))
        return out
