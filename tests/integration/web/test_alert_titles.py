"""Alert titles of the volume rules are stored in one language with raw keys; pages show them in the reader's."""

import re

import pytest
from healthpulse.web.server_messages import server_message

from tests.support.web import make_web_app

SPIKE = "drug_supply: spike over 24 h (baseline ≈0.5)"


@pytest.mark.parametrize(("lang", "topic"), [("en", "Drug supply"), ("ar", None), ("ru", None)])
def test_a_spike_title_is_shown_with_the_topic_label_in_the_readers_language(container, lang, topic):
    app = make_web_app(container)
    with app.test_request_context(f"/?lang={lang}"):
        shown = server_message(SPIKE)
    assert "drug_supply" not in shown and "baseline" not in shown
    if topic:
        assert shown.startswith(topic)
    if lang == "ar":
        assert not re.search("[0-9]", shown)  # Arabic-Indic digits like the rest of the page
    if lang == "ru":
        assert "всплеск" in shown


def test_a_document_title_is_left_as_it_is(container):
    with make_web_app(container).test_request_context("/?lang=ar"):
        assert server_message("Нет инсулина в аптеке Сургута") == "Нет инсулина в аптеке Сургута"
