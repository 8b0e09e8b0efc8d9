"""The spike rule's maths on event-time buckets, with no database: what a bucket's baseline and verdict are.

A bucket's verdict depends only on the stored counts of that bucket and the ones before it (and on
where the rule's history begins), never on the order in which documents arrived: a series fed day
by day, in one batch or shuffled gives the same verdicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday: weekly buckets start on Mondays


@dataclass(frozen=True)
class SpikeParams:
    bucket_hours: float = 24.0
    min_count: int = 5
    alpha: float = 0.001
    ewma_alpha: float = 0.3
    min_history: int = 7
    min_rate: float = 0.5


@dataclass(frozen=True)
class Verdict:
    count: int
    rate: float  # the baseline rate the count was judged against (≥ min_rate)
    anomalous: bool


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    log_lam = math.log(lam)
    below = sum(math.exp(-lam + i * log_lam - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below)


def bucket_index(when: datetime, hours: float) -> int:
    return math.floor((when - EPOCH).total_seconds() / (hours * 3600))


def bucket_start(index: int, hours: float) -> datetime:
    return EPOCH + timedelta(seconds=index * hours * 3600)


def threshold(lam: float, p: SpikeParams) -> int:
    """Smallest count that is a spike at rate ``lam``."""
    k = p.min_count
    while poisson_sf(k, lam) >= p.alpha:
        k += 1
    return k


def lookback(p: SpikeParams) -> int:
    """Buckets the baseline reads: until older ones weigh under 1 %, and at least ``min_history``."""
    if p.ewma_alpha >= 1:
        return p.min_history
    return max(p.min_history, math.ceil(math.log(0.01) / math.log(1 - p.ewma_alpha)))


def baseline(counts: Mapping[int, int], b: int, first: int, p: SpikeParams) -> float:
    """EWMA of the counts of the buckets before ``b`` (from ``first``, the rule's first bucket, or the lookback);
    empty buckets count 0, a spike bucket enters capped at the threshold so one burst does not hide the next."""
    start = max(first, b - lookback(p))
    if start >= b:
        return 0.0
    lam = float(counts.get(start, 0))
    for i in range(start + 1, b):
        cap = threshold(max(lam, p.min_rate), p)
        lam = (1 - p.ewma_alpha) * lam + p.ewma_alpha * min(counts.get(i, 0), cap)
    return lam


def verdict(counts: Mapping[int, int], b: int, first: int, p: SpikeParams) -> Verdict:
    """Bucket ``b`` is anomalous when the rule has ``min_history`` buckets of history before it, its count
    reaches ``min_count`` and P(X ≥ count | Poisson(max(λ, min_rate))) < ``alpha``."""
    count = counts.get(b, 0)
    rate = max(baseline(counts, b, first, p), p.min_rate)
    anomalous = b - first >= p.min_history and count >= p.min_count and poisson_sf(count, rate) < p.alpha
    return Verdict(count, rate, anomalous)


def episodes(counts: Mapping[int, int], first: int, last: int, p: SpikeParams) -> list[tuple[int, int]]:
    """Runs of consecutive anomalous buckets in ``first..last`` as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for b in range(first, last + 1):
        if not verdict(counts, b, first, p).anomalous:
            continue
        if runs and runs[-1][1] == b - 1:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((b, b))
    return runs
