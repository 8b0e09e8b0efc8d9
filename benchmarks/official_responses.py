"""Official-response detection (nlp/official.py) on the independent set: quality per half and language, speed.

Usage: python benchmarks/official_responses.py
Prints precision/recall/F1 of the shipped model and of the lexicon rule alone for the tuning half (the
rule's errors were read there), the held-out half (the honest figure) and the whole set, then the model's
speed over the whole set's texts (texts/s and sentences/s, encoder cache cleared first).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from healthpulse.nlp.official import OfficialResponseModel, sentences
from healthpulse.nlp.official_quality import half, lexicon_finder, load_items, score

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "incidents" / "official" / "official_responses.jsonl"


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    items = load_items(SET)
    model = OfficialResponseModel()
    for finder_name, finder in (("model", model.statements), ("lexicon rule", lexicon_finder)):
        print(f"== {finder_name}")
        for name, part in (("tuning half", [i for i in items if half(i["id"]) == "tuning"]),
                           ("held-out half", [i for i in items if half(i["id"]) == "held-out"]),
                           ("whole set", items)):
            print(name)
            for lang, m in score(part, finder).items():
                print(f"  {lang:<4} n={int(m['n']):<4} P={m['precision']:.2f} R={m['recall']:.2f} F1={m['f1']:.2f}")
    model.encoder.clear_cache()
    n_sentences = sum(len(sentences(i.get("title"), i["text"])) for i in items)
    start = time.perf_counter()
    for i in items:
        model.statements(i.get("title"), i["text"], i["lang"])
    took = time.perf_counter() - start
    print(f"model speed: {len(items) / took:.1f} texts/s, {n_sentences / took:.0f} sentences/s "
          f"({n_sentences} sentences, one text per call, 2 encoder threads)")


if __name__ == "__main__":
    main()
