"""Inflection-aware phrase matching for watchlists, the same way the gazetteer matches places.

Reuses ``healthpulse.text.normalize.word_tokens`` (folding: case, diacritics,
Arabic/Persian letter variants, ZWNJ) and ``healthpulse.text.morphology``
(Russian case endings, Arabic proclitics, Persian suffixes): a phrase matches
when each of its tokens is realised by consecutive text tokens.  Persian
suffixes written after a ZWNJ («بیمارستان‌های») become tokens of their own
once folded; they are skipped so multi-word names still match.
"""

from __future__ import annotations

from collections import defaultdict

from healthpulse.text.morphology import lookup_keys, name_key, script_of, token_matches
from healthpulse.text.normalize import word_tokens

_DETACHED_SUFFIXES = frozenset({"ها", "هاي", "اي", "ي", "تر", "ترين"})


def phrase_tokens(text: str) -> list[str]:
    return [t for t in word_tokens(text) if t not in _DETACHED_SUFFIXES]


class PhraseMatcher:
    """Find which of a fixed list of phrases occur in a text (all languages at once)."""

    def __init__(self, phrases: list[str]):
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for phrase in phrases:
            toks = tuple(phrase_tokens(phrase))
            if toks:
                self._index[name_key(toks[0])].append((toks, script_of(toks[0]), phrase))

    def find(self, text: str) -> list[str]:
        """The phrases (as configured) that occur in ``text``, in text order, each once."""
        toks = phrase_tokens(text)
        found: dict[str, None] = {}
        for i, tok in enumerate(toks):
            for key in lookup_keys(tok):
                for name, script, phrase in self._index.get(key, ()):
                    if i + len(name) <= len(toks) and all(
                        token_matches(nt, toks[i + j], script) for j, nt in enumerate(name)
                    ):
                        found.setdefault(phrase)
        return list(found)
