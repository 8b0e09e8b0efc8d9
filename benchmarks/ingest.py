"""docs/s of `ingest` on the embedded default (SQLite + FTS5) with the bundled sample data.

Prints two figures: the whole pipeline (NLP + store + index + alert hooks),
and store + index + hooks alone (analyses computed beforehand), so a change
in either part shows.  Usage: python benchmarks/ingest.py [--repeat N]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from healthpulse.core.clock import SystemClock
from healthpulse.core.domain import Channel, Document, utcnow
from healthpulse.wiring.demo import load_items

# Run as a script: put the checkout on sys.path so the test helpers (tests/support/, not shipped) import.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.containers import make_container


def sample_documents(repeat: int) -> list[Document]:
    now = utcnow()
    docs = []
    for r in range(repeat):
        for it in load_items():
            docs.append(Document(id=f"{it['id']}-{r}", channel=Channel(it.get("channel", "news")), title=it.get("title"),
                                 text=it["text"], url=it.get("url"), source=it.get("source"),
                                 language_hint=None, published_at=now, fetched_at=now))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2, help="copies of the sample set (distinct ids)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # per-document notices would drown the figures
    docs = sample_documents(args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        c = make_container(Path(tmp) / "a", clock=SystemClock(), analyzer="auto")
        c.analyzer  # noqa: B018 - load models outside the timed part (they load once per process)
        c.pipeline.ingest_many(docs[:8])  # warm-up
        t0 = time.perf_counter()
        results = c.pipeline.ingest_many(docs[8:])
        full = time.perf_counter() - t0
        analysed = [d.model_copy(update={"id": d.id + "-pre", "analysis": r.analysis}) for d, r in zip(docs[8:], results, strict=True)]
        c2 = make_container(Path(tmp) / "b", clock=SystemClock(), analyzer=None)
        t0 = time.perf_counter()
        c2.pipeline.ingest_many(analysed)
        store_only = time.perf_counter() - t0
        n = len(docs) - 8
        print(f"documents: {n} (sample set x{args.repeat}, 5 languages)")
        print(f"ingest, full pipeline (NLP + store + FTS5 index + alert hooks): {n / full:.1f} docs/s")
        print(f"ingest, store + FTS5 index + alert hooks (pre-analysed):        {n / store_only:.1f} docs/s")
        c.close()
        c2.close()


if __name__ == "__main__":
    main()
