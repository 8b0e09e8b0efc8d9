"""Snippets with highlighted terms, computed the same way for every backend.

Why here and not in the engine: FTS5 stores analysed terms, not the original
text, and the engines' highlighters tokenize differently; one highlighter over
the original text gives the same snippet whichever backend answered.
"""

from __future__ import annotations

from healthpulse.indexes.query import HIGHLIGHT_END, HIGHLIGHT_START
from healthpulse.indexes.text_analysis import analyze_token
from healthpulse.text.normalize import token_spans

SNIPPET_CHARS = 240
# Terms are looked for in this much of a text only: a hit in a 5 MB document costs what a short one does.
SNIPPET_SCAN_CHARS = 20_000


def strip_highlight(snippet: str | None) -> str:
    """The snippet without its highlight markers (plain-text output: CSV, JSON, page titles)."""
    return (snippet or "").replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def _collapsed_start(text: str, size: int) -> str:
    """The start of ``text`` with its whitespace collapsed, long enough to cut a ``size`` snippet from: the
    collapsed form of a prefix is a prefix of the collapsed whole, so a snippet without terms (every
    dashboard list) need not split a whole article.  Falls back to the scanned whole when the prefix
    collapses to too little (a text of mostly whitespace)."""
    head = " ".join(text[: 4 * size].split())
    if len(head) > size or len(text) <= 4 * size:
        return head
    return " ".join(text[:SNIPPET_SCAN_CHARS].split())


def make_snippet(text: str, field: str, terms: list[str] | None, *, highlight: bool, size: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first matching term; matches wrapped in \\x02…\\x03 when ``highlight``.

    Only the first ``SNIPPET_SCAN_CHARS`` characters are read: past them the snippet is the text's start.
    """
    wanted = set(terms or ())
    cut = len(text) > SNIPPET_SCAN_CHARS
    text = _collapsed_start(text, size) if not wanted else " ".join(text[:SNIPPET_SCAN_CHARS].split())
    spans: list[tuple[int, int]] = []
    if wanted:
        for tok, start, end in token_spans(text):
            if analyze_token(tok, field) in wanted and (not spans or spans[-1] != (start, end)):
                spans.append((start, end))
    if spans:
        first = spans[0][0]
        begin = max(0, first - size // 4)
        if begin:  # start at a word boundary
            space = text.rfind(" ", 0, begin)
            begin = space + 1 if space >= 0 and first - space < size // 2 else begin
    else:
        begin = 0
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    if not highlight:
        spans = []
    out, pos = [], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(text[pos:start])
        out.append(f"{HIGHLIGHT_START}{text[start:stop]}{HIGHLIGHT_END}")
        pos = stop
    out.append(text[pos:end])
    snippet = "".join(out)
    return ("…" if begin > 0 else "") + snippet + ("…" if end < len(text) or cut else "")
