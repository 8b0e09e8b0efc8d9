"""Text normalisation shared by NLP, the gazetteer and the search indexes.

Two levels:
- ``normalize_display``: what we store and show — Unicode NFC, invisible
  junk removed, whitespace tidied; Vietnamese tones and Arabic letters kept.
- ``fold``: what we match and index — lower case, diacritics removed
  (Vietnamese tones, Arabic tashkeel, Russian ё→е), Arabic/Persian letter
  variants unified (أ/إ/آ/ا, ي/ی/ى, ك/ک, ة→ه), tatweel dropped, ZWNJ as a
  word break, Persian/Arabic-Indic digits as ASCII.
"""

from __future__ import annotations

import functools
import re
import unicodedata

ZWNJ = "\u200c"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u00ad"), None)
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_LETTERS = {
    ord("ی"): "ي",
    ord("ى"): "ي",
    ord("ک"): "ك",
    ord("ة"): "ه",
    ord("ۀ"): "ه",
    ord("ـ"): None,  # tatweel
    ord("đ"): "d",
    ord("Đ"): "d",
    ord(ZWNJ): " ",
    ord("ٱ"): "ا",
}
_FOLD_TABLE = {**_INVISIBLE, **_DIGITS, **_LETTERS}
_WS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_display(text: str) -> str:
    """NFC, control/invisible characters removed (ZWNJ kept: it is Persian orthography)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\n\t" or ch == ZWNJ or unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    text = _WS.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def to_ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


# Nonspacing marks live in the BMP, the SMP and plane 14 (variation selectors). The BMP's are one class
# (the regex engine tests it as a bitmap); the others as a second class, tried only on text outside the BMP.
_BMP = range(0x10000)
_ASTRAL_MARK_PLANES = (range(0x10000, 0x20000), range(0xE0000, 0xE1000))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _mark_class(planes: tuple[range, ...]) -> re.Pattern[str]:
    ranges: list[tuple[int, int]] = []
    for plane in planes:
        for cp in plane:
            if unicodedata.category(chr(cp)) == "Mn":
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
    return re.compile("[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                    for a, b in ranges) + "]+")


@functools.cache
def nonspacing_marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every nonspacing mark (category Mn) of this Python's Unicode tables: (those of the BMP, the rest).

    Why classes: stripping marks one character at a time through ``unicodedata.category`` was most of
    the cost of folding a long text (benchmarks/scale.py: content hashes and watchlist matching)."""
    return _mark_class((_BMP,)), _mark_class(_ASTRAL_MARK_PLANES)


def strip_marks(text: str) -> str:
    """``text`` without its nonspacing marks."""
    bmp, astral = nonspacing_marks()
    text = bmp.sub("", text)
    return astral.sub("", text) if _ASTRAL.search(text) else text


def fold(text: str) -> str:
    """Aggressive folding for matching and indexing (not for display)."""
    if text.isascii():
        return text.lower()  # what the steps below leave of ASCII text
    # One pass of the three tables: lower() leaves invisible characters and digits as they are.
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD_TABLE)
    stripped = strip_marks(unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped)


@functools.lru_cache(maxsize=1 << 16)
def _folded_chunk(chunk: str) -> tuple[str, ...]:
    return tuple(fold(chunk).split())


def folded_words(text: str) -> list[str]:
    """``fold(text).split()``, folded one whitespace-separated chunk at a time and remembered.

    Why: the content hash folds every stored document whole (0.17 ms each, most of it ``str.translate``
    over every character), while its chunks repeat across documents. Folding works character by character
    (and on a character's own combining marks), so chunk by chunk gives the same words."""
    return [w for chunk in text.split() for w in _folded_chunk(chunk)]


_TOKEN = re.compile(r"\w+", re.UNICODE)
_WORD = re.compile(r"[\w\u200c]+", re.UNICODE)  # a written word: letters, digits, Persian ZWNJ


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The folded tokens of one written word, remembered: a text's words repeat, and the watchlist and the
    gazetteer read every word of every document (folding per word is what keeps spans exact)."""
    return tuple(_TOKEN.findall(fold(word)))


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters/digits), the unit the gazetteer and FTS share."""
    return _TOKEN.findall(fold(text))


def word_tokens(text: str) -> list[str]:
    """The tokens of ``token_spans`` without their spans (the cheaper call when only the words matter)."""
    return [t for word in _WORD.findall(text) for t in _word_tokens(word)]


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their character spans in the original ``text``.

    Folding keeps a one-to-one character mapping except where NFKC/NFD
    change lengths; we fold per token so spans stay exact.
    """
    out = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        for token in _word_tokens(m.group()):
            out.append((token, start, end))
    return out
