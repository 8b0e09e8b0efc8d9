"""Places and facilities → department, by gazetteer matching against the departments file.

Matching runs on folded tokens (``nlp.normalize.token_spans``) with the per-script variant
rules of ``nlp.morphology`` (Russian cases, Arabic clitics and hamza/ta-marbuta variants,
Persian suffixes and ZWNJ, Vietnamese with or without tones, abbreviations from
nlp/data/place_aliases.yaml).

Choosing one department when several match (documented rule, measured by ``healthpulse evaluate``):
each match scores 1 (a place) or 2 (a facility: it names where the event happened), +1 when
it stands in a locative context (в/во/на, في or an Arabic ب- clitic, در, ở/tại, in/at), −0.75
when it stands in a source context (из, من, از, từ, from: where a person comes from). The
department with the highest total wins; ties go to the earliest mention.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from healthpulse.core.config_files import load_yaml_model
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.domain import PlaceMatch
from healthpulse.text.morphology import lookup_keys, name_key, script_of, token_matches
from healthpulse.text.normalize import token_spans, tokens, word_tokens
from pydantic import BaseModel, ConfigDict

DEFAULT_ALIASES = Path(__file__).resolve().parent / "data" / "place_aliases.yaml"

LOCATIVE = frozenset({"в", "во", "на", "под", "في", "بمدينه", "در", "o", "tai", "in", "at", "near"})
SOURCE = frozenset({"из", "от", "من", "از", "tu", "from"})


class AliasesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aliases: dict[str, list[str]] = {}


@lru_cache(maxsize=4)
def load_aliases(path: str | Path | None = None) -> dict[str, list[str]]:
    return load_yaml_model(Path(path) if path else DEFAULT_ALIASES, AliasesFile).aliases


@dataclass(frozen=True)
class GazetteerEntry:
    name: str  # base form as written in the departments file
    kind: str  # "place" | "facility"
    department: str
    tokens: tuple[str, ...]
    script: str


@dataclass
class _Hit:
    entry: GazetteerEntry
    first: int  # token index
    last: int
    start: int  # char offsets in the text
    end: int


class PlaceGazetteer:
    """All place/facility names of a departments file, indexed for variant-tolerant lookup."""

    def __init__(self, departments: DepartmentsFile, aliases: dict[str, list[str]] | None = None):
        aliases = load_aliases() if aliases is None else aliases
        folded_aliases: dict[str, list[str]] = defaultdict(list)
        for key, forms in aliases.items():
            folded_aliases[" ".join(tokens(key))].extend(forms)
        self.entries: list[GazetteerEntry] = []
        for dep in departments.departments:
            for kind, names in (("place", dep.places), ("facility", dep.facilities)):
                for name in names:
                    toks = _name_tokens(name)
                    if toks:
                        self.entries.append(GazetteerEntry(name, kind, dep.id, toks, script_of(toks[0])))
        direct = {e.tokens for e in self.entries}
        for e in list(self.entries):
            for form in folded_aliases.get(" ".join(e.tokens), []):
                toks = _name_tokens(form)
                if toks and toks not in direct:
                    direct.add(toks)
                    self.entries.append(GazetteerEntry(e.name, e.kind, e.department, toks, script_of(toks[0])))
        self._index: dict[str, list[GazetteerEntry]] = defaultdict(list)
        for e in dict.fromkeys(self.entries):
            self._index[name_key(e.tokens[0])].append(e)

    def find(self, text: str) -> list[PlaceMatch]:
        return [self._to_match(text, h) for h in self._hits(token_spans(text))[0]]

    def analyse(self, text: str, department_hint: str | None = None) -> tuple[list[PlaceMatch], str | None]:
        """Matches in text order and the department the text is about (hint only when no place is named)."""
        spans = token_spans(text)
        hits, _ = self._hits(spans)
        matches = [self._to_match(text, h) for h in hits]
        return matches, (self._resolve(hits, spans) if hits else department_hint)

    def _hits(self, spans: list[tuple[str, int, int]]) -> tuple[list[_Hit], None]:
        toks = [s[0] for s in spans]
        found: list[_Hit] = []
        for i, tok in enumerate(toks):
            seen: set[GazetteerEntry] = set()
            for key in lookup_keys(tok):
                for e in self._index.get(key, ()):
                    if e in seen or i + len(e.tokens) > len(toks):
                        continue
                    seen.add(e)
                    if all(token_matches(nt, toks[i + j], e.script) for j, nt in enumerate(e.tokens)):
                        last = i + len(e.tokens) - 1
                        found.append(_Hit(e, i, last, spans[i][1], spans[last][2]))
        # Longest match wins; at equal length a facility beats a place; no overlaps.
        found.sort(key=lambda h: (h.first, -(h.last - h.first), h.entry.kind != "facility"))
        chosen: list[_Hit] = []
        taken: set[int] = set()
        for h in sorted(found, key=lambda h: (-(h.last - h.first), h.entry.kind != "facility", h.first)):
            if not taken.intersection(range(h.first, h.last + 1)):
                chosen.append(h)
                taken.update(range(h.first, h.last + 1))
        chosen.sort(key=lambda h: h.first)
        return chosen, None

    @staticmethod
    def _to_match(text: str, h: _Hit) -> PlaceMatch:
        return PlaceMatch(text=text[h.start:h.end], name=h.entry.name, kind=h.entry.kind,  # type: ignore[arg-type]
                          department=h.entry.department, start=h.start, end=h.end)

    @staticmethod
    def _resolve(hits: list[_Hit], spans: list[tuple[str, int, int]]) -> str | None:
        score: dict[str, float] = defaultdict(float)
        first_at: dict[str, int] = {}
        for h in hits:
            dep = h.entry.department
            first_at.setdefault(dep, h.first)
            s = 2.0 if h.entry.kind == "facility" else 1.0
            before = {spans[k][0] for k in range(max(0, h.first - 2), h.first)}
            head = spans[h.first][0]
            if before & LOCATIVE or (h.entry.script == "arabic" and head.startswith(("ب", "وب")) and not h.entry.tokens[0].startswith("ب")):
                s += 1.0
            if before & SOURCE:
                s -= 0.75
            score[dep] += s
        return max(score, key=lambda d: (score[d], -first_at[d]))


def _name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name, cut exactly as running text is cut (``token_spans``)."""
    return tuple(word_tokens(name))
