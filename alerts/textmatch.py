"""Inflection-aware phrase matching for watchlists.

Tokens come from ``healthpulse.nlp.normalize.tokens`` (folded: case,
diacritics, Arabic/Persian letter variants, ZWNJ).  A token is then reduced
with the Snowball stemmer of its script (Russian, Arabic, English) after
stripping Arabic proclitics (و، ف، ب، ل، ك + ال); Persian keeps the Arabic
stemmer (shared script) and Vietnamese needs none once tones are folded.
A phrase matches when its stems occur consecutively in the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from healthpulse.nlp.normalize import tokens

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_AR_PROCLITIC = re.compile(r"^(?:[وف]?(?:[بلك]?ال|لل|[بلك]))(?=\w{3,})")
_STEMMERS = {name: snowballstemmer.stemmer(name) for name in ("russian", "arabic", "english")}
_FA_SUFFIX = re.compile(r"(?:های|ها|ان|ی|ای|ش|م|ت)$")


@lru_cache(maxsize=50_000)
def stem(token: str) -> str:
    """One folded token → its matching key."""
    if _CYRILLIC.search(token):
        # fold() turns й into и, which Snowball does not expect: trim what is left of the ending.
        return _STEMMERS["russian"].stemWord(token).rstrip("аеиоуыэюяь") or token
    if _ARABIC.search(token):
        bare = _AR_PROCLITIC.sub("", token)
        if bare.startswith("ال") and len(bare) > 4:
            bare = bare[2:]
        if len(bare) > 4:
            bare = _FA_SUFFIX.sub("", bare) or bare
        return _STEMMERS["arabic"].stemWord(bare) if len(bare) > 3 else bare
    if token.isascii() and token.isalpha():
        return _STEMMERS["english"].stemWord(token)
    return token


# Persian suffixes written after a ZWNJ become tokens of their own once folded.
_DETACHED_SUFFIXES = frozenset({"ها", "هاي", "اي", "ي", "تر", "ترين"})


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in _DETACHED_SUFFIXES]


class PhraseMatcher:
    """Find which of a fixed list of phrases occur in a text (all languages at once)."""

    def __init__(self, phrases: list[str]):
        self.phrases: dict[tuple[str, ...], str] = {}
        for p in phrases:
            key = tuple(stems(p))
            if key:
                self.phrases[key] = p
        self.first: dict[str, list[tuple[str, ...]]] = {}
        for key in self.phrases:
            self.first.setdefault(key[0], []).append(key)

    def find(self, text: str, language: str | None = None) -> list[str]:
        """The phrases (as configured) that occur in ``text``; ``language`` is informational."""
        seq = stems(text)
        found: list[str] = []
        for i, s in enumerate(seq):
            for key in self.first.get(s, ()):
                if tuple(seq[i : i + len(key)]) == key:
                    found.append(self.phrases[key])
        return found
