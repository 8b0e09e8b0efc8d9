"""How the hybrid search's similarity floor (indexes.hybrid.SIMILARITY_FLOOR) was chosen, by measurement.

On the independent event set (tests/data/incidents/independent: 337 documents, 83 labelled queries,
the set tests/integration/indexes/test_cross_lingual_recall.py measures recall@10 on) it prints:
- the cosine of every (query, relevant document in another language) pair, production vectors on
  both sides (the e5 title+lead vector, the query's e5 query+passage vector);
- the cosine of the nearest neighbours of NONSENSE queries (random strings, football scores,
  recipes … in the five languages), which have no relevant document in the set;
- per candidate floor (and lone-list floor, indexes.hybrid.LONE_VECTOR_FLOOR): the share of relevant
  pairs kept, how many nonsense queries still get hits in hybrid mode (and their totals, page size 20),
  and recall@10 (cross-language, as the test counts it) of hybrid and semantic; -1 is no floor.

    python benchmarks/search_floor.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: its ``tests`` package
from healthpulse.core.departments import load_departments  # noqa: E402
from healthpulse.core.resources import bundled_departments_path  # noqa: E402
from healthpulse.indexes import hybrid  # noqa: E402
from healthpulse.indexes.query import SearchQuery  # noqa: E402
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex  # noqa: E402
from healthpulse.ingest.search_plan import QueryReader, query_vectors  # noqa: E402

from tests.support.event_set import (  # noqa: E402
    event_documents,
    event_index_docs,
    event_queries,
    event_vectors,
    shared_embedder,
)

# Queries no document of the set is about: random strings and unrelated topics, in the five languages.
NONSENSE = [
    "zzqxw nonsense", "qwrtp zxcvb", "football scores premier league", "best chocolate cake recipe",
    "cheap flights to Bali", "bitcoin price today",
    "ыкуцщ фывапр", "счёт матча Спартак Зенит", "рецепт борща со сметаной", "курс биткоина сегодня",
    "نتيجة مباراة الأهلي والزمالك", "وصفة كعكة الشوكولاتة", "سعر الذهب اليوم", "ضصثق غعهخ",
    "نتیجه بازی استقلال پرسپولیس", "دستور پخت قورمه سبزی", "قیمت دلار امروز",
    "kết quả bóng đá ngoại hạng anh", "công thức nấu phở bò", "giá vàng hôm nay", "xqzv ktrw",
]
# (floor, lone floor): none, absolute floors alone, then with a higher floor for a lone vector list.
GRID = [(-1.0, -1.0), (0.78, -1.0), (0.80, -1.0), (0.81, -1.0), (0.80, 0.86), (0.80, 0.87), (0.80, 0.88),
        (0.80, 0.90), (0.80, 2.0)]


def main() -> int:
    reader = QueryReader(load_departments(bundled_departments_path()), None)
    language = {d["id"]: d["lang"] for d in event_documents()}
    row = {d["id"]: i for i, d in enumerate(event_documents())}
    doc_vectors = event_vectors()
    queries = [q for q in event_queries() if any(language[i] != q["lang"] for i in q["relevant"])]
    qvecs = query_vectors(shared_embedder(), [q["query"] for q in queries])
    nvecs = query_vectors(shared_embedder(), NONSENSE)

    pairs = np.array([float(doc_vectors[row[i]] @ qv) for q, qv in zip(queries, qvecs, strict=True)
                      for i in q["relevant"] if language[i] != q["lang"]])
    nearest = np.sort(doc_vectors @ nvecs.T, axis=0)[::-1]  # column per nonsense query, best first
    print(f"relevant cross-language pairs: {len(pairs)}; cosine percentiles 1/5/10/50: "
          f"{np.percentile(pairs, [1, 5, 10, 50]).round(3).tolist()}")
    print(f"nonsense queries: {len(NONSENSE)}; their nearest neighbour's cosine: max {nearest[0].max():.3f}, "
          f"median {np.median(nearest[0]):.3f}; 10th neighbour max {nearest[9].max():.3f}")
    for text, best in zip(NONSENSE, nearest[0], strict=True):
        print(f"  {best:.3f}  {text}")

    with tempfile.TemporaryDirectory() as tmp:
        index = SqliteFtsIndex(Path(tmp) / "search.db")
        index.upsert(event_index_docs(reader.topics))

        def run(floor: float, lone: float) -> tuple[float, float, int, int]:
            recall: dict[str, list[float]] = {"hybrid": [], "semantic": []}
            for q, qv in zip(queries, qvecs, strict=True):
                cross = {i for i in q["relevant"] if language[i] != q["lang"]}
                plan = reader.plan(q["query"], with_vector=False)
                plan.vector = [float(x) for x in qv]
                for mode in recall:
                    top = {h.id for h in hybrid.search_mode(index, SearchQuery(size=10), plan, mode,  # type: ignore[arg-type]
                                                            floor=floor, lone_floor=lone).hits}
                    recall[mode].append(len(top & cross) / min(10, len(cross)))
            answered, hits = 0, 0
            for text, nv in zip(NONSENSE, nvecs, strict=True):
                plan = reader.plan(text, with_vector=False)
                plan.vector = [float(x) for x in nv]
                found = hybrid.search_mode(index, SearchQuery(size=20), plan, "hybrid", floor=floor, lone_floor=lone).total
                answered, hits = answered + (found > 0), hits + found
            return float(np.mean(recall["hybrid"])), float(np.mean(recall["semantic"])), answered, hits

        print("\n| floor | lone floor | relevant pairs kept | hybrid recall@10 | semantic recall@10 "
              "| nonsense queries with hits | their results |\n|---|---|---|---|---|---|---|")
        for floor, lone in GRID:
            h, s, answered, hits = run(floor, lone)
            print(f"| {floor:.2f} | {lone:.2f} | {float(np.mean(pairs >= floor)):.3f} | {h:.3f} | {s:.3f} "
                  f"| {answered}/{len(NONSENSE)} | {hits} |", flush=True)
        index.close()
    return 0


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    raise SystemExit(main())
