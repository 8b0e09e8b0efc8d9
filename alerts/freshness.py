"""Event time in the engine: is a firing past (older than the freshness window), and an alert's event span.

A firing whose documents (a spike: its bucket) ended longer ago than ``alert_freshness_hours`` is a
past episode: recorded, never paged (a backfill or a crawler catching up must not page anyone).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from healthpulse.alerts.rules.base import Firing
from healthpulse.core.models.alerts import AlertRow


def is_past(f: Firing, now: datetime, freshness_hours: float) -> bool:
    return f.event_end is not None and f.event_end < now - timedelta(hours=freshness_hours)


def widen_event_span(alert: AlertRow, f: Firing) -> None:
    """The alert's event span covers the firing's documents too."""
    if f.event_start is not None:
        alert.event_start = f.event_start if alert.event_start is None else min(alert.event_start, f.event_start)
    if f.event_end is not None:
        alert.event_end = f.event_end if alert.event_end is None else max(alert.event_end, f.event_end)
