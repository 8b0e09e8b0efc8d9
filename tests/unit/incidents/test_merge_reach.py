"""``merge.within_reach``: the one-product bound ``best_match`` uses must never change its answer."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from healthpulse.incidents.merge import (
    IncidentPool,
    IncidentState,
    MergeDocument,
    MergeSettings,
    best_match,
    reach_days,
    score,
    within_reach,
)

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _exhaustive(doc: MergeDocument, incidents: list[IncidentState], settings: MergeSettings):
    """Every incident scored, the highest at or above the threshold (first on ties): the rule itself."""
    best = None
    for incident in incidents:
        scored = score(doc, incident, settings)
        if scored is not None and scored.score >= settings.threshold and (best is None or scored.score > best[1].score):
            best = (incident, scored)
    return best


def test_best_match_answers_as_if_every_incident_were_scored():
    rnd = random.Random(3)
    rng = np.random.default_rng(3)
    bases = [_unit(rng.normal(size=48)) for _ in range(6)]
    agreed = near_threshold = 0
    for trial in range(300):
        incidents = []
        for key in range(rnd.randrange(0, 40)):
            base = bases[rnd.randrange(len(bases))]
            state = IncidentState(key=key, department=rnd.choice(["a", "b"]), topics={rnd.choice("xyz")},
                                  first_at=T0 + timedelta(days=rnd.uniform(0, 20)),
                                  last_at=T0 + timedelta(days=rnd.uniform(20, 30)))
            for _ in range(rnd.randrange(0, 5)):  # an incident may hold no vector at all
                state.vectors.append(_unit(base + rnd.uniform(0.05, 0.8) * rng.normal(size=48) / 7))
            incidents.append(state)
        vector = _unit(bases[rnd.randrange(len(bases))] + rnd.uniform(0.05, 0.8) * rng.normal(size=48) / 7)
        doc = MergeDocument(id=f"d{trial}", event_at=T0 + timedelta(days=rnd.uniform(15, 40)), department="a",
                            topics=frozenset({rnd.choice("xyz")}), vector=vector)
        settings = MergeSettings(threshold=rnd.choice([0.7, 0.88, 0.95]))
        got, want = best_match(doc, incidents, settings), _exhaustive(doc, incidents, settings)
        assert (got and (got[0].key, got[1].score)) == (want and (want[0].key, want[1].score))
        agreed += 1
        near_threshold += want is not None
    assert agreed == 300 and near_threshold > 30  # the trials did exercise joins, not only misses


def test_the_bound_keeps_an_incident_that_only_its_bonuses_lift_over_the_threshold():
    settings = MergeSettings()
    e1, e2, e3 = np.eye(8)[:3]
    needed = settings.threshold - settings.department_bonus - settings.topic_bonus + 0.001
    doc_vec = needed * e1 + np.sqrt(1 - needed**2) * e2  # cosine to e1 just above threshold − bonuses
    lifted = IncidentState(key=1, department="a", topics={"x"}, first_at=T0, last_at=T0, vectors=[e1])
    far = IncidentState(key=2, department="a", topics={"x"}, first_at=T0, last_at=T0, vectors=[e3])
    doc = MergeDocument(id="d", event_at=T0, department="a", topics=frozenset({"x"}), vector=doc_vec)
    assert float(doc_vec @ e1) < settings.threshold  # the cosine alone would not do
    assert [i.key for i in within_reach(doc, [far, lifted], settings)] == [1]
    match = best_match(doc, [far, lifted], settings)
    assert match is not None and match[0].key == 1


def test_a_pool_kept_current_as_documents_join_and_open_answers_as_scoring_every_incident():
    """Ingest's way: one pool per department, grown as documents join (``grew``) or open (``add``); every
    answer equals the exhaustive one over the same incidents, which grow the same way."""
    rnd = random.Random(11)
    rng = np.random.default_rng(11)
    bases = [_unit(rng.normal(size=48)) for _ in range(8)]
    settings = MergeSettings()
    pool, incidents = IncidentPool(), []
    joins = opens = 0
    for n in range(400):
        if n == 200:  # a pool built at once from incidents already grown (a stretch's start) goes on the same
            pool = IncidentPool(incidents)
        vector = _unit(bases[rnd.randrange(len(bases))] + rnd.uniform(0.05, 0.8) * rng.normal(size=48) / 7)
        doc = MergeDocument(id=f"d{n}", event_at=T0 + timedelta(hours=n), department="a",
                            topics=frozenset({rnd.choice("xyz")}), vector=vector if rnd.random() > 0.05 else None)
        got, want = best_match(doc, pool, settings), _exhaustive(doc, incidents, settings)
        assert (got and (got[0].key, got[1].score)) == (want and (want[0].key, want[1].score)), n
        if got is not None:
            got[0].add(doc)
            pool.grew(got[0], doc.vector)
            joins += 1
        else:
            state = IncidentState.opened_by(len(incidents), doc)
            incidents.append(state)
            pool.add(state)
            opens += 1
    assert joins > 50 and opens > 20  # both paths exercised, the matrix grown past its first room


def test_past_reach_days_from_its_last_report_an_incident_cannot_be_joined_even_by_its_twin():
    """open_near reads only incidents within reach_days of a batch (8 days by default, inside the 10-day
    window): beyond it even an identical vector with every bonus scores below the threshold."""
    for settings in (MergeSettings(), MergeSettings(threshold=0.8, day_penalty=0.05), MergeSettings(threshold=0.95)):
        reach = reach_days(settings)
        assert reach < settings.window_days
        vec = _unit(np.ones(8))
        incident = IncidentState(key=1, department="a", topics={"x"}, first_at=T0, last_at=T0, vectors=[vec])
        for days, joins in ((reach - 0.01, True), (reach + 0.01, False)):
            for sign in (1, -1):  # a late report of an earlier day is measured from the last report too
                doc = MergeDocument(id="d", event_at=T0 + sign * timedelta(days=days), department="a",
                                    topics=frozenset({"x"}), vector=vec)
                scored = score(doc, incident, settings)
                reached = scored is not None and scored.score >= settings.threshold
                assert reached == (joins and days <= settings.window_days), (settings, days, sign)
