"""Text analysis shared by every backend: folding, stemming, and the node template staying in step."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from healthpulse.indexes.text_analysis import (
    PERSIAN_SUFFIX_PATTERN,
    analyze,
    field_for,
    query_terms,
    stem_persian,
)


@pytest.mark.parametrize(
    ("field", "forms"),
    [
        ("ru", ["больница", "больницы", "больнице", "больницей", "больницах"]),
        ("ar", ["مستشفى", "المستشفى", "بالمستشفى", "مستشفي"]),  # Snowball Arabic; it leaves «وال…» alone
        ("fa", ["بیمارستان", "بیمارستانها", "بیمارستان‌ها", "بيمارستانهاي"]),
        ("en", ["hospital", "hospitals", "Hospital's"]),
    ],
)
def test_inflected_forms_share_one_term(field, forms):
    first_terms = [analyze(form, field)[0] for form in forms]
    assert len(set(first_terms)) == 1, dict(zip(forms, first_terms, strict=True))


def test_arabic_and_persian_letter_variants_fold_together():
    assert analyze("الإسكندرية", "ar") == analyze("الاسكندرية", "ar") == analyze("الأسكندرية", "ar")
    assert analyze("پزشک کشیک", "fa") == analyze("پزشك كشيك", "fa")  # Persian ک/ی vs Arabic ك/ي


def test_vietnamese_loses_tones_and_keeps_words():
    assert analyze("Bệnh viện Chợ Rẫy", "std") == ["benh", "vien", "cho", "ray"]
    assert analyze("Đà Nẵng", "std") == ["da", "nang"]


def test_persian_stripper_keeps_short_words_and_is_idempotent():
    assert stem_persian("ها") == "ها"
    assert stem_persian("داروها") == "دارو"
    assert stem_persian(stem_persian("بيمارستانهاي")) == stem_persian("بيمارستانهاي")


def test_language_picks_the_field():
    assert [field_for(x) for x in ("ru", "ar", "fa", "en", "vi", "und", None)] == ["ru", "ar", "fa", "en", "std", "std", "std"]


def test_query_terms_per_field_and_empty_text():
    terms = query_terms("Больницы больница")
    assert terms["ru"] == ["больниц"]  # duplicates collapse after stemming
    assert set(terms) == {"ru", "ar", "fa", "en", "std"}
    assert query_terms("  !!! ") == {} and query_terms(None) == {}


def test_node_template_mirrors_the_python_analysis():
    """templates/analysis-languages.json must do what text_analysis.py does, or backends drift apart."""
    raw = resources.files("healthpulse.indexes").joinpath("templates", "analysis-languages.json").read_text("utf-8")
    analysis = json.loads(raw)["template"]["settings"]["analysis"]
    assert analysis["filter"]["hp_persian_suffixes"]["pattern"] == PERSIAN_SUFFIX_PATTERN
    assert {analysis["filter"][f]["language"] for f in ("hp_russian_stemmer", "hp_arabic_stemmer", "hp_english_stemmer")} == {
        "Russian", "Arabic", "English"}
    mappings = json.loads(resources.files("healthpulse.indexes").joinpath("templates", "mappings.json").read_text("utf-8"))
    props = mappings["template"]["mappings"]["properties"]
    for field in ("ru", "ar", "fa", "en", "std"):
        assert props[f"content_{field}"]["analyzer"] == f"hp_{field}" and f"hp_{field}" in analysis["analyzer"]


@pytest.mark.parametrize(
    "text",
    [
        "В больнице Сургута\u00a0нет лекарств, ёлка!",
        "بیمارستان‌ها و پزشک\u200cها ۱۲۳",
        "الإسكندرية ـــ المستشفى، ٤٥",
        "Bệnh viện Chợ Rẫy (TP.HCM) quá tải — 3,5 giờ",
        "e\u0301cole ﬁne ½ Straße\tnew\nline",
        "",
    ],
)
def test_cached_tokenizer_equals_the_shared_one(text):
    from healthpulse.indexes.text_analysis import text_tokens
    from healthpulse.text.normalize import tokens

    assert text_tokens(text) == tokens(text)
