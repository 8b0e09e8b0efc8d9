"""When the incident head and the sentiment head disagree, the sentiment head decides (nlp.stages.SeverityStage):
a text read as neutral or positive is not an incident, and a person is asked to look."""

from __future__ import annotations

import spacy
from healthpulse.nlp.analyzer import Analyzer
from healthpulse.nlp.stages import SeverityStage
from healthpulse.nlp.state import DocState

NLP = spacy.blank("xx")


def _analysed(sentiment: tuple[str, float], negative: float):
    st = DocState(title=None, body="Patients waited all night; the ward's heating failed again.", language="en",
                  health_score=0.9, health_threshold=0.5, incident_score=0.8, incident_threshold=0.5,
                  sentiment=sentiment, negative_score=negative, severity_head="medium")
    doc = NLP.make_doc(st.body)
    doc._.hp = st
    SeverityStage()(doc)
    return Analyzer._to_analysis(st)


def test_heads_agreeing_make_an_incident_with_a_severity():
    a = _analysed(("negative", 0.85), 0.85)
    assert a.incident is True and a.severity is not None and a.sentiment.label == "negative"
    assert not any("incident head says yes" in r for r in a.review_reasons)


def test_a_text_read_as_positive_is_not_an_incident_and_goes_to_review():
    a = _analysed(("positive", 0.7), 0.1)
    assert a.incident is False and a.severity is None
    assert a.sentiment.label == "positive"  # the head's own reading is kept, not forced to negative
    assert a.incident_score == 0.1  # P(incident) <= P(negative): its confidence is not the head's 0.8
    assert a.needs_review and any("incident head says yes (0.80)" in r and "positive" in r for r in a.review_reasons)


def test_a_text_read_as_neutral_is_not_an_incident_either():
    a = _analysed(("neutral", 0.5), 0.35)
    assert a.incident is False and a.incident_score == 0.35 and a.needs_review
