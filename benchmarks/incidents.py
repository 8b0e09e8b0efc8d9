"""Incident merge cost per document and merge quality on the independent event set (embedded SQLite).

Each of the set's 337 documents (tests/data/incidents/independent) is ingested on its own, in event
time order, through the real pipeline with its analysis given (department and topics from the set's
labels, the vector from the production embedder, computed once before timing), so every document
pays the incident stage's real database work: loading the open incidents of its department within
the window with their members' vectors, scoring, and writing its membership with its signals.
Prints the incident stage's cost per document (p50/p95/mean ms) and the B-cubed F1 / pairwise
precision and recall of the stored incidents.

``--analyzer``: department, topics, facilities, the health / incident flags and sentiment come from the
shipped analyzer (``Analyzer.from_settings`` with default settings and the bundled departments, which
hold the set's 20 department ids; no department hint: a crawled text), the vector from the production
embedder for the documents it calls health-related — as ingest does.  Prints merge quality for the
held-out half of the events (those the weights were not chosen on) and the whole set, how often the
analyzer disagreed with the set's labels, and which of the wrong pairs involve such a disagreement.
Usage: python benchmarks/incidents.py [--copies N] [--analyzer]  (N shifted copies of the set, for a fuller store)
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
from healthpulse.incidents.merge import MergeDocument, MergeSettings, cluster
from healthpulse.incidents.quality import merge_quality
from healthpulse.incidents.stage import IncidentStage
from sqlalchemy import select

# Run as a script: put the checkout on sys.path so the test helpers (tests/support/, not shipped) import.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.containers import make_container  # noqa: E402
from tests.support.event_set import (  # noqa: E402
    CHANNELS,
    analyzer_merge_views,
    event_documents,
    event_source_documents,
    event_vectors,
    in_tuning_half,
)


def _documents(copies: int, analyzer: bool) -> tuple[list[Document], dict[str, str]]:
    if analyzer:
        return _analyzer_documents(copies)
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
            docs.append(Document(id=doc_id, channel=Channel(CHANNELS[d["channel"]]), title=d.get("title"),
                                 text=d["text"], published_at=datetime.fromisoformat(d["published_at"]) + shift,
                                 analysis=analysis))
    docs.sort(key=lambda doc: doc.published_at or doc.fetched_at)
    return docs, gold


def _analyzer_documents(copies: int) -> tuple[list[Document], dict[str, str]]:
    """The set with the shipped analyzer's analyses (and vectors for its health-related documents)."""
    t0 = time.perf_counter()
    event_vectors()  # computed once and cached: the analyzer's time below is its own
    t1 = time.perf_counter()
    views = analyzer_merge_views()
    print(f"vectors of the set: {t1 - t0:.1f} s; analyzer, load + {len(views)} documents: "
          f"{time.perf_counter() - t1:.1f} s")
    _report_offline(views)
    vectors = dict(zip((d["id"] for d in event_documents()), event_vectors(), strict=True))
    docs, gold = [], {}
    for copy in range(copies):
        shift = timedelta(days=90 * copy)
        for source, (labelled, a, _) in zip(event_source_documents(), views, strict=True):
            embedding = [float(x) for x in vectors[source.id]] if a.health_related else None
            doc_id = f"{source.id}-{copy}"
            gold[doc_id] = f"{labelled['event']}-{copy}"
            docs.append(source.model_copy(update={
                "id": doc_id, "published_at": source.published_at + shift,  # type: ignore[operator]
                "analysis": a.model_copy(update={"embedding": embedding})}))
    docs.sort(key=lambda doc: doc.published_at or doc.fetched_at)
    return docs, gold


def _report_offline(views: list[tuple[dict, Analysis, MergeDocument]]) -> None:
    """Merge quality per half (clustered as the stage does) and where the analyzer and the labels differ."""
    for name, part in (("held-out half", [v for v in views if not in_tuning_half(v[0]["event"])]),
                       ("whole set", views)):
        gold = {m.id: d["event"] for d, _, m in part}
        clusters = cluster([m for _, _, m in part], MergeSettings())
        q = merge_quality(clusters, gold)
        print(f"{name} ({len(set(gold.values()))} events, {len(gold)} documents): B-cubed F1 {q.bcubed_f1:.3f} "
              f"(P {q.bcubed_precision:.3f} R {q.bcubed_recall:.3f}); "
              f"pairwise P {q.pair_precision:.3f} R {q.pair_recall:.3f}")
        if name == "whole set":
            _report_wrong_pairs(clusters, gold, {d["id"]: _disagreements(d, a) for d, a, _ in part})
    counts: dict[str, int] = {}
    for d, a, _ in views:
        for kind in _disagreements(d, a):
            counts[kind] = counts.get(kind, 0) + 1
    print(f"analyzer vs the set's labels, of {len(views)} documents: " +
          ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "no disagreement")


def _disagreements(labelled: dict, a: Analysis) -> list[str]:
    """How the analyzer's reading of one document differs from the set's labels (health = has topics)."""
    out = []
    health = bool(labelled["topics"])
    if bool(a.health_related) != health:
        out.append("health flag differs (labels " + ("health" if health else "not health") + ")")
    if a.department != labelled["department"]:
        out.append("department is none" if a.department is None else "department is another")
    if health and a.health_related:
        if bool(a.incident) != bool(labelled["incident"]):
            out.append("incident flag differs")
        if not set(a.topic_ids) & set(labelled["topics"]):
            out.append("topics share none with the labels")
    return out


def _report_wrong_pairs(clusters: list[list[str]], gold: dict[str, str], why: dict[str, list[str]]) -> None:
    """Wrong merges and missed pairs of the whole set: how many have a document the analyzer read differently
    from the labels, per kind of difference (a pair with two kinds counts under both)."""
    cluster_of = {doc: i for i, members in enumerate(clusters) for doc in members}
    ids = sorted(gold)
    tally: dict[str, dict[str, int]] = {"wrong merges": {}, "missed pairs": {}}
    for i, x in enumerate(ids):
        for y in ids[i + 1:]:
            same_pred, same_gold = cluster_of[x] == cluster_of[y], gold[x] == gold[y]
            if same_pred == same_gold:
                continue
            kinds = tally["wrong merges" if same_pred else "missed pairs"]
            kinds["all"] = kinds.get("all", 0) + 1
            for kind in set(why[x]) | set(why[y]) or {"neither differs"}:
                kinds[kind] = kinds.get(kind, 0) + 1
    for name, kinds in tally.items():
        total = kinds.pop("all", 0)
        print(f"  {name}: {total} pairs; by what differs from the labels in either document: " +
              ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--analyzer", action="store_true",
                    help="department, topics, flags and vectors from the shipped analyzer instead of the set's labels")
    args = ap.parse_args()
    docs, gold = _documents(args.copies, args.analyzer)
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
