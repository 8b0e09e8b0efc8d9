"""Sentences that report a health authority's response: the "official statement" an incident's response can be.

Two parts. The lexicon (``nlp/data/official.yaml``) is a rule: a sentence counts when an authority phrase
("Депздрав Югры", "وزارة الصحة", "Sở Y tế") and an action phrase ("распорядился", "أكدت", "cho biết") stand
within ``WINDOW`` words of each other, no negation stands just before the action (nor, in Persian, a
negated verb just after it), and the sentence is not a question or a veto ("no answer yet", "nothing
changed"); matching runs on folded tokens, so unaccented Vietnamese and Arabic/Persian letter variants
match. ``OfficialResponseModel`` is what decides: a logistic regression over each sentence's e5 vector and
the lexicon's six signals, trained on a set written apart from the evaluation set
(``nlp/training/official.py``; figures in README). The rule alone stays for stored documents that the
model never read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from healthpulse.core.config_files import load_yaml_model
from healthpulse.text.normalize import tokens
from pydantic import BaseModel, ConfigDict

DEFAULT_LEXICON = Path(__file__).resolve().parent / "data" / "official.yaml"
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "official.npz"
WINDOW = 8            # words between an authority and its action
NEGATION_BEFORE = 3   # words before an action in which a negation undoes it
NEGATED_AFTER = 2     # words after an action in which a negated verb undoes it (Persian)
MAX_CHARS = 60_000    # a statement buried in a long article is found; a book is not read whole
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+|\n+")
_QUESTION = re.compile(r"[?؟]\s*[\"»”']?\s*$")

class OfficialLexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authorities: dict[str, list[str]]
    actions: dict[str, list[str]]
    negations: dict[str, list[str]]
    negated_verbs: dict[str, list[str]]
    vetoes: dict[str, list[str]]


class Phrases:
    """Phrases indexed by their first word, so a long article costs one dict lookup per word and phrase kind."""

    def __init__(self, words: list[str]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        self._prefixes: set[str] = set()  # one-word prefix phrases ("сообщил*")
        for w in words:
            folded = tuple(tokens(w.rstrip("*")))
            if not folded:
                continue
            if len(folded) == 1 and w.endswith("*"):
                self._prefixes.add(folded[0])
            else:
                self._by_first.setdefault(folded[0], []).append((folded, w.endswith("*")))

    def spans(self, toks: list[str]) -> list[tuple[int, int]]:
        """(start, end) word spans of every phrase occurrence in ``toks``."""
        out = []
        for i, t in enumerate(toks):
            if self._prefixes and any(t[:k] in self._prefixes for k in range(1, len(t) + 1)):
                out.append((i, i + 1))
            for words, prefix in self._by_first.get(t, ()):
                n = len(words)
                got = toks[i:i + n]
                if len(got) == n and got[:-1] == list(words[:-1]) and \
                        (got[-1].startswith(words[-1]) if prefix else got[-1] == words[-1]):
                    out.append((i, i + n))
        return out

@dataclass(frozen=True)
class LanguageLexicon:
    authorities: Phrases
    actions: Phrases
    negations: Phrases
    negated_verbs: Phrases
    vetoes: Phrases

    def signals(self, sentence: str) -> list[float]:
        """The model's lexicon features: authority, action, negation, veto, question, the rule's verdict."""
        toks = tokens(sentence)
        return [float(bool(self.authorities.spans(toks))), float(bool(self.actions.spans(toks))),
                float(bool(self.negations.spans(toks))), float(bool(self.vetoes.spans(toks))),
                float(bool(_QUESTION.search(sentence))), float(self.is_statement(sentence))]

    def is_statement(self, sentence: str) -> bool:
        if _QUESTION.search(sentence):
            return False
        toks = tokens(sentence)
        if not toks or self.vetoes.spans(toks):
            return False
        authorities = self.authorities.spans(toks)
        if not authorities:
            return False
        negations = self.negations.spans(toks)
        negated_verbs = self.negated_verbs.spans(toks)
        for start, end in self.actions.spans(toks):
            if any(start - NEGATION_BEFORE <= n_end <= start for _, n_end in negations):
                continue
            if any(end <= n_start < end + NEGATED_AFTER for n_start, _ in negated_verbs):
                continue
            if any(a_start - WINDOW <= end and start <= a_end + WINDOW for a_start, a_end in authorities):
                return True
        return False


class OfficialLexicon:
    def __init__(self, spec: OfficialLexiconFile):
        langs = set(spec.authorities) | set(spec.actions)
        self.languages = {lang: LanguageLexicon(
            Phrases(spec.authorities.get(lang, [])), Phrases(spec.actions.get(lang, [])),
            Phrases(spec.negations.get(lang, [])), Phrases(spec.negated_verbs.get(lang, [])),
            Phrases(spec.vetoes.get(lang, []))) for lang in sorted(langs)}

    def lexicon_for(self, language: str | None) -> LanguageLexicon:
        """``language``'s lexicon; English's for a language it does not cover."""
        return self.languages.get(language or "", self.languages["en"])

    def statements(self, text: str, language: str | None) -> list[str]:
        """The sentences of ``text`` that report an authority's response (in order, as written).

        An unknown language tries every language's lexicon (a mixed or unlabelled text)."""
        lexicons = [self.languages[language]] if language in self.languages else list(self.languages.values())
        return [s.strip() for s in _SENTENCE_END.split(text[:MAX_CHARS])
                if s.strip() and any(lex.is_statement(s) for lex in lexicons)]


@lru_cache(maxsize=2)
def load_official_lexicon(path: str | Path | None = None) -> OfficialLexicon:
    return OfficialLexicon(load_yaml_model(Path(path) if path else DEFAULT_LEXICON, OfficialLexiconFile))


@lru_cache(maxsize=8192)
def official_statements(text: str, language: str | None) -> tuple[str, ...]:
    """``OfficialLexicon.statements`` with the shipped lexicon, remembered (incident pages re-read the same texts)."""
    return tuple(load_official_lexicon().statements(text, language))


def sentences(title: str | None, text: str) -> list[str]:
    """The title (when there is one) and the text's sentences, as the model reads them."""
    parts = [title.strip()] if title and title.strip() else []
    return parts + [s.strip() for s in _SENTENCE_END.split(text[:MAX_CHARS]) if s.strip()]


class OfficialResponseModel:
    """P(a sentence reports an authority's response) from its e5 vector and the lexicon's signals."""

    def __init__(self, path: str | Path | None = None, num_threads: int = 2, cache_dir: str | None = None):
        from healthpulse.nlp.features import E5Features

        with np.load(Path(path) if path else DEFAULT_MODEL) as z:
            self.coef = z["coef"].astype(np.float64)
            self.intercept = float(z["intercept"])
            self.threshold = float(z["threshold"])
            self.layers = int(z["layers"])
        self.lexicon = load_official_lexicon()
        self.encoder = E5Features(num_threads, self.layers, cache_dir, cache_size=5_000)

    def features(self, parts: Sequence[str], language: str | None) -> np.ndarray:
        lex = self.lexicon.lexicon_for(language)
        signals = np.asarray([lex.signals(s) for s in parts], dtype=np.float32).reshape(len(parts), 6)
        return np.hstack([self.encoder.transform(list(parts)), signals])

    def probabilities(self, parts: Sequence[str], language: str | None) -> np.ndarray:
        if not parts:
            return np.zeros(0)
        z = self.features(parts, language) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def statements(self, title: str | None, text: str, language: str | None) -> list[str]:
        """The sentences (title first) the model takes for the authority's response, in reading order."""
        parts = sentences(title, text)
        return [s for s, p in zip(parts, self.probabilities(parts, language), strict=True) if p >= self.threshold]


@lru_cache(maxsize=2)
def load_official_model(num_threads: int = 2, cache_dir: str | None = None) -> OfficialResponseModel:
    return OfficialResponseModel(None, num_threads, cache_dir)
