"""Cross-lingual search latency on the embedded default (SQLite FTS5 + in-process vector matrix).

N synthetic documents (benchmarks/index.py's generator: five languages, 30 departments) each get a
SYNTHETIC random unit vector of 384 dimensions (the e5 size); latency does not depend on what
the vectors mean, only on their number and size. Query vectors are synthetic too, so the encoder's
own time for one query (about 20-60 ms on two cores, not measured here) comes on top in the CLI
and the API. Prints p50/p95 per mode: text, semantic (kNN over the matrix, the first query after a
write reloads it: measured apart), hybrid (text + semantic + the department and department+topic
lists, fused by RRF).

    python benchmarks/search.py --docs 100000 --runs 50
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    pick = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        index = SqliteFtsIndex(Path(tmp) / "search.db")
        started = time.perf_counter()
        vectors = unit_rows(rng, args.docs)
        docs = [d.model_copy(update={"embedding": vectors[i].tolist()}) for i, d in enumerate(synthetic_docs(args.docs))]
        for start in range(0, len(docs), 2000):
            index.upsert(docs[start:start + 2000])
        print(f"indexed {args.docs} documents with vectors in {time.perf_counter() - started:.0f} s")
        t = time.perf_counter()
        index.search(SearchQuery(vector=unit_rows(rng, 1)[0].tolist(), size=10))
        print(f"first semantic query (loads the {args.docs} x {DIMS} matrix): {(time.perf_counter() - t) * 1000:.0f} ms")
        timings: dict[str, list[float]] = {"text": [], "semantic": [], "hybrid": []}
        for _ in range(args.runs):
            lang = pick.choice(list(VOCAB))
            plan = QueryPlan(text=" ".join(pick.sample(VOCAB[lang], 2)), vector=unit_rows(rng, 1)[0].tolist(),
                             departments=[pick.choice(DEPARTMENTS)], topics=[pick.choice(TOPICS)])
            for mode in timings:
                t = time.perf_counter()
                search_mode(index, SearchQuery(size=10, highlight=True), plan, mode)  # type: ignore[arg-type]
                timings[mode].append(time.perf_counter() - t)
        print(f"\n| mode ({args.docs} documents, {args.runs} queries) | p50 ms | p95 ms |\n|---|---|---|")
        for mode, samples in timings.items():
            p50, p95 = percentiles(samples)
            print(f"| {mode} | {p50:.0f} | {p95:.0f} |")
        index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
