"""How much of a text the encoder reads, and in which pieces.

Why: the decisive fact of a news article is often in its 2nd or 3rd paragraph, and a citizen's
complaint sits in the middle of a rambling transcript, so reading only the first few hundred
characters misses incidents. A text is read as its *lead* (title + the first sentences) and then
the rest in *chunks* of whole sentences, up to a budget of chunks; each piece is embedded on its
own so a single decisive sentence is not averaged away (the heads see the lead, the mean and the
element-wise max over chunks; the incident evidence is the piece that scores highest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends in the five languages (Latin/Cyrillic ., !, ?, …; Arabic/Persian ؟ and ۔) or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…؟۔])\s+|\n+")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class ReadingPlan:
    """The pieces of one text the encoder reads: ``pieces[0]`` is the lead.

    ``spans[i]`` is where piece i's sentences stand in the body (start, end), so evidence can be
    quoted verbatim; the pieces themselves have their whitespace folded for the encoder.
    """

    pieces: tuple[str, ...]
    truncated: bool  # True when the text had more than the budget
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def lead(self) -> str:
        return self.pieces[0]

    @property
    def chunks(self) -> tuple[str, ...]:
        return self.pieces[1:]


def sentence_spans(text: str, limit: int = 600) -> list[tuple[int, int]]:
    """(start, end) of each sentence (or line) of ``text``; one longer than ``limit`` is cut at words."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        out.extend(_cut(text, pos, end, limit))
        pos = m.end() if m else len(text)
    return out


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    spans = []
    while end - start > limit:
        k = text.rfind(" ", start, start + limit)
        k = k if k > start + limit // 2 else start + limit
        spans.append((start, k))
        start = k
        while start < end and text[start].isspace():
            start += 1
    return spans + ([(start, end)] if end > start else [])


def sentences(text: str) -> list[str]:
    """Sentences (or lines) of ``text``, whitespace folded; very long ones are cut at word boundaries."""
    return [_WS.sub(" ", text[a:b]).strip() for a, b in sentence_spans(text)]


def plan_reading(title: str | None, body: str, lead_chars: int = 300, chunk_chars: int = 350,
                 max_chunks: int = 6) -> ReadingPlan:
    """Lead = title + whole sentences up to ``lead_chars``; then chunks of whole sentences.

    Sentences are packed greedily into chunks of at most ``chunk_chars`` characters (a longer
    sentence is a chunk of its own); at most ``max_chunks`` chunks after the lead are read.
    """
    spans = sentence_spans(body)
    sents = [_WS.sub(" ", body[a:b]).strip() for a, b in spans]
    lead_parts = [_WS.sub(" ", title).strip()] if title and title.strip() else []
    size = 0
    i = 0
    while i < len(sents) and (size == 0 or size + len(sents[i]) <= lead_chars):
        lead_parts.append(sents[i])
        size += len(sents[i]) + 1
        i += 1
    pieces = [" ".join(lead_parts) or "."]
    where = [(spans[0][0], spans[i - 1][1]) if i else (0, 0)]
    first, size = i, 0
    while i < len(sents) and len(pieces) <= max_chunks:
        if i > first and size + len(sents[i]) > chunk_chars:
            pieces.append(" ".join(sents[first:i]))
            where.append((spans[first][0], spans[i - 1][1]))
            first, size = i, 0
            continue
        size += len(sents[i]) + 1
        i += 1
    if i > first and len(pieces) <= max_chunks:
        pieces.append(" ".join(sents[first:i]))
        where.append((spans[first][0], spans[i - 1][1]))
        first = i
    return ReadingPlan(tuple(pieces), truncated=first < len(sents), spans=tuple(where))
