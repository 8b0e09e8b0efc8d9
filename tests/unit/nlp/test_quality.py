"""Measured quality: issue 14's bar on the final independent set, and the first author's test split.

The final set (tests/data/nlp/independent/final_*.jsonl) is written by two authors who never saw
the training data; it was opened only to report these figures (README "Measured quality").
"""

from __future__ import annotations

import pytest
from healthpulse.nlp.evaluation import (
    CALIBRATION_TARGETS,
    NOT_YET_MET,
    PER_LANGUAGE_NOT_YET_MET,
    PER_LANGUAGE_TARGETS,
    TARGETS,
)

LANGS = ("ru", "ar", "fa", "vi", "en")


def test_final_set_is_big_enough_and_independent(final_results):
    items, _, _ = final_results
    assert len(items) >= 250
    for lang in LANGS:
        assert sum(1 for it in items if it.lang == lang) >= 50
    assert sum(1 for it in items if len(it.text) >= 800) >= 50  # long articles and transcripts
    assert {it.id.split("-")[0] for it in items} == {"fa", "fb"}  # two authors


@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_quality_on_independent_text(final_results, metric):
    """Issue 14's bar; where it is not met yet, the measured level (NOT_YET_MET) guards against regressions."""
    _, _, metrics = final_results
    bar = NOT_YET_MET.get(metric, TARGETS[metric])
    assert metrics["overall"][metric] >= bar, (metric, bar, metrics["overall"])


@pytest.mark.parametrize("lang", LANGS)
def test_no_language_is_left_behind(final_results, lang):
    _, _, metrics = final_results
    for metric, target in PER_LANGUAGE_TARGETS.items():
        bar = min(target, PER_LANGUAGE_NOT_YET_MET.get(metric, target))
        assert metrics[lang][metric] >= bar, (lang, metric, metrics[lang])


@pytest.mark.parametrize("metric", sorted(CALIBRATION_TARGETS))
def test_scores_mean_what_they_say(final_results, metric):
    _, _, metrics = final_results
    assert metrics["overall"][metric] <= CALIBRATION_TARGETS[metric], metrics["overall"]


def test_incidents_carry_their_evidence(final_results):
    items, analyses, _ = final_results
    flagged = [(it, a) for it, a in zip(items, analyses, strict=True) if a.incident]
    assert flagged
    for it, a in flagged:
        assert a.evidence is not None and a.evidence.incident_text
        # The evidence is quoted from the document as written, never made up.
        assert a.evidence.incident_text in it.text or a.evidence.incident_text in (it.title or ""), (it.id, a.evidence)


# Social-media posts (issue 18): no bar of their own yet; the measured level guards against regressions.
# 2026-12-04: 0.978 / 0.963 / 0.900 / 0.850 / 0.793 / 0.966 (README), held rounded down.
POSTS_MEASURED = {"language_acc": 0.97, "health_f1": 0.95, "incident_f1": 0.89, "sentiment_acc": 0.84,
                  "topic_f1": 0.78, "department_acc": 0.96}


def test_posts_set_is_independent_and_big_enough(posts_results):
    items, _, _ = posts_results
    for lang in LANGS:
        assert sum(1 for it in items if it.lang == lang and it.channel == "social") >= 100, lang
    assert sum(1 for it in items if it.incident) >= 150 and sum(1 for it in items if not it.health_related) >= 150


@pytest.mark.parametrize("metric", sorted(POSTS_MEASURED))
def test_quality_on_independent_posts(posts_results, metric):
    _, _, metrics = posts_results
    assert metrics["overall"][metric] >= POSTS_MEASURED[metric], (metric, metrics["overall"])


def test_first_author_split_still_holds(test_results):
    """The first author's held-out situations (same hand as train.jsonl): the older, easier bar."""
    _, _, metrics = test_results
    for metric, bar in {"language_acc": 0.99, "incident_f1": 0.90, "sentiment_acc": 0.85, "topic_f1": 0.80,
                        "department_acc": 0.90}.items():
        assert metrics["overall"][metric] >= bar, (metric, metrics["overall"])


def test_analysis_fields_are_consistent(final_results, test_results):
    for items, analyses, _ in (final_results, test_results):
        for it, a in zip(items, analyses, strict=True):
            assert a.language in LANGS
            assert a.sentiment is not None and 0.0 <= a.sentiment.score <= 1.0
            assert [t.score for t in a.topics] == sorted((t.score for t in a.topics), reverse=True)
            if not a.incident:
                assert a.severity is None
            else:
                assert a.severity in ("low", "medium", "high", "critical")
                assert a.sentiment.label == "negative"  # an incident is a negative event, never otherwise
            if not a.health_related:
                assert a.incident is False and a.topics == []
            assert {m.department for m in a.place_matches} >= ({a.department} - {None})
            assert "classifier" in a.components or "screen" in a.components
            assert a.needs_review == bool(a.review_reasons)
