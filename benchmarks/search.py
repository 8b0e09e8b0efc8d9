"""Cross-lingual search latency: the embedded default (SQLite FTS5 + in-process vectors) or a search node.

N synthetic documents (benchmarks/index.py's generator: five languages, 30 departments) each get a
SYNTHETIC random unit vector of 384 dimensions (the e5 size); latency does not depend on what
the vectors mean, only on their number and size. Query vectors are synthetic too, so the encoder's
own time for one query (about 20-60 ms on two cores, not measured here) comes on top in the CLI
and the API. Prints p50/p95 per mode: text, semantic (kNN: the embedded matrix, whose first query
after a write reloads it, measured apart; Elasticsearch ``dense_vector``; OpenSearch ``knn_vector``
with the k-NN plugin, else an exact scan), hybrid (text + semantic + the department and
department+topic lists, fused by RRF).

    python benchmarks/search.py --docs 100000 --runs 50
    python benchmarks/search.py --backend opensearch --url http://127.0.0.1:9200 --docs 1000000 --prefix bench-1m

Documents are made and indexed in slices (``--batch``), so a million fit in memory; on a node they go
to a throwaway prefix that is dropped afterwards (``--keep`` leaves it). For a million documents give
the node room (``SEARCH_NODE_HEAP=4g scripts/search-node.sh start opensearch``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from healthpulse.indexes.hybrid import QueryPlan, search_mode  # noqa: E402
from healthpulse.indexes.query import SearchQuery  # noqa: E402
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex  # noqa: E402
from index import DEPARTMENTS, TOPICS, VOCAB, synthetic_docs  # noqa: E402

DIMS = 384


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, DIMS)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def open_index(backend: str, url: str | None, tmp: str, prefix: str | None = None):
    if backend == "sqlite":
        return SqliteFtsIndex(Path(tmp) / "search.db")
    if not url:
        raise SystemExit(f"--url is required for --backend {backend}")
    prefix = prefix or f"bench-search-{int(time.time())}"
    if backend == "opensearch":
        from healthpulse.indexes.opensearch import OpenSearchIndex

        return OpenSearchIndex(url, prefix=prefix, timeout=120)
    from healthpulse.indexes.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(url, prefix=prefix, timeout=120)


def fill(index, n: int, batch: int, rng: np.random.Generator) -> None:
    """Index ``n`` documents; on a node with refresh off meanwhile (a bulk load's usual setting: each
    refresh makes a segment, and every segment builds its own vector graph that merges rebuild).
    A kept index (``--prefix``) is resumed from the last whole slice it holds: slices are seeded by position."""
    started = time.perf_counter()
    first = already_indexed(index) // batch * batch
    if first:
        print(f"  resuming after {first} documents already in the index", file=sys.stderr, flush=True)
    bulk_load(index, True)
    for start in range(first, n, batch):
        size = min(batch, n - start)
        vectors = unit_rows(np.random.default_rng(start), size)
        docs = synthetic_docs(size, seed=start, start=start)
        index.upsert([d.model_copy(update={"embedding": vectors[i].tolist()}) for i, d in enumerate(docs)])
        done = start + size
        if done % (batch * 20) == 0 or done == n:
            rate = (done - first) / (time.perf_counter() - started)
            print(f"  indexed {done}/{n} ({rate:.0f} docs/s)", file=sys.stderr, flush=True)
    bulk_load(index, False)
    index.refresh()
    print(f"indexed {n} documents with vectors in {time.perf_counter() - started:.0f} s")


def already_indexed(index) -> int:
    if isinstance(index, SqliteFtsIndex):
        return 0
    index.ensure_ready()
    index.refresh()
    return int(index.request("GET", f"/{index.alias}/_count")["count"])


def bulk_load(index, on: bool) -> None:
    if isinstance(index, SqliteFtsIndex):
        return
    index.ensure_ready()
    index.request("PUT", f"/{index.alias}/_settings", {"index": {"refresh_interval": "-1" if on else None}})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "opensearch", "elasticsearch"], default="sqlite")
    parser.add_argument("--url", help="the search node (for --backend opensearch / elasticsearch)")
    parser.add_argument("--batch", type=int, default=2000, help="documents made and indexed per slice")
    parser.add_argument("--keep", action="store_true", help="leave the node's benchmark index in place")
    parser.add_argument("--prefix", help="the node's index prefix (implies --keep): a run stopped midway resumes "
                                         "where it stopped, and one that finished times its queries again")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    pick = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(args.backend, args.url, tmp, args.prefix)
        args.keep = args.keep or bool(args.prefix)
        try:
            fill(index, args.docs, args.batch, rng)
            vectors = getattr(index, "vector_field", None) or ("in-process matrix" if args.backend == "sqlite" else "_source scan")
            t = time.perf_counter()
            index.search(SearchQuery(vector=unit_rows(rng, 1)[0].tolist(), size=10))
            print(f"first semantic query ({args.backend}, vectors: {vectors}): {(time.perf_counter() - t) * 1000:.0f} ms")
            timings: dict[str, list[float]] = {"text": [], "semantic": [], "hybrid": []}
            for _ in range(args.runs):
                lang = pick.choice(list(VOCAB))
                plan = QueryPlan(text=" ".join(pick.sample(VOCAB[lang], 2)), vector=unit_rows(rng, 1)[0].tolist(),
                                 departments=[pick.choice(DEPARTMENTS)], topics=[pick.choice(TOPICS)])
                for mode in timings:
                    t = time.perf_counter()
                    search_mode(index, SearchQuery(size=10, highlight=True), plan, mode)  # type: ignore[arg-type]
                    timings[mode].append(time.perf_counter() - t)
            print(f"\n| mode ({args.backend}, {args.docs} documents, {args.runs} queries) | p50 ms | p95 ms |\n|---|---|---|")
            for mode, samples in timings.items():
                p50, p95 = percentiles(samples)
                print(f"| {mode} | {p50:.0f} | {p95:.0f} |")
        finally:
            if args.backend != "sqlite" and not args.keep:
                index.drop()
            index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
