"""``spike``: volume per topic × department against its own baseline, on event time.

Method (EWMA-Poisson, ``spike_math``): time is cut into fixed buckets (``bucket_hours``) and every
document counts in the bucket of its event time (``published_at``, else when it was fetched or
received; see ``base.event_time``), stored in ``alert_spike_counts``.  A bucket is anomalous when
its count reaches ``min_count`` and the Poisson upper tail against the EWMA of the buckets before
it drops below ``alpha`` — once the rule has ``min_history`` buckets of stored history, so a
backfill of last month can fire on its first day.  A run of anomalous buckets is one episode
(``alert_spike_episodes``) and one alert; a late document updates the bucket it belongs to (and
joins that episode's alert); the episode ends, with a recovery notice, when a finished bucket after
it is no longer anomalous.  Whether an episode pages anyone (fresh) or is only recorded (past) is
the engine's call, from the episode's event time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from healthpulse.alerts.rules.base import (
    Firing,
    Rule,
    RuleConfig,
    RuleContext,
    as_utc,
    document_department,
    event_time,
)
from healthpulse.alerts.rules.reasons import spike_reason
from healthpulse.alerts.rules.registry import register_rule
from healthpulse.alerts.rules.spike_math import (
    SpikeParams,
    Verdict,
    bucket_index,
    bucket_start,
    lookback,
    poisson_sf,
    verdict,
)
from healthpulse.core.domain import Document, Severity
from healthpulse.core.models.alerts import SpikeCountRow, SpikeEpisodeRow
from pydantic import Field
from sqlalchemy import and_, func, or_, select

__all__ = ["SpikeRule", "SpikeRuleConfig", "poisson_sf"]

MAX_BUCKET_DOCS = 50
KEYS_PER_READ = 200  # topic × department keys per statement (each adds a few bound parameters)


class SpikeRuleConfig(RuleConfig):
    type: Literal["spike"]
    bucket_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    min_count: int = Field(default=5, ge=1)
    alpha: float = Field(default=0.001, gt=0, lt=0.5, description="Poisson upper-tail probability that counts as a spike")
    ewma_alpha: float = Field(default=0.3, gt=0, le=1)
    min_history: int = Field(default=7, ge=1, description="buckets of stored history needed before the rule may fire")
    min_rate: float = Field(default=0.5, gt=0, description="floor of the baseline rate per bucket")
    negative_only: bool = False
    topics: list[str] | None = None
    departments: list[str] | None = None
    severity: Severity = "medium"


Key = tuple[str, str]  # (department key, "" = none; topic)


@register_rule
class SpikeRule(Rule):
    type = "spike"
    config_model = SpikeRuleConfig
    config: SpikeRuleConfig

    @property
    def params(self) -> SpikeParams:
        c = self.config
        return SpikeParams(c.bucket_hours, c.min_count, c.alpha, c.ewma_alpha, c.min_history, c.min_rate)

    def bucket_of(self, when: datetime) -> datetime:
        return bucket_start(bucket_index(when, self.config.bucket_hours), self.config.bucket_hours)

    # -- what a batch adds to the stored history ----------------------
    def _keys(self, ctx: RuleContext, docs: list[Document]) -> dict[Key, dict[str, datetime]]:
        keys: dict[Key, dict[str, datetime]] = {}
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
                    keys.setdefault((dep, topic), {})[doc.id] = event_time(doc, ctx.now)
        return keys

    def _record(self, ctx: RuleContext, keys: dict[Key, dict[str, datetime]]) -> dict[Key, set[int]]:
        """Count the documents not counted yet; per key, the bucket indices they landed in.

        One read of what the batch's documents already count for (not one per key), one flush."""
        doc_ids = sorted({doc_id for items in keys.values() for doc_id in items})
        have = {tuple(row) for row in ctx.session.execute(
            select(SpikeCountRow.department_key, SpikeCountRow.topic, SpikeCountRow.document_id)
            .where(SpikeCountRow.rule_id == self.id, SpikeCountRow.document_id.in_(doc_ids)))}
        dirty: dict[Key, set[int]] = {}
        for (dep, topic), items in keys.items():
            for doc_id, when in items.items():
                if (dep, topic, doc_id) in have:
                    continue  # an updated or re-ingested copy is not new volume
                b = bucket_index(when, self.config.bucket_hours)
                ctx.session.add(SpikeCountRow(rule_id=self.id, department_key=dep, topic=topic, document_id=doc_id,
                                              bucket_start=bucket_start(b, self.config.bucket_hours), event_at=when,
                                              added_at=ctx.now))
                dirty.setdefault((dep, topic), set()).add(b)
        if dirty:
            ctx.session.flush()
        return dirty

    # -- reading the stored history -----------------------------------
    def _first_bucket(self, ctx: RuleContext) -> int | None:
        first = ctx.session.scalar(select(func.min(SpikeCountRow.bucket_start)).where(SpikeCountRow.rule_id == self.id))
        return None if first is None else bucket_index(as_utc(first), self.config.bucket_hours)

    def _counts(self, ctx: RuleContext, key: Key, lo: int, hi: int) -> dict[int, int]:
        return self._counts_of(ctx, {key: lo}, hi).get(key, {})

    def _counts_of(self, ctx: RuleContext, lows: dict[Key, int], hi: int) -> dict[Key, dict[int, int]]:
        """Per key, the count of each bucket from its low bucket to ``hi``: one grouped read for every key."""
        h = self.config.bucket_hours
        out: dict[Key, dict[int, int]] = {key: {} for key in lows}
        keys = sorted(lows)
        for start in range(0, len(keys), KEYS_PER_READ):
            part = keys[start:start + KEYS_PER_READ]
            rows = ctx.session.execute(
                select(SpikeCountRow.department_key, SpikeCountRow.topic, SpikeCountRow.bucket_start, func.count())
                .where(SpikeCountRow.rule_id == self.id, SpikeCountRow.bucket_start <= bucket_start(hi, h),
                       or_(*(and_(SpikeCountRow.department_key == dep, SpikeCountRow.topic == topic,
                                  SpikeCountRow.bucket_start >= bucket_start(lows[(dep, topic)], h))
                             for dep, topic in part)))
                .group_by(SpikeCountRow.department_key, SpikeCountRow.topic, SpikeCountRow.bucket_start))
            for dep, topic, when, n in rows:
                out[(dep, topic)][bucket_index(as_utc(when), h)] = n
        return out

    def _bucket_documents(self, ctx: RuleContext, key: Key, b: int) -> list[str]:
        return list(ctx.session.scalars(select(SpikeCountRow.document_id).where(
            SpikeCountRow.rule_id == self.id, SpikeCountRow.department_key == key[0], SpikeCountRow.topic == key[1],
            SpikeCountRow.bucket_start == bucket_start(b, self.config.bucket_hours))
            .order_by(SpikeCountRow.event_at, SpikeCountRow.id).limit(MAX_BUCKET_DOCS)))

    def _episodes(self, ctx: RuleContext, *, open_only: bool = False) -> list[SpikeEpisodeRow]:
        q = select(SpikeEpisodeRow).where(SpikeEpisodeRow.rule_id == self.id)
        if open_only:
            q = q.where(SpikeEpisodeRow.ended.is_(False))
        return list(ctx.session.scalars(q.order_by(SpikeEpisodeRow.first_bucket)))

    def _episodes_of(self, ctx: RuleContext, keys: list[Key]) -> list[SpikeEpisodeRow]:
        """The episodes of ``keys``, oldest first, in one read per ``KEYS_PER_READ`` keys."""
        out: list[SpikeEpisodeRow] = []
        keys = sorted(keys)
        for start in range(0, len(keys), KEYS_PER_READ):
            part = keys[start:start + KEYS_PER_READ]
            out.extend(ctx.session.scalars(select(SpikeEpisodeRow).where(
                SpikeEpisodeRow.rule_id == self.id,
                or_(*(and_(SpikeEpisodeRow.department_key == dep, SpikeEpisodeRow.topic == topic)
                      for dep, topic in part)))))
        return sorted(out, key=lambda e: (as_utc(e.first_bucket), e.id))

    # -- evaluation ---------------------------------------------------
    def evaluate(self, ctx: RuleContext, docs: list[Document]) -> list[Firing]:
        """Record the batch's documents, then judge every key it touched: a few reads for the whole batch
        (benchmarks/scale.py: five reads per topic × department made this rule 16 % of ingest time)."""
        dirty = self._record(ctx, self._keys(ctx, docs))
        first = self._first_bucket(ctx) if dirty else None
        if first is None:
            return []
        episodes: dict[Key, list[SpikeEpisodeRow]] = {key: [] for key in dirty}
        for ep in self._episodes_of(ctx, list(dirty)):
            episodes[(ep.department_key, ep.topic)].append(ep)
        lows = {key: self._oldest(dirty[key], episodes[key]) - lookback(self.params) for key in dirty}
        counts = self._counts_of(ctx, lows, self._now_index(ctx))
        out: list[Firing] = []
        for key in dirty:  # in the order the batch met them, as one key at a time
            out.extend(self._reconcile(ctx, key, dirty[key], first, episodes[key], counts[key]))
        return out

    def tick(self, ctx: RuleContext) -> list[Firing]:
        """Time passing ends episodes whose next bucket finished without being anomalous."""
        out: list[Firing] = []
        first = self._first_bucket(ctx)
        if first is None:
            return out
        for ep in self._episodes(ctx, open_only=True):
            key = (ep.department_key, ep.topic)
            last = self._index(ep.last_bucket)
            counts = self._counts(ctx, key, last - lookback(self.params), self._now_index(ctx))
            out.extend(self._advance(ctx, ep, counts, first))
        return out

    def _index(self, when: datetime) -> int:
        return bucket_index(as_utc(when), self.config.bucket_hours)

    def _now_index(self, ctx: RuleContext) -> int:
        return bucket_index(ctx.now, self.config.bucket_hours)

    def _oldest(self, dirty: Iterable[int], episodes: list[SpikeEpisodeRow]) -> int:
        """The oldest bucket judging ``dirty`` may revisit: the first dirty one, or the bucket after an open episode."""
        return min([min(dirty)] + [self._index(e.last_bucket) + 1 for e in episodes if not e.ended])

    def _reconcile(self, ctx: RuleContext, key: Key, dirty: Iterable[int], first: int,
                   episodes: list[SpikeEpisodeRow], counts: dict[int, int]) -> list[Firing]:
        """Judge the buckets the batch touched (oldest first): a new episode fires, an adjacent one is joined.
        ``episodes``: the key's episodes, oldest first; ``counts``: its buckets from ``_oldest`` less the lookback."""
        dirty = sorted(dirty)
        out: list[Firing] = []
        opened: dict[int, Firing] = {}  # id(episode) → its firing, for episodes opened in this batch
        for b in dirty:
            v = verdict(counts, b, first, self.params)
            if not v.anomalous:
                continue
            ep = next((e for e in episodes
                       if self._index(e.first_bucket) - 1 <= b <= self._index(e.last_bucket) + 1), None)
            if ep is None:
                ep = SpikeEpisodeRow(rule_id=self.id, department_key=key[0], topic=key[1], first_bucket=self._start(b),
                                     last_bucket=self._start(b), ended=False, updated_at=ctx.now)
                ctx.session.add(ep)
                episodes.append(ep)
                opened[id(ep)] = self._fire(ctx, key, b, v, ep)
                out.append(opened[id(ep)])
                continue
            if b > self._index(ep.last_bucket):
                ep.last_bucket = self._start(b)
            if b < self._index(ep.first_bucket):
                ep.first_bucket = self._start(b)
            ep.updated_at = ctx.now
            if id(ep) in opened:  # its alert is not open yet: the firing carries this bucket too
                f = opened[id(ep)]
                f.document_ids = list(dict.fromkeys(f.document_ids + self._bucket_documents(ctx, key, b)))
                f.event_start, f.event_end = self._span(ctx, self._index(ep.first_bucket), self._index(ep.last_bucket))
            elif ep.alert_id is not None:
                out.append(self._join(ctx, key, b, ep))
        for ep in episodes:
            if not ep.ended:
                out.extend(self._advance(ctx, ep, counts, first))
        return out

    def _advance(self, ctx: RuleContext, ep: SpikeEpisodeRow, counts: dict[int, int], first: int) -> list[Firing]:
        """Extend an open episode over the anomalous buckets after it; end it at the first finished bucket that
        is not anomalous (a recovery notice for its alert).  The bucket still being counted only waits."""
        now_b = self._now_index(ctx)
        while True:
            nb = self._index(ep.last_bucket) + 1
            if nb > now_b:
                return []
            if verdict(counts, nb, first, self.params).anomalous:
                ep.last_bucket = self._start(nb)
                continue
            if nb == now_b or ep.alert_id is None:
                return []  # still counting; or its alert opens with this batch, and the next sweep ends it
            ep.ended = True
            ep.updated_at = ctx.now
            return [] if ep.alert_id is None else [self._recovery(ep, counts, first)]

    def _start(self, b: int) -> datetime:
        return bucket_start(b, self.config.bucket_hours)

    def _span(self, ctx: RuleContext, first_b: int, last_b: int) -> tuple[datetime, datetime]:
        return self._start(first_b), min(self._start(last_b + 1), ctx.now)

    def _fire(self, ctx: RuleContext, key: Key, b: int, v: Verdict, ep: SpikeEpisodeRow) -> Firing:
        dep, topic = key

        def remember(alert_id: int, ep: SpikeEpisodeRow = ep) -> None:
            ep.alert_id = alert_id

        start, end = self._span(ctx, b, b)
        return Firing(
            rule_id=self.id,
            rule_type=self.type,
            severity=self.config.severity,
            # No count in the title: later documents of the episode join this alert, the list shows the live count.
            title=f"{topic}: spike over {self.config.bucket_hours:g} h (baseline ≈{v.rate:.1f})",
            document_ids=self._bucket_documents(ctx, key, b),
            department_id=dep or None,
            topic=topic,
            group=False,
            reason=spike_reason(v.count, v.rate, poisson_sf(v.count, v.rate)),
            details={"count": v.count, "baseline": round(v.rate, 3), "bucket_start": start.isoformat()},
            on_alert=remember,
            event_start=start,
            event_end=end,
        )

    def _join(self, ctx: RuleContext, key: Key, b: int, ep: SpikeEpisodeRow) -> Firing:
        """A later (or late) anomalous bucket of an episode: its documents join the episode's alert."""
        start, end = self._span(ctx, self._index(ep.first_bucket), self._index(ep.last_bucket))
        return Firing(rule_id=self.id, rule_type=self.type, severity=self.config.severity, title="",
                      document_ids=self._bucket_documents(ctx, key, b), department_id=key[0] or None, topic=key[1],
                      group=False, alert_id=ep.alert_id, event_start=start, event_end=end)

    def _recovery(self, ep: SpikeEpisodeRow, counts: dict[int, int], first: int) -> Firing:
        nb = self._index(ep.last_bucket) + 1
        rate = verdict(counts, nb, first, self.params).rate
        return Firing(
            rule_id=self.id,
            rule_type=self.type,
            severity="low",
            title=f"{ep.topic}: volume back to normal",
            document_ids=[],
            department_id=ep.department_key or None,
            topic=ep.topic,
            kind="recover",
            group=False,
            alert_id=ep.alert_id,
            reason=f"volume fell back to the baseline (≈{rate:.1f} per {self.config.bucket_hours:g} h)",
        )
