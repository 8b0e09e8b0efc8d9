"""Official-response detection (nlp/official.py) on the independent set: quality per half and language, speed.

Usage: python benchmarks/official_responses.py
Prints precision/recall/F1 for the tuning half, the held-out half (the honest figure) and the whole
set, then sentences per second over the whole set's texts (the lexicon's cache cleared first).
"""

from __future__ import annotations

import time
from pathlib import Path

from healthpulse.nlp import official
from healthpulse.nlp.official_quality import half, load_items, score

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "incidents" / "official" / "official_responses.jsonl"


def main() -> None:
    items = load_items(SET)
    for name, part in (("tuning", [i for i in items if half(i["id"]) == "tuning"]),
                       ("held-out", [i for i in items if half(i["id"]) == "held-out"]), ("whole", items)):
        print(f"{name} half" if name != "whole" else "whole set")
        for lang, m in score(part).items():
            print(f"  {lang:<4} n={int(m['n']):<4} P={m['precision']:.2f} R={m['recall']:.2f} F1={m['f1']:.2f}")
    official.official_statements.cache_clear()
    texts = [i["text"] for i in items]
    start = time.perf_counter()
    for i in items:
        official.official_statements(i["text"], i["lang"])
    took = time.perf_counter() - start
    chars = sum(map(len, texts))
    print(f"speed: {len(texts) / took:.0f} texts/s, {chars / took / 1000:.0f} k characters/s (one core, no cache)")


if __name__ == "__main__":
    main()
