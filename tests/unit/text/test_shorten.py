"""``shorten``: a title from a text's first words, cut after a whole word and marked."""

from healthpulse.text.shorten import shorten


def test_a_short_text_is_kept_on_one_line():
    assert shorten("Нет инсулина\n в аптеке", 40) == "Нет инсулина в аптеке"


def test_a_long_text_is_cut_after_a_whole_word_and_marked():
    text = "Купили за свои деньги, потому что в аптеке при поликлинике его нет уже вторую неделю"
    out = shorten(text, 30)
    assert out == "Купили за свои деньги, потому…" and len(out) <= 30
    assert shorten("مواطنون في شبرا يشكون من قسم الطوارئ", 20) == "مواطنون في شبرا…"


def test_a_word_longer_than_half_the_budget_is_cut_inside():
    out = shorten("Antidisestablishmentarianism-is-long indeed", 12)
    assert out == "Antidisesta…" and len(out) == 12


def test_punctuation_before_the_cut_is_dropped():
    assert shorten("Скорая ехала два часа, — никто не ответил на звонок", 26) == "Скорая ехала два часа…"
