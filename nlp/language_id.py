"""Language identification restricted to the deployment's languages (lingua, bundled models).

Why lingua: it ships its n-gram models in the wheel (offline), handles short texts well and,
restricted to ru/ar/fa/vi/en, separates Arabic from Persian reliably. We add three things:
- no letters (empty, emoji, punctuation) → ``und`` with a warning;
- mixed-language text → the dominant language: chunks are classified separately and weighted
  by their letter count;
- an Arabic/Persian tie-break from letters only one of the two uses (پ چ ژ گ ی ک vs ة ى ي ك)
  when lingua's margin between them is small.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetectorBuilder

_PERSIAN_ONLY = set("پچژگیک")
_ARABIC_ONLY = set("ةىيكأإؤئ")
_CHUNK = re.compile(r"[^\n.!?؟。]+[\n.!?؟。]*")


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):
    langs = []
    for code in languages:
        try:
            langs.append(IsoCode639_1.from_str(code))
        except ValueError:
            raise ValueError(f"language '{code}' is not supported by the language identifier") from None
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*langs)
    return builder.with_preloaded_language_models().build()


def letter_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


class LanguageIdentifier:
    """``identify(text)`` → (language code or "und", confidence, warnings)."""

    def __init__(self, languages: list[str] | tuple[str, ...], min_confidence: float = 0.5,
                 sample_chars: int = 3000, chunk_chars: int = 400):
        if len(languages) < 2:
            raise ValueError("language identification needs at least two deployment languages")
        self.languages = tuple(languages)
        self.min_confidence = min_confidence
        self.sample_chars = sample_chars
        self.chunk_chars = chunk_chars
        self._det = _detector(self.languages)

    def _confidences(self, text: str) -> dict[str, float]:
        values = self._det.compute_language_confidence_values(text)
        return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}

    def _chunks(self, text: str) -> list[str]:
        chunks: list[str] = []
        cur = ""
        for m in _CHUNK.finditer(text):
            piece = m.group(0)
            if cur and len(cur) + len(piece) > self.chunk_chars:
                chunks.append(cur)
                cur = ""
            cur += piece
        if cur.strip():
            chunks.append(cur)
        return chunks

    def _ar_fa(self, text: str, conf: dict[str, float], hint: str | None = None) -> dict[str, float]:
        """Arabic or Persian, where the detector hesitates: letters only one of them writes decide; where no such
        letter tells them apart (a few words of a call), the hint does (the caller's IVR menu choice, a feed's
        declared language), since it knows what the same script cannot show."""
        if not {"ar", "fa"} <= set(conf) or abs(conf["ar"] - conf["fa"]) > 0.6:
            return conf
        fa = sum(1 for ch in text if ch in _PERSIAN_ONLY)
        ar = sum(1 for ch in text if ch in _ARABIC_ONLY)
        if fa > ar or (fa == ar and hint == "fa"):
            winner, loser = "fa", "ar"
        elif ar > fa or (fa == ar and hint == "ar"):
            winner, loser = "ar", "fa"
        else:
            return conf
        total = conf["ar"] + conf["fa"]
        return dict(conf, **{winner: max(conf[winner], 0.9 * total), loser: min(conf[loser], 0.1 * total)})

    def identify(self, text: str, hint: str | None = None) -> tuple[str, float, list[str]]:
        warnings: list[str] = []
        sample = text[: self.sample_chars]
        if letter_count(sample) == 0:
            return "und", 0.0, ["no letters to identify a language (empty, emoji or punctuation only)"]
        if len(text) > self.sample_chars:
            warnings.append(f"language identified on the first {self.sample_chars} characters")
        chunks = self._chunks(sample) if len(sample) > self.chunk_chars else [sample]
        weight: dict[str, float] = defaultdict(float)
        total = 0
        for chunk in chunks:
            n = letter_count(chunk)
            if n == 0:
                continue
            conf = self._ar_fa(chunk, self._confidences(chunk), hint)
            for lang, v in conf.items():
                weight[lang] += n * v
            total += n
        if not total:
            return "und", 0.0, warnings + ["no letters to identify a language"]
        lang = max(weight, key=lambda k: weight[k])
        score = weight[lang] / total
        if len(chunks) > 1 and score < 0.9:
            warnings.append("mixed-language text: the dominant language was chosen")
        if score < self.min_confidence:
            if hint in self.languages:
                return hint, score, warnings + [f"language uncertain ({lang} {score:.2f}); used the hint '{hint}'"]
            return "und", score, warnings + [f"language uncertain (best guess {lang}, {score:.2f})"]
        return lang, round(score, 4), warnings
