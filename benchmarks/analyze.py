"""Throughput and memory of the NLP Analyzer on a mixed five-language set.

    python benchmarks/analyze.py [--docs 600] [--batch-size 64] [--long 0]

Prints model load time, docs/s (batched ``Analyzer.analyze_many``), per-language docs/s and
the process's peak RSS. Texts: the labelled test split (ru/ar/fa/vi/en, news, transcripts,
hotline summaries, e-mails), cycled to --docs; --long N adds N news-length documents (the
seed articles) to show the effect of length (the encoder reads only the head of a text).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--long", type=int, default=0, help="extra long news documents (from the shared seed articles when present, else the test split)")
    ap.add_argument("--profile-encoder", action="store_true",
                    help="only time the e5 encoder on one batch per input length (tokens vs time)")
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    if args.profile_encoder:
        return profile_encoder(args.batch_size)

    from healthpulse.core.departments import load_departments
    from healthpulse.core.domain import Document
    from healthpulse.core.settings import Settings
    from healthpulse.nlp.analyzer import Analyzer
    from healthpulse.nlp.encoder import FULL_LAYERS
    from healthpulse.nlp.training.dataset import load_split

    items = load_split("test")
    docs = [Document(id=f"b{i}", text=items[i % len(items)].text) for i in range(args.docs)]
    langs = [items[i % len(items)].lang for i in range(args.docs)]
    for i in range(args.long):
        body = " ".join(it.text for it in items[i * 7:(i * 7) + 40])  # ~8-10k characters
        docs.append(Document(id=f"long{i}", text=body))
        langs.append("long")

    t0 = time.perf_counter()
    analyzer = Analyzer.from_settings(Settings(), load_departments(REPO / "data" / "departments.yaml"))
    analyzer.analyze(Document(id="warm", text="warm up the encoder"))
    load_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    out = analyzer.analyze_many(docs, batch_size=args.batch_size)
    elapsed = time.perf_counter() - t1
    assert len(out) == len(docs)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The same documents through the stages that need no encoder (language id + gazetteer):
    light = Analyzer(load_departments(REPO / "data" / "departments.yaml"), pipeline=("hp_language", "hp_gazetteer"))
    t2 = time.perf_counter()
    light.analyze_many(docs, batch_size=args.batch_size)
    light_s = time.perf_counter() - t2
    feats = analyzer.bundle.meta["features"]
    print(f"pipeline: {' -> '.join(analyzer.pipe_names)}; features {feats['set']}, "
          f"encoder layers {feats.get('encoder_layers') or FULL_LAYERS}")
    print(f"models loaded in {load_s:.1f} s")
    print(f"{len(docs)} docs in {elapsed:.1f} s: {len(docs) / elapsed:.1f} docs/s (batch size {args.batch_size})")
    print(f"mean latency per doc in a batch: {1000 * elapsed / len(docs):.1f} ms")
    print(f"without the encoder stages (language id + gazetteer only): {len(docs) / light_s:.0f} docs/s")
    print(f"peak RSS: {rss_mib:.0f} MiB")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def profile_encoder(batch_size: int) -> int:
    """Cost of one encoder batch against input length and layer count: the engine packs a batch
    without padding, so the time follows tokens × layers, not the batch size or the text order."""
    from healthpulse.nlp.encoder import FULL_LAYERS, get_encoder
    from healthpulse.nlp.features import embed_text
    from healthpulse.nlp.training.dataset import load_split

    items = load_split("test")
    long_texts = [" ".join(it.text for it in items[i:i + 12]) for i in range(0, 12 * batch_size, 12)]
    print("layers  chars  tokens/doc  ms/batch  docs/s  tokens/s")
    for layers in (FULL_LAYERS, 6, 3):
        enc = get_encoder(2, layers)
        enc.passage(["warm up"])
        for chars in (100, 200, 400, 800):
            texts = [embed_text(None, t, chars) for t in long_texts[:batch_size]]
            tokens = sum(enc.token_count("passage: " + t) for t in texts)
            t0 = time.perf_counter()
            enc.passage(texts)
            dt = time.perf_counter() - t0
            print(f"{layers:6d}  {chars:5d}  {tokens / len(texts):10.0f}  {1000 * dt:8.0f}  {len(texts) / dt:6.1f}"
                  f"  {tokens / dt:8.0f}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
