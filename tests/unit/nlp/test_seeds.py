"""The five seed articles (copies of ../shared/seeds in tests/data/nlp/seeds): news about public
health services — hotline KPIs, e-platforms, a pilot project. ARCHITECTURE: an incident is a
concrete negative event or failure someone should act on, not a policy announcement or praise.
These long articles once came out as incidents (0.9999): cue counts over the whole text piled up."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthpulse.core.domain import Document

SEEDS = Path(__file__).resolve().parents[2] / "data" / "nlp" / "seeds"
EXPECTED_LANGUAGE = {"000": "ar", "001": "ar", "002": "vi", "003": "fa", "004": "ru"}


def _seed_files():
    return sorted(SEEDS.glob("00*.txt"))


def test_all_five_seeds_are_there():
    assert [p.name[:3] for p in _seed_files()] == sorted(EXPECTED_LANGUAGE)


@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: p.name[:3])
def test_seed_announcement_is_health_news_not_an_incident(analyzer, path):
    a = analyzer.analyze(Document(id=path.stem, text=path.read_text(encoding="utf-8")))
    assert a.language == EXPECTED_LANGUAGE[path.name[:3]]
    assert a.health_related is True, a
    assert a.incident is False and a.severity is None, a
    assert a.incident_score < 0.5
    assert a.sentiment.label != "negative", a.sentiment


# 004 (Yugra's pilot of video appeals and a unified hotline) comes out as staff_conduct: topic F1 is the
# analyzer's weakest figure (README "Measured quality", issue 14). Strict: this fails once it is fixed.
_DIGITAL = [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="topic ranking misses digital_services"))
            if p.name.startswith("004") else p for p in _seed_files()]


@pytest.mark.parametrize("path", _DIGITAL, ids=lambda p: p.name[:3])
def test_seed_is_about_digital_services(analyzer, path):
    """Hotlines, e-platforms, a single window, video appeals: all digital services of the health system."""
    a = analyzer.analyze(Document(id=path.stem, text=path.read_text(encoding="utf-8")))
    assert "digital_services" in a.topic_ids, a.topics
