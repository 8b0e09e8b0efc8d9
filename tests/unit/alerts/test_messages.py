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
