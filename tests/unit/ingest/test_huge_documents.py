"""Issue 16: one huge document must not slow every search that matches it.

What is indexed is capped (``max_index_chars``), the stored original stays whole, the document's
warnings say it was cut, and a hit's snippet comes from a bounded window of its text.
"""

from __future__ import annotations

from healthpulse.core.domain import Analysis, Document
from healthpulse.core.models.documents import DocumentRow
from healthpulse.indexes.highlight import SNIPPET_CHARS, SNIPPET_SCAN_CHARS, make_snippet, strip_highlight
from healthpulse.indexes.query import HIGHLIGHT_START, SearchQuery
from healthpulse.indexes.text_analysis import query_terms
from healthpulse.ingest.store import iter_index_docs

from tests.support.containers import make_container

CAP = 2_000


def _huge(doc_id: str) -> Document:
    head = "Insulin shortage at the city hospital pharmacy. " * 20          # ≈ 1,000 characters
    tail = "The dialysis unit reports broken machines again. " * 2_000    # ≈ 100,000 characters
    return Document(id=doc_id, text=head + tail + " zeppelinword at the very end.",
                    analysis=Analysis(language="en", health_related=True, incident=False, warnings=["earlier note"]))


def test_a_huge_document_is_stored_whole_indexed_up_to_the_cap_and_says_so(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, max_index_chars=CAP)
    try:
        doc = _huge("huge-1")
        c.pipeline.ingest(doc)
        with c.session() as s:
            row = s.get(DocumentRow, "huge-1")
            assert row.text == doc.text  # the original is kept whole
            warnings = row.analysis["warnings"]
            indexed = list(iter_index_docs(s, max_chars=CAP))
        assert warnings[0] == "earlier note"
        assert f"text cut to {CAP:,} characters for the search index (of {len(doc.text):,})" in warnings
        assert len(indexed[0].text) <= CAP
        assert c.index.search(SearchQuery(text="insulin")).total == 1     # in the indexed part
        assert c.index.search(SearchQuery(text="zeppelinword")).total == 0  # beyond the cap: not indexed
        hit = c.index.search(SearchQuery(text="dialysis", highlight=True)).hits[0]
        assert len(strip_highlight(hit.snippet)) <= SNIPPET_CHARS + 2

        c.pipeline.ingest(doc)  # the same document again: the warning is not repeated
        with c.session() as s:
            assert sum("search index" in w for w in s.get(DocumentRow, "huge-1").analysis["warnings"]) == 1
    finally:
        c.close()


def test_a_short_document_is_indexed_whole_without_a_warning(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, max_index_chars=CAP)
    try:
        c.pipeline.ingest(Document(id="short", text="Insulin shortage, zeppelinword.",
                                   analysis=Analysis(language="en")))
        assert c.index.search(SearchQuery(text="zeppelinword")).total == 1
        with c.session() as s:
            assert s.get(DocumentRow, "short").analysis["warnings"] == []
    finally:
        c.close()


def test_a_snippet_is_taken_from_a_bounded_window():
    """A term found only deep inside a long text is not searched for: the snippet is the text's start."""
    text = "Opening words of a long report. " + "filler " * (SNIPPET_SCAN_CHARS // 7 + 10) + "zeppelinword"
    terms = query_terms("zeppelinword")["en"]
    snippet = make_snippet(text, "en", terms, highlight=True)
    assert snippet.startswith("Opening words") and HIGHLIGHT_START not in snippet
    assert len(snippet) <= SNIPPET_CHARS + 2
    near = make_snippet("Opening words, then zeppelinword.", "en", terms, highlight=True)
    assert HIGHLIGHT_START in near


def test_a_snippet_without_terms_reads_only_the_start_and_equals_the_scanned_one():
    """No terms (every dashboard list): the snippet comes from a short prefix; it must be the one a search
    whose terms match nothing cuts from the whole scanned text, whitespace runs and all."""
    texts = ["Opening words of a long report. " * 400, "  \n\t " * 900 + "late start " * 50,
             "word " * 48, "x" * 5_000, "a  b\n" * 61, ""]
    for text in texts:
        for size in (SNIPPET_CHARS, 40):
            fast = make_snippet(text, "en", None, highlight=False, size=size)
            assert fast == make_snippet(text, "en", ["nomatchanywhere"], highlight=False, size=size), text[:20]
    assert make_snippet("Opening words of a long report. " * 400, "en", None, highlight=False).endswith("…")
