"""Language identification: the five deployment languages, Arabic vs Persian, short and bad input."""

from __future__ import annotations

import pytest
from healthpulse.nlp.language_id import LanguageIdentifier


@pytest.fixture(scope="module")
def lid():
    return LanguageIdentifier(["ru", "ar", "fa", "vi", "en"])


@pytest.mark.parametrize(("text", "lang"), [
    ("Скорая ехала два часа", "ru"),
    ("تأخرت سيارة الإسعاف ساعتين", "ar"),
    ("آمبولانس دو ساعت دیر رسید", "fa"),
    ("Xe cấp cứu đến muộn hai tiếng", "vi"),
    ("The ambulance was two hours late", "en"),
    # Arabic vs Persian on short texts
    ("المستشفى مزدحم جدا", "ar"),
    ("بیمارستان خیلی شلوغ است", "fa"),
    ("هذا الطبيب", "ar"),
    ("این پزشک", "fa"),
    ("ممنون از پرستاران", "fa"),
    ("شكرا للممرضات", "ar"),
    # transcript style, no punctuation
    ("ну вот значит я пришла а там никого нет", "ru"),
    ("alo em chào chị em muốn hỏi về bảo hiểm", "vi"),
])
def test_languages(lid, text, lang):
    assert lid.identify(text)[0] == lang


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀 🙏", "!!! ??? ...", "12345 678", "\u200c\u200c"])
def test_no_letters_is_und_with_a_warning(lid, text):
    lang, score, warnings = lid.identify(text)
    assert lang == "und" and score == 0.0 and warnings


def test_mixed_language_text_gives_the_dominant_language(lid):
    text = ("В Сургуте закрыли поликлинику на ремонт. Пациентов перевели в другие отделения города. "
            "Врачи обещают открыть её через месяц. The clinic is closed.")
    lang, _, _ = lid.identify(text)
    assert lang == "ru"
    text2 = ("The hospital in Leeds reopened today after a long renovation with new wards and equipment. "
             "Patients welcomed it. Спасибо.")
    assert lid.identify(text2)[0] == "en"


def test_long_text_is_sampled(lid):
    lang, _, warnings = lid.identify("Больница закрыта. " * 100_000)
    assert lang == "ru"
    assert any("first" in w for w in warnings)


def test_restricting_to_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="xx"):
        LanguageIdentifier(["en", "xx"])


@pytest.mark.parametrize("hint", ["ar", "fa"])
def test_where_no_letter_tells_arabic_from_persian_the_hint_decides(lid, hint):
    """A few words of a call (Whisper sampling at a higher temperature heard "اسا آم" once, and "سلام من" is both
    languages): the caller's IVR choice decides, where the detector alone flipped between runs."""
    for text in ("اسا آم", "سلام من"):
        assert lid.identify(text, hint)[0] == hint


def test_letters_only_one_language_writes_outweigh_the_hint(lid):
    assert lid.identify("درمانگاه پزشک", "ar")[0] == "fa"  # گ and پ are Persian's own
    assert lid.identify("مرحبا بكم", "fa")[0] == "ar"
