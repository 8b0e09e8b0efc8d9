"""Search index benchmark: bulk throughput and dashboard query latency.

For each backend (sqlite-fts, and OpenSearch / Elasticsearch nodes when their
URL is given) on N synthetic documents in five languages:
- docs/s of healthpulse's bulk path (``SearchIndex.upsert`` in outbox-sized
  batches, building each document body from an IndexDoc) and, for nodes,
  docs/s of the client library's raw ``helpers.bulk`` shipping the same,
  already-built bodies in the same run, and the ratio (target >= 0.7);
- p50/p95 latency of the press dashboard's queries: a daily histogram split
  by sentiment, facet counts, and a filtered full-text search with snippets;
- p50/p95 of a search whose hit is a 5 MB document, indexed as the pipeline
  indexes it (cut to ``max_index_chars``, issue 16: it took ~2.3 s uncut).

    python benchmarks/index.py --docs 100000 \
        --opensearch-url http://127.0.0.1:9200 --elasticsearch-url http://127.0.0.1:9201 \
        --markdown search-results.md
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from healthpulse.core.settings import Settings
from healthpulse.indexes.node_dsl import doc_source
from healthpulse.indexes.query import IndexDoc, SearchQuery
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex
from healthpulse.ingest.store import cut_for_index

VOCAB = {
    "ru": "больница поликлиника врач лекарства очередь скорая помощь пациент Сургут регион нет жалоба операция "
          "медсестра приём запись анализы отделение больницы врачи лекарств".split(),
    "ar": "المستشفى مستشفى الطبيب الأدوية نقص طوابير المرضى الإسعاف القاهرة الإسكندرية شكوى العلاج الممرضين "
          "الصحة عيادة تطعيم".split(),
    "fa": "بیمارستان بیمارستان‌ها پزشک دارو کمبود صف بیماران اورژانس تهران شیراز شکایت درمان پرستار "
          "واکسن درمانگاه".split(),
    "vi": "bệnh viện bác sĩ thuốc thiếu chờ khám bệnh nhân cấp cứu quá tải Hà Nội TP.HCM phản ánh điều trị "
          "y tá tiêm chủng".split(),
    "en": "hospital hospitals doctor medicine shortage waiting patients emergency ambulance complaint treatment "
          "nurse vaccine clinic ward staff".split(),
}
TOPICS = ["drug_supply", "waiting_times", "staff_conduct", "facility_conditions", "emergency_care", "medical_error",
          "infectious_disease", "payment_insurance", "digital_services", "maternal_child"]
DEPARTMENTS = [f"dept_{i:02d}" for i in range(30)]
SENTIMENTS = ["negative", "neutral", "positive"]
CHANNELS = ["news", "news", "news", "text_appeal", "video_appeal", "hotline", "email"]
START = datetime(2026, 8, 1, tzinfo=UTC)
DAYS = 90


def synthetic_docs(n: int, seed: int = 7, start: int = 0) -> list[IndexDoc]:
    """``n`` documents numbered from ``start`` (a large set is made and indexed slice by slice)."""
    rng = random.Random(seed)
    langs = list(VOCAB)
    docs = []
    for i in range(start, start + n):
        lang = langs[i % len(langs)]
        words = VOCAB[lang]
        topics = rng.sample(TOPICS, rng.choice([1, 1, 2]))
        incident = rng.random() < 0.4
        docs.append(IndexDoc(
            id=f"bench-{i:07d}",
            channel=rng.choice(CHANNELS),
            source=f"source-{rng.randrange(50)}",
            title=" ".join(rng.choices(words, k=6)),
            text=" ".join(rng.choices(words, k=rng.randint(30, 80))),
            language=lang,
            published_at=START + timedelta(seconds=rng.randrange(DAYS * 86400)),
            department=rng.choice(DEPARTMENTS),
            topics=topics,
            topic_scores={t: round(rng.uniform(0.5, 1.0), 3) for t in topics},
            sentiment=rng.choice(SENTIMENTS),
            sentiment_score=round(rng.random(), 3),
            incident=incident,
            severity=rng.choice(["low", "medium", "high", "critical"]) if incident else None,
            health_related=True,
        ))
    return docs


def dashboard_queries(rng: random.Random) -> dict[str, SearchQuery]:
    lang = rng.choice(list(VOCAB))
    day = START + timedelta(days=rng.randrange(DAYS - 30))
    return {
        "histogram (90 days, daily, split by sentiment)": SearchQuery(
            histogram="day", histogram_split="sentiment", date_from=START, date_to=START + timedelta(days=DAYS),
            departments=[rng.choice(DEPARTMENTS)] if rng.random() < 0.5 else [], size=0),
        "facets (topics, department, language, sentiment, channel)": SearchQuery(
            facets=["topics", "department", "language", "sentiment", "channel"], incident=True, size=0,
            date_from=day, date_to=day + timedelta(days=30)),
        "filtered search (text + language + dates, 20 hits, snippets)": SearchQuery(
            text=rng.choice(VOCAB[lang]), languages=[lang], date_from=day, date_to=day + timedelta(days=30),
            size=20, highlight=True, facets=["topics"]),
    }


def measure_queries(index, runs: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(11)
    for _ in range(3):  # warm caches
        for q in dashboard_queries(rng).values():
            index.search(q)
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, q in dashboard_queries(rng).items():
            t0 = time.perf_counter()
            index.search(q)
            timings.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
    out = {}
    for name, values in timings.items():
        values.sort()
        out[name] = (statistics.median(values), values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))])
    return out


HUGE_CHARS = 5_000_000
HUGE_QUERY = "search whose hit is a 5 MB document (indexed up to max_index_chars, snippet)"


def measure_huge_hit(index, runs: int) -> tuple[float, float]:
    """A 5 MB text stored by the pipeline reaches the index cut to the default ``max_index_chars``."""
    text = "Hospital queue report: patients wait at the clinic. " * (HUGE_CHARS // 52)
    huge = IndexDoc(id="huge-5mb", channel="news", language="en", story_id="huge-story", published_at=START,
                    text=cut_for_index(text, Settings().max_index_chars))
    index.upsert([huge])
    q = SearchQuery(text="hospital", story_id="huge-story", size=20, highlight=True)
    index.search(q)
    values = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assert index.search(q).total == 1
        values.append((time.perf_counter() - t0) * 1000)
    values.sort()
    return statistics.median(values), values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def bulk_in_batches(index, docs: list[IndexDoc], batch: int) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(docs), batch):
        result = index.upsert(docs[i : i + batch])
        if result.failed:
            raise SystemExit(f"{len(result.failed)} documents rejected: {list(result.failed.items())[:3]}")
    return time.perf_counter() - t0


def raw_helpers_bulk(engine: str, index, target: str, bodies: list[tuple[str, dict]], batch: int) -> float:
    if engine == "opensearch":
        from opensearchpy import helpers
    else:
        from elasticsearch import helpers
    actions = ({"_index": target, "_id": doc_id, "_source": body} for doc_id, body in bodies)
    t0 = time.perf_counter()
    # Both paths retry 429s (healthpulse with backoff 0.5 s doubling; the helper likewise).
    ok, errors = helpers.bulk(index.client, actions, chunk_size=batch, raise_on_error=True, max_retries=3,
                              initial_backoff=0.5)
    elapsed = time.perf_counter() - t0
    if ok != len(bodies):
        raise SystemExit(f"raw bulk indexed {ok} of {len(bodies)}: {errors}")
    return elapsed


def bench_node(engine: str, url: str, docs: list[IndexDoc], batch: int, runs: int) -> dict:
    if engine == "opensearch":
        from healthpulse.indexes.opensearch import OpenSearchIndex as Index
    else:
        from healthpulse.indexes.elasticsearch import ElasticsearchIndex as Index
    index = Index(url, prefix=f"hpbench-{uuid.uuid4().hex[:8]}", batch_size=batch, timeout=120)
    try:
        index.ensure_ready()
        assert index.mode is not None
        bodies = [(d.id, doc_source(d, index.mode)) for d in docs]
        raw_target = f"{index.alias}-raw"
        index.request("PUT", f"/{raw_target}", {})  # same template (pattern <prefix>-docs-*)
        warm = min(5000, len(docs) // 10)
        bulk_in_batches(index, docs[:warm], batch)
        raw_helpers_bulk(engine, index, raw_target, bodies[:warm], batch)
        # Interleave two rounds; keep each path's best round.
        hp_times, raw_times = [], []
        for _ in range(2):
            raw_times.append(raw_helpers_bulk(engine, index, raw_target, bodies, batch))
            hp_times.append(bulk_in_batches(index, docs, batch))
        index.refresh()
        assert index.count() == len(docs)
        hp_rate, raw_rate = len(docs) / min(hp_times), len(docs) / min(raw_times)
        return {
            "backend": f"{engine} ({index.mode} analysis)",
            "docs_per_s": hp_rate,
            "raw_docs_per_s": raw_rate,
            "ratio": hp_rate / raw_rate,
            "queries": measure_queries(index, runs),
        }
    finally:
        try:
            index.request("DELETE", f"/{index.alias}-raw", params={"ignore_unavailable": "true"})
        finally:
            index.drop()
            index.close()


def bench_fts(docs: list[IndexDoc], batch: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        index = SqliteFtsIndex(Path(tmp) / "search.db")
        elapsed = bulk_in_batches(index, docs, batch)
        assert index.count() == len(docs)
        result = {"backend": "sqlite-fts", "docs_per_s": len(docs) / elapsed, "raw_docs_per_s": None, "ratio": None,
                  "queries": measure_queries(index, runs)}
        result["queries"][HUGE_QUERY] = measure_huge_hit(index, runs)
        index.close()
        return result


def render(results: list[dict], n: int, batch: int) -> str:
    lines = [
        f"# Search index benchmark ({n:,} synthetic documents, 5 languages, batch {batch})",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU cores; `python benchmarks/index.py`.",
        "Bulk: healthpulse `upsert` from IndexDoc objects vs the client's raw `helpers.bulk` of the same, already-built",
        "bodies (same node, same run, best of 2 interleaved rounds). Queries: p50 / p95 over randomised parameters.",
        "",
        "| backend | healthpulse bulk docs/s | raw helpers.bulk docs/s | ratio |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        raw = f"{r['raw_docs_per_s']:,.0f}" if r["raw_docs_per_s"] else "n/a"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "n/a"
        lines.append(f"| {r['backend']} | {r['docs_per_s']:,.0f} | {raw} | {ratio} |")
    lines += ["", "| backend | dashboard query | p50 ms | p95 ms |", "|---|---|---:|---:|"]
    for r in results:
        for name, (p50, p95) in r["queries"].items():
            lines.append(f"| {r['backend']} | {name} | {p50:.1f} | {p95:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="documents per bulk request (the outbox batch)")
    parser.add_argument("--runs", type=int, default=40, help="query repetitions per dashboard query")
    parser.add_argument("--no-fts", action="store_true")
    parser.add_argument("--opensearch-url", default=os.environ.get("HEALTHPULSE_TEST_OPENSEARCH_URL"))
    parser.add_argument("--elasticsearch-url", default=os.environ.get("HEALTHPULSE_TEST_ELASTICSEARCH_URL"))
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    docs = synthetic_docs(args.docs)
    print(f"generated {len(docs):,} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    results = []
    if not args.no_fts:
        results.append(bench_fts(docs, args.batch, args.runs))
        print(f"sqlite-fts: {results[-1]['docs_per_s']:,.0f} docs/s", file=sys.stderr)
        if args.markdown:
            args.markdown.write_text(render(results, len(docs), args.batch), encoding="utf-8")
    for engine, url in (("opensearch", args.opensearch_url), ("elasticsearch", args.elasticsearch_url)):
        if url:
            results.append(bench_node(engine, url, docs, args.batch, args.runs))
            r = results[-1]
            print(f"{r['backend']}: {r['docs_per_s']:,.0f} docs/s vs raw {r['raw_docs_per_s']:,.0f} "
                  f"(ratio {r['ratio']:.2f})", file=sys.stderr)
        if args.markdown and results:  # partial results survive a later failure
            args.markdown.write_text(render(results, len(docs), args.batch), encoding="utf-8")
    report = render(results, len(docs), args.batch)
    print(report)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
