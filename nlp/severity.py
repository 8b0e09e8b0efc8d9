"""Severity of an incident: a trained head, overridden upward by documented critical cues.

Rule (measured by ``healthpulse evaluate``): only incidents get a severity. If the text carries a
*critical cue* — a death, a coma, or a mass event (dozens of people hospitalised, an outbreak
with deaths) — severity is ``critical``; otherwise the severity head's label is used, except
that the head may not say ``critical`` without any cue (it then says ``high``: a model guess
alone should not page a director at night). Cue stems are matched on folded tokens (prefix
match), one list per language; they are short on purpose and listed here so they can be read.
"""

from __future__ import annotations

from healthpulse.text.normalize import tokens

# Stems of words that mean death / coma / mass casualties, per language (folded, prefix-matched).
CRITICAL_CUES: dict[str, tuple[str, ...]] = {
    "ru": ("умер", "умерл", "скончал", "погиб", "смерт", "летальн", "кома", "коме", "комы", "десятк", "массов"),
    "ar": ("توفي", "توفيت", "وفاه", "وفيات", "مات", "ماتت", "لقي حتفه", "غيبوبه", "العشرات", "عشرات", "حتفه"),
    "fa": ("فوت", "درگذشت", "جان باخت", "جان باختند", "مرگ", "کما", "ده‌ها", "دهها"),
    "vi": ("tu vong", "qua doi", "da mat", "chet", "hon me", "hang chuc"),
    "en": ("died", "dies", "death", "deaths", "dead", "killed", "coma", "dozens", "fatal", "fatality"),
}
# Cues shorter than this, and all Latin-script cues, must match a whole token (no prefix):
# «فوت» must not match «فوتبال», "dead" must not match "deadline".
_MIN_PREFIX = 4


def _cue_patterns(lang: str) -> list[tuple[str, ...]]:
    return [tuple(tokens(c)) for c in CRITICAL_CUES.get(lang, ())]


def critical_cue(text: str, lang: str) -> str | None:
    """The first critical cue found in ``text`` (folded), or None."""
    toks = tokens(text)
    langs = [lang] if lang in CRITICAL_CUES else list(CRITICAL_CUES)
    for lg in langs:
        for pat in _cue_patterns(lg):
            n = len(pat)
            for i in range(len(toks) - n + 1):
                if all(_tok_match(toks[i + j], pat[j], last=j == n - 1) for j in range(n)):
                    return " ".join(pat)
    return None


def _tok_match(tok: str, cue: str, last: bool) -> bool:
    if last and len(cue) >= _MIN_PREFIX and not cue.isascii():
        return tok.startswith(cue)
    return tok == cue


def decide(head_label: str | None, text: str, lang: str) -> tuple[str, str]:
    """(severity, reason)."""
    cue = critical_cue(text, lang)
    if cue:
        return "critical", f"critical cue '{cue}'"
    if head_label == "critical":
        return "high", "model said critical without a critical cue"
    return head_label or "medium", "severity head"
