"""Token-level variant matching for gazetteer names: inflection and clitics, per script.

Why rules here: place and facility names are a closed list given in base form, and the
variation we must absorb is regular morphology (Russian case endings, Arabic proclitics,
Persian suffixes). A name token matches a text token when one of the text token's
*candidates* equals the name token, or (Cyrillic) shares its stem with an allowed ending.
All strings are already folded by ``text.normalize.fold`` (lower case, no diacritics, Arabic
and Persian letters unified, ZWNJ split).
"""

from __future__ import annotations

import re
from functools import lru_cache

from healthpulse.text.normalize import fold

_CYRILLIC = re.compile(r"[а-я]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

# Russian nominal/adjectival endings, longest first (for stripping a base form to its stem).
_RU_BASE_ENDINGS = tuple(fold(e) for e in ("ская", "ское", "ский", "ая", "ое", "ий", "ый", "ой", "а", "я", "ь"))
# Endings a stem may take in running text (cases of nouns and of the derived adjectives).
_RU_SUFFIXES = frozenset(fold(x) for x in
    """ а у ом е ы и ой ий ый ая ое ую ие ые их ых ого ому ым ыми ими ами ам ах ях ю ем ей
    ская ское ский скую ской ском ских ские ского скому ским скими ск цы це цу цей ью""".split()
) | {""}

# Arabic proclitics: conjunctions, prepositions, article (folded forms).
_AR_CONJ = ("و", "ف")
_AR_PREP = ("ب", "ك", "ل")
# Persian/Arabic suffixes a place name may carry ("تهرانی", "تهرانيها", Arabic nisba / possessives).
_FA_SUFFIXES = frozenset({"", "ي", "ها", "هاي", "يها", "يهاي", "اي", "يان", "ه", "يه", "ين", "يون"})


def script_of(token: str) -> str:
    if _CYRILLIC.search(token):
        return "cyrillic"
    if _ARABIC.search(token):
        return "arabic"
    return "latin"


def ru_stem(token: str) -> str:
    """Base form → stem: «сургутская» → «сургутск», «больница» → «больниц», «сургут» → «сургут»."""
    for end in _RU_BASE_ENDINGS:
        if token.endswith(end) and len(token) - len(end) >= 3:
            return token[: -len(end)]
    return token


def arabic_candidates(token: str) -> set[str]:
    """Text token with proclitics peeled: «بالقاهره» → {بالقاهره, القاهره}, «والجيزه» → {…, الجيزه}."""
    out = {token}
    for t in list(out):
        if t.startswith(_AR_CONJ) and len(t) > 3:
            out.add(t[1:])
    for t in list(out):
        if t.startswith("لل") and len(t) > 4:  # ل + ال → لل
            out.add("ال" + t[2:])
        if t.startswith(_AR_PREP) and len(t) > 3:
            out.add(t[1:])
    return out


def token_matches(name_tok: str, text_tok: str, name_script: str) -> bool:
    """Does the folded text token realise the folded name token?"""
    if name_tok == text_tok:
        return True
    if name_script == "cyrillic":
        stem = ru_stem(name_tok)
        return text_tok.startswith(stem) and text_tok[len(stem):] in _RU_SUFFIXES
    if name_script == "arabic":
        for cand in arabic_candidates(text_tok):
            if cand == name_tok:
                return True
            if cand.startswith(name_tok) and cand[len(name_tok):] in _FA_SUFFIXES and len(name_tok) >= 3:
                return True
        return False
    # Latin: exact after folding (tones removed); English possessive "'s" is a separate token.
    return False


@lru_cache(maxsize=1 << 16)
def lookup_keys(text_tok: str) -> frozenset[str]:
    """Index keys under which a text token may find a name token (first 3 letters of each candidate).
    Cached: the gazetteer and every watchlist ask this for each token of every document, and words repeat."""
    if _ARABIC.search(text_tok):
        return frozenset(c[:3] for c in arabic_candidates(text_tok))
    return frozenset((text_tok[:3],))


def name_key(name_tok: str) -> str:
    return name_tok[:3]
