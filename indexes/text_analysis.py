"""Per-language text analysis shared by every backend: fold, tokenize, stem.

Why one module: the embedded FTS5 index, and Elasticsearch/OpenSearch nodes
without the analysis-common module, index text that was analysed here; the
same functions analyse the query, so «больницы» finds «больница» the same way
in every backend.  Nodes with analysis-common run the equivalent custom
analyzers declared in ``templates/analysis-languages.json`` (same steps: fold,
letter unification, the same Snowball stemmers, the same Persian suffix rule).

A document's text goes to exactly one *field*, chosen by its language:
``ru``/``ar``/``en`` (Snowball), ``fa`` (light suffix stripper below) and
``std`` for Vietnamese and everything else (folding only: no tones).
A query term is analysed once per field and may match in any field; all
terms of a query must match within one field (operator AND).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import snowballstemmer
from healthpulse.text.normalize import tokens

FIELDS: tuple[str, ...] = ("ru", "ar", "fa", "en", "std")
_STEMMED_LANGUAGES = {"ru": "russian", "ar": "arabic", "en": "english"}

# Light Persian stemmer (no Snowball for Persian): strip a run of common
# plural / adjectival / ezafe suffixes, keeping at least two letters.  Written
# in folded letters (Arabic yeh ي, kaf ك), which is also what the node's
# persian_normalization produces; templates/analysis-languages.json carries
# the same expression (a unit test keeps them identical).
PERSIAN_SUFFIX_PATTERN = "^(..+?)(?:هايي|هاي|ها|ترين|تر|ات|ان|ي)+$"
_PERSIAN_SUFFIX = re.compile(PERSIAN_SUFFIX_PATTERN)


def field_for(language: str | None) -> str:
    """The text field a document of ``language`` is indexed into."""
    return language if language in ("ru", "ar", "fa", "en") else "std"


def stem_persian(token: str) -> str:
    return _PERSIAN_SUFFIX.sub(r"\1", token)


@lru_cache(maxsize=8)
def _stemmer(field: str) -> Callable[[str], str]:
    if field in _STEMMED_LANGUAGES:
        stemmer = snowballstemmer.stemmer(_STEMMED_LANGUAGES[field])
        return stemmer.stemWord
    if field == "fa":
        return stem_persian
    return lambda token: token


@lru_cache(maxsize=500_000)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    return tuple(tokens(chunk))


def text_tokens(text: str) -> list[str]:
    """``text.normalize.tokens(text)``, computed per whitespace-separated chunk with a cache.

    Same result (folding never joins or splits across whitespace) at a fraction
    of the cost on real text, where the same words keep coming back.
    """
    return [tok for chunk in text.split() for tok in _chunk_tokens(chunk)]


@lru_cache(maxsize=500_000)
def analyze_token(token: str, field: str) -> str:
    """One folded token → its index term in ``field``."""
    return _stemmer(field)(token) or token


def analyze(text: str, field: str) -> list[str]:
    """Text → index terms for ``field`` (fold, tokenize, stem)."""
    return [analyze_token(tok, field) for tok in text_tokens(text)]


def analyzed_string(text: str, field: str) -> str:
    """Index terms joined by spaces: what FTS5 and pre-analysed node fields store."""
    return " ".join(analyze(text, field))


def query_terms(text: str | None) -> dict[str, list[str]]:
    """Per field, the distinct terms a document must all contain to match ``text``.

    Empty when the text has no word characters (the query then has no text clause).
    """
    toks = text_tokens(text or "")
    if not toks:
        return {}
    out: dict[str, list[str]] = {}
    for field in FIELDS:
        seen: dict[str, None] = {}
        for tok in toks:
            seen.setdefault(analyze_token(tok, field), None)
        out[field] = list(seen)
    return out
