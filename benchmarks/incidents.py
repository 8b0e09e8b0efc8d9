"""Incident merge cost per document and merge quality on the independent event set (embedded SQLite).

Each of the set's 337 documents (tests/data/incidents/independent) is ingested on its own, in event
time order, through the real pipeline with its analysis given (department and topics from the set's
labels, the vector from the production embedder, computed once before timing), so every document
pays the incident stage's real database work: loading the open incidents of its department within
the window with their members' vectors, scoring, and writing its membership with its signals.
Prints the incident stage's cost per document (p50/p95/mean ms) and the B-cubed F1 / pairwise
precision and recall of the stored incidents.
Usage: python benchmarks/incidents.py [--copies N]  (N shifted copies of the set, for a fuller store)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore
from healthpulse.core.models.incidents import IncidentDocumentRow
from healthpulse.incidents.quality import merge_quality
from healthpulse.incidents.stage import IncidentStage
from sqlalchemy import select

# Run as a script: put the checkout on sys.path so the test helpers (tests/support/, not shipped) import.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.containers import make_container  # noqa: E402
from tests.support.event_set import event_documents, event_vectors  # noqa: E402

CHANNELS = {"news": Channel.NEWS, "social": Channel.SOCIAL, "hotline": Channel.HOTLINE, "email": Channel.EMAIL,
            "text_appeal": Channel.NEWS, "video_appeal": Channel.NEWS}  # appeals without an appeal row: as news


def _documents(copies: int) -> tuple[list[Document], dict[str, str]]:
    docs, gold = [], {}
    vectors = event_vectors()
    for copy in range(copies):
        shift = timedelta(days=90 * copy)
        for d, v in zip(event_documents(), vectors, strict=True):
            doc_id = f"{d['id']}-{copy}"
            gold[doc_id] = f"{d['event']}-{copy}"
            health = bool(d["topics"])
            analysis = Analysis(language=d["lang"], department=d["department"], health_related=health,
                                incident=d["incident"], severity="medium" if d["incident"] else None,
                                topics=[TopicScore(id=t, score=0.9) for t in d["topics"]],
                                sentiment=Sentiment(label="negative" if d["incident"] else "neutral", score=0.8),
                                embedding=[float(x) for x in v] if health else None)
            docs.append(Document(id=doc_id, channel=CHANNELS[d["channel"]], title=d.get("title"), text=d["text"],
                                 published_at=datetime.fromisoformat(d["published_at"]) + shift, analysis=analysis))
    docs.sort(key=lambda doc: doc.published_at or doc.fetched_at)
    return docs, gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1)
    args = ap.parse_args()
    docs, gold = _documents(args.copies)
    with tempfile.TemporaryDirectory() as tmp:
        c = make_container(Path(tmp), clock=FakeClock(datetime.fromisoformat("2027-01-01T00:00:00+00:00")), index=None)
        timings: list[float] = []
        timed = _Timed(IncidentStage(c), timings)
        c.__dict__["hooks"] = [timed]  # the incident stage alone: the alert engine's cost is benchmarks/alerts.py
        for doc in docs:
            c.pipeline.ingest(doc)
        with c.session() as s:
            members = [(m.incident_id, m.document_id) for m in s.scalars(select(IncidentDocumentRow))]
        c.close()
    groups: dict[int, list[str]] = {}
    for inc, doc_id in members:
        groups.setdefault(inc, []).append(doc_id)
    placed = {d for g in groups.values() for d in g}
    clusters = list(groups.values()) + [[d] for d in gold if d not in placed]
    q = merge_quality(clusters, gold)
    ms = sorted(t * 1000 for t in timings)
    print(f"documents: {len(docs)}  incidents: {len(groups)}")
    print(f"incident stage per document: p50 {statistics.median(ms):.2f} ms  "
          f"p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms  mean {statistics.fmean(ms):.2f} ms")
    print(f"B-cubed F1 {q.bcubed_f1:.3f} (P {q.bcubed_precision:.3f} R {q.bcubed_recall:.3f}); "
          f"pairwise P {q.pair_precision:.3f} R {q.pair_recall:.3f}")


class _Timed:
    def __init__(self, stage: IncidentStage, timings: list[float]):
        self.stage, self.timings = stage, timings

    def on_ingested(self, session, stored):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        self.stage.on_ingested(session, stored)
        session.flush()
        self.timings.append(time.perf_counter() - t0)


if __name__ == "__main__":
    main()
