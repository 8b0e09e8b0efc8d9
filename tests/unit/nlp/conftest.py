"""One Analyzer (real encoder, real heads) and one analysis of the test split per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthpulse.core.departments import load_departments

REPO = Path(__file__).resolve().parents[3]
DEPARTMENTS = REPO / "data" / "departments.yaml"


@pytest.fixture(scope="session")
def departments():
    return load_departments(DEPARTMENTS)


@pytest.fixture(scope="session")
def analyzer(departments):
    """The process's one shipped analyzer (default settings, the bundled departments = ``DEPARTMENTS``),
    shared with the incident merge measurement so the models load once per run."""
    from tests.support.event_set import shared_analyzer

    return shared_analyzer()


@pytest.fixture(scope="session")
def test_split():
    from healthpulse.nlp.training.dataset import load_split

    return load_split("test")


@pytest.fixture(scope="session")
def test_results(analyzer, test_split):
    """(items, analyses, metrics) for the whole test split, computed once."""
    from healthpulse.nlp.evaluation import evaluate, to_document

    analyses = analyzer.analyze_many([to_document(it) for it in test_split], batch_size=64)
    return test_split, analyses, evaluate(test_split, analyses)


@pytest.fixture(scope="session")
def final_results(analyzer):
    """(items, analyses, metrics) for the final independent evaluation set (README's figures), computed once."""
    from healthpulse.nlp.evaluation import evaluate, to_document
    from healthpulse.nlp.training.dataset import load_split

    items = load_split("final")
    analyses = analyzer.analyze_many([to_document(it) for it in items], batch_size=64)
    return items, analyses, evaluate(items, analyses)


@pytest.fixture(scope="session")
def posts_results(analyzer):
    """(items, analyses, metrics) for the independent social-media posts set (README's posts figures)."""
    from healthpulse.nlp.evaluation import evaluate, to_document
    from healthpulse.nlp.training.dataset import load_split

    items = load_split("posts")
    analyses = analyzer.analyze_many([to_document(it) for it in items], batch_size=64)
    return items, analyses, evaluate(items, analyses)
