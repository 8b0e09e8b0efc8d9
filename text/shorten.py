"""A title made of a text's first words: cut after a whole word, with "…" when cut, never mid-word."""

from __future__ import annotations

_TRAILING = " ,;:-–—"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut at the last space of the second half of the
    budget (a word longer than that is cut), marked with "…". Why: an untitled report (a call, an appeal) is
    listed by its first words, and "Купили з" read as a typo to the press office."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if flat[len(cut)] != " " and space >= limit // 2:  # the budget ends inside a word: drop that word
        cut = cut[:space]
    return cut.rstrip(_TRAILING) + "…"
