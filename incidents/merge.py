"""Which open incident a document joins, and why: several signals, never embedding cosine alone.

Measured on the independent event set, cosine alone separates events poorly (cross-lingual
reports of one event rarely pass 0.88), so a document joins an incident when

    score = cosine + DEPARTMENT_BONUS·[same department] + TOPIC_BONUS·[a shared topic]
            + FACILITY_BONUS·[a shared facility] − DAY_PENALTY·days since its last document  ≥  threshold

within ``window_days`` of the incident's last document, and only within one known department: a
document the gazetteer placed nowhere joins nothing (a browser review of the demo found a Cairo post,
a Ho Chi Minh City post and a Khanty-Mansiysk appeal in one incident; on the event set the rule costs
one document of the tuning half).  The bonuses lower the cosine a document needs when the other signals agree; the day
penalty raises it as the incident goes quiet, because most wrong merges were a second, similar event
of the same department a few days later (another insulin shortage in the same city, a second bribe
claim at the same hospital).  The weights and the threshold were chosen on one half of the event
set's events (by event-id hash, ``tests/unit/incidents/test_merge_quality.py``), read both with the
set's labels and by the shipped analyzer, and are reported on the other half.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

DEPARTMENT_BONUS = 0.04  # every candidate shares the department now; kept so stored scores stay comparable
TOPIC_BONUS = 0.08
FACILITY_BONUS = 0.0  # a shared facility added nothing on the tuning half once days count; kept as a signal
DAY_PENALTY = 0.03
DEFAULT_THRESHOLD = 0.88
DEFAULT_WINDOW_DAYS = 10.0


@dataclass(frozen=True)
class MergeSettings:
    threshold: float = DEFAULT_THRESHOLD
    window_days: float = DEFAULT_WINDOW_DAYS
    department_bonus: float = DEPARTMENT_BONUS
    topic_bonus: float = TOPIC_BONUS
    facility_bonus: float = FACILITY_BONUS
    day_penalty: float = DAY_PENALTY


@dataclass(frozen=True)
class MergeDocument:
    """What merging reads of a document (from its analysis), independent of storage."""

    id: str
    event_at: datetime
    department: str | None
    topics: frozenset[str]
    vector: np.ndarray | None
    facilities: frozenset[str] = frozenset()
    opens: bool = True  # an incident-flagged / negative document may open one; others only join


@dataclass
class IncidentState:
    """An incident as merging sees it: enough to score a new document against it."""

    key: Any
    department: str | None
    topics: set[str]
    first_at: datetime
    last_at: datetime
    vectors: list[np.ndarray] = field(default_factory=list)
    facilities: set[str] = field(default_factory=set)
    members: list[str] = field(default_factory=list)
    _matrix: np.ndarray | None = field(default=None, repr=False, compare=False)

    def matrix(self) -> np.ndarray | None:
        """``vectors`` stacked, remembered until one is added (a batch scores each of its documents against
        every open incident of the department: stacking per score was most of merging's arithmetic)."""
        if not self.vectors:
            return None
        if self._matrix is None or self._matrix.shape[0] != len(self.vectors):
            self._matrix = np.stack(self.vectors)
        return self._matrix

    def add(self, doc: MergeDocument) -> None:
        self.members.append(doc.id)
        self.topics |= doc.topics
        self.facilities |= doc.facilities
        self.first_at = min(self.first_at, doc.event_at)
        self.last_at = max(self.last_at, doc.event_at)
        if doc.vector is not None:
            self.vectors.append(doc.vector)

    def copy(self) -> IncidentState:
        """One that ``add`` may change without touching this one (ingest keeps states between batches and
        threads; a batch changes its own copy of an incident it joins). The stacked matrix is shared: ``add``
        replaces it, never writes into it."""
        return replace(self, topics=set(self.topics), vectors=list(self.vectors), facilities=set(self.facilities),
                       members=list(self.members))

    @classmethod
    def opened_by(cls, key: Any, doc: MergeDocument) -> IncidentState:
        state = cls(key=key, department=doc.department, topics=set(), first_at=doc.event_at, last_at=doc.event_at)
        state.add(doc)
        return state


@dataclass(frozen=True)
class MergeScore:
    score: float
    signals: dict[str, Any]


def score(doc: MergeDocument, incident: IncidentState, settings: MergeSettings) -> MergeScore | None:
    """The merge score of ``doc`` against ``incident`` with its signals; None when a hard rule excludes it."""
    window = timedelta(days=settings.window_days)
    if doc.event_at < incident.first_at - window or doc.event_at > incident.last_at + window:
        return None
    if not doc.department or doc.department != incident.department:
        return None
    cosine = _best_cosine(doc.vector, incident.matrix())
    if cosine is None:
        return None
    same_department = bool(doc.department) and doc.department == incident.department
    shared_topics = sorted(doc.topics & incident.topics)
    shared_facilities = sorted(doc.facilities & incident.facilities)
    days = abs((doc.event_at - incident.last_at).total_seconds()) / 86400.0
    total = (cosine + settings.department_bonus * same_department + settings.topic_bonus * bool(shared_topics)
             + settings.facility_bonus * bool(shared_facilities) - settings.day_penalty * days)
    signals = {"cosine": round(cosine, 4), "department": same_department, "topics": shared_topics,
               "facilities": shared_facilities, "days_apart": round(days, 2), "score": round(total, 4),
               "threshold": settings.threshold}
    return MergeScore(score=total, signals=signals)


def best_match(doc: MergeDocument, incidents: Iterable[IncidentState] | IncidentPool,
               settings: MergeSettings) -> tuple[IncidentState, MergeScore] | None:
    """The open incident ``doc`` joins (highest score at or above the threshold, the first on a tie), or None."""
    best: tuple[IncidentState, MergeScore] | None = None
    reach = (incidents.within_reach(doc, settings) if isinstance(incidents, IncidentPool)
             else within_reach(doc, list(incidents), settings))
    for incident in reach:
        scored = score(doc, incident, settings)
        if scored is None or scored.score < settings.threshold:
            continue
        if best is None or scored.score > best[1].score:
            best = (incident, scored)
    return best


def reach_floor(settings: MergeSettings) -> float:
    """The least cosine with which a document could still reach the threshold: every bonus earned, no day
    penalty (a hair below: one product's rounding may differ from another's)."""
    bonuses = (sum(max(0.0, b) for b in (settings.department_bonus, settings.topic_bonus, settings.facility_bonus))
               + max(0.0, -settings.day_penalty) * settings.window_days)
    return settings.threshold - bonuses - 1e-9


def reach_days(settings: MergeSettings) -> float:
    """How many days from an incident's last document a document may be and still reach the threshold at
    cosine 1 with every bonus: the day penalty closes the window before ``window_days`` does (8 days against
    10 by default), so ingest need not read the incidents that went quiet longer ago."""
    if settings.day_penalty <= 0:
        return float("inf")
    return (1.0 - reach_floor(settings)) / settings.day_penalty + 1e-6


class IncidentPool:
    """One department's open incidents, in order, with all their vectors in one growing matrix: ingest scores
    each document of a batch against the pool, and stacking hundreds of incidents' vectors again for every
    document cost more than the product itself (2 ms against 0.3 for 1,100 incidents)."""

    def __init__(self, incidents: Iterable[IncidentState] = ()) -> None:
        self.incidents: list[IncidentState] = []
        self._slot: dict[int, int] = {}  # id(incident) -> its place in ``incidents``
        self._rows = np.empty((0, 0))
        self._owner = np.empty(0, dtype=np.intp)
        self._used = 0
        for incident in incidents:  # stacked once below, not row by row: a pool starts with thousands
            self._slot[id(incident)] = len(self.incidents)
            self.incidents.append(incident)
        owned = [(slot, m) for slot, incident in enumerate(self.incidents) if (m := incident.matrix()) is not None]
        if owned:
            self._rows = np.concatenate([m for _, m in owned])
            self._owner = np.repeat([slot for slot, _ in owned], [m.shape[0] for _, m in owned]).astype(np.intp)
            self._used = self._rows.shape[0]

    def add(self, incident: IncidentState) -> None:
        """A further incident (after every one held, so the order stays the callers')."""
        self._slot[id(incident)] = len(self.incidents)
        self.incidents.append(incident)
        for vector in incident.vectors:
            self._append(len(self.incidents) - 1, vector)

    def swap(self, held: IncidentState, copy: IncidentState) -> None:
        """``copy`` (of ``held``, same vectors) takes ``held``'s place."""
        slot = self._slot.pop(id(held))
        self._slot[id(copy)] = slot
        self.incidents[slot] = copy

    def grew(self, incident: IncidentState, vector: np.ndarray | None) -> None:
        """``incident`` (held) took a document with ``vector``."""
        if vector is not None:
            self._append(self._slot[id(incident)], vector)

    def _append(self, slot: int, vector: np.ndarray) -> None:
        if self._used == self._rows.shape[0]:  # double the room: appending stays linear overall
            grown = np.empty((max(64, 2 * self._used), vector.shape[0]))
            if self._used:
                grown[:self._used] = self._rows[:self._used]
            self._rows = grown
            self._owner = np.resize(self._owner, grown.shape[0])
        self._rows[self._used] = vector
        self._owner[self._used] = slot
        self._used += 1

    def within_reach(self, doc: MergeDocument, settings: MergeSettings) -> list[IncidentState]:
        """As ``within_reach`` over ``incidents``, from the matrix already stacked."""
        if doc.vector is None or not self._used:
            return []
        best = np.full(len(self.incidents), -np.inf)
        np.maximum.at(best, self._owner[:self._used], self._rows[:self._used] @ doc.vector)
        return [self.incidents[i] for i in np.flatnonzero(best >= reach_floor(settings))]


def within_reach(doc: MergeDocument, incidents: list[IncidentState],
                 settings: MergeSettings) -> list[IncidentState]:
    """The incidents whose best cosine could reach the threshold were every bonus earned, in their order: an
    exact bound (bonuses only add, the day penalty only takes away), so ``best_match`` answers as if it had
    scored them all. One matrix product for the pool instead of a scored pass per incident: at a national
    crawl's density a department holds hundreds of open incidents and scoring each was a fifth of ingest
    (benchmarks/scale.py, py-spy at 850,000 documents)."""
    return IncidentPool(incidents).within_reach(doc, settings)


def cluster(docs: Sequence[MergeDocument], settings: MergeSettings) -> list[list[str]]:
    """Merge ``docs`` in event-time order the way ingest does, one at a time; a document that may not
    open an incident and joins none stays alone.  Used to measure and tune merging offline."""
    incidents: list[IncidentState] = []
    alone: list[list[str]] = []
    for doc in sorted(docs, key=lambda d: (d.event_at, d.id)):
        match = best_match(doc, incidents, settings)
        if match is not None:
            match[0].add(doc)
        elif doc.opens:
            incidents.append(IncidentState.opened_by(len(incidents), doc))
        else:
            alone.append([doc.id])
    return [i.members for i in incidents] + alone


def _best_cosine(vector: np.ndarray | None, members: np.ndarray | None) -> float | None:
    if vector is None or members is None:
        return None
    return float(np.max(members @ vector))
