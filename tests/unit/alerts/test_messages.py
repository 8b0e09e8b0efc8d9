import pytest
from healthpulse.alerts.delivery.messages import EVENTS, LANGS, render_email


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_renders_in_every_language(lang, event):
    subject, text, html = render_email(event, lang, {"title": "T", "severity": "high", "department": "D",
                                                     "ticket_id": 7, "tracking_code": "HP-AAAA-BBBB", "count": 2,
                                                     "survey_url": "https://x/survey/abc", "expires_at": "2026-01-19"})
    assert subject and text.strip() and html.startswith("<!doctype html>")
    assert f'lang="{lang}"' in html
    assert ('dir="rtl"' in html) == (lang in ("ar", "fa"))


def test_language_specific_wording_and_escaping():
    subject, text, html = render_email("alert", "ru", {"title": "<b>Смерть</b> в больнице", "severity": "critical",
                                                        "documents": [{"id": "d1", "title": "a<b", "url": None}]})
    assert subject == "[критическая] Новый сигнал: <b>Смерть</b> в больнице"
    assert "&lt;b&gt;Смерть" in html and "<b>Смерть" not in html
    assert "a<b" in text and "a&lt;b" in html
    assert render_email("alert", "xx", {"title": "t", "severity": "low"})[0] == "[low] New alert: t"


def test_topic_and_reason_are_in_the_recipients_language():
    """An Arabic department read "الموضوع: drug_supply" and "السبب: incident reported (severity high)"."""
    _, text, html = render_email("alert", "ar", {"title": "t", "severity": "high", "topic": "drug_supply",
                                                 "reason": "incident reported (severity high) — spike: 7 vs baseline 0.50, p=1.7e-04"})
    assert "drug_supply" not in text and "incident reported" not in text and "baseline" not in text
    assert "توفر الأدوية" in text and "عالية" in text and "7" in text
    assert render_email("alert", "en", {"title": "t", "severity": "low", "topic": "someone_elses_topic",
                                        "reason": "watchlist: insulin"})[1].count("someone_elses_topic") == 1
