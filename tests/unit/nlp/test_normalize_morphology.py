"""Normalisation and the per-script variant rules the gazetteer relies on."""

from __future__ import annotations

import unicodedata

import pytest
from healthpulse.text.morphology import arabic_candidates, ru_stem, token_matches
from healthpulse.text.normalize import (
    fold,
    folded_words,
    nonspacing_marks,
    normalize_display,
    strip_marks,
    token_spans,
    tokens,
    word_tokens,
)


def test_fold_unifies_variants():
    assert fold("الإسكندرية") == fold("الاسكندريه")
    assert fold("ی") == fold("ي") and fold("ک") == fold("ك")
    assert fold("Sài Gòn") == "sai gon"
    assert fold("Ёлка") == "елка"
    assert fold("۱۲۳") == "123" and fold("١٢٣") == "123"
    assert fold("مُسْتَشْفَى") == fold("مستشفى")  # tashkeel removed


def test_the_mark_class_is_every_nonspacing_mark_of_unicode():
    """The character classes ``fold`` strips with are exactly category Mn, over every code point."""
    bmp, astral = nonspacing_marks()
    wrong = [hex(cp) for cp in range(0x110000)
             if (unicodedata.category(chr(cp)) == "Mn") != bool((bmp if cp < 0x10000 else astral).fullmatch(chr(cp)))]
    assert wrong == []
    assert strip_marks("a\u0301b\U0001d167c\U000e0100") == "abc"


def test_fold_strips_marks_of_every_script_and_keeps_ascii_as_lower_case():
    assert fold("Thành phố Hồ Chí Minh thiếu thuốc") == "thanh pho ho chi minh thieu thuoc"
    assert fold("ﻻ") == "لا" and fold("ﬁ") == "fi"  # NFKC compatibility forms
    assert fold("e\u0301\u0327") == "e" and fold("\U000e0100x") == "x"  # stacked marks; a plane-14 selector
    assert fold("INSULIN shortage, 2026!") == "insulin shortage, 2026!"
    assert [t for t, _, _ in token_spans("Bệnh VIỆN bệnh viện")] == ["benh", "vien", "benh", "vien"]


def test_display_keeps_tones_and_zwnj():
    assert normalize_display("  Bệnh   viện\u200b ") == "Bệnh viện"
    assert "\u200c" in normalize_display("می\u200cخواهم")


def test_zwnj_is_a_word_break_for_matching():
    assert tokens("تهرانی\u200cها") == ["تهراني", "ها"]


def test_russian_stems_and_endings():
    assert ru_stem(fold("Сургутская")) == fold("сургут")
    assert token_matches(fold("Сургут"), fold("Сургуте"), "cyrillic")
    assert token_matches(fold("больница"), fold("больнице"), "cyrillic")
    assert not token_matches(fold("Сургут"), fold("Сургутнефтегаз"), "cyrillic")


def test_arabic_clitics():
    assert fold("القاهرة") in arabic_candidates(fold("بالقاهرة"))
    assert fold("الجيزة") in arabic_candidates(fold("والجيزة"))
    assert fold("القاهرة") in arabic_candidates(fold("للقاهرة"))
    assert token_matches(fold("تهران"), fold("تهرانی"), "arabic")
    assert not token_matches(fold("تهران"), fold("تهرانسر"), "arabic")


FOLD_EDGES = ["x ¨ y", "a\u200cb c", "ـ", "Ａｂｃ ＤＥＦ", "e\u0301 \u0301x", "١٢٣ ۴۵", "ي ك ى ة", "\u00a0a\u2007b\u200bc",
              "Больница №3 — ЁЛКИ", "bệnh viện Chợ Rẫy", "بیمارستان‌های تهران", "  \n\t ", "", "ﷺ الصحة"]


@pytest.mark.parametrize("text", FOLD_EDGES)
def test_folding_chunk_by_chunk_gives_the_words_folding_the_whole_text_gives(text):
    """The content hash folds per whitespace chunk (remembered); it must hash what whole-text folding did,
    or every stored document's copies would stop matching."""
    assert folded_words(text) == fold(text).split()


@pytest.mark.parametrize("text", FOLD_EDGES)
def test_word_tokens_are_the_tokens_of_token_spans(text):
    assert word_tokens(text) == [t for t, _, _ in token_spans(text)]
