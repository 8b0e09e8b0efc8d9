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


def fold(text: str) -> str:
    """Aggressive folding for matching and indexing (not for display)."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DIGITS)
    text = text.lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters/digits), the unit the gazetteer and FTS share."""
    return _TOKEN.findall(fold(text))


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their character spans in the original ``text``.

    Folding keeps a one-to-one character mapping except where NFKC/NFD
    change lengths; we fold per token so spans stay exact.
    """
    out = []
    for m in re.finditer(r"[\w\u200c]+", text, re.UNICODE):
        for sub in _TOKEN.finditer(fold(m.group(0))):
            out.append((sub.group(0), m.start(), m.end()))
    return out
