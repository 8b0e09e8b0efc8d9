"""Throughput and memory of the NLP Analyzer per profile, on four realistic mixes.

    python benchmarks/analyze.py [--profiles fast,default,full] [--docs 300] [--batch-size 64]

Mixes (texts of the independent authors' training data, all distinct, five languages):
- ``crawl``: what a news crawler brings in — 85 % not about health, 15 % health texts;
- ``health``: only health texts (appeals, hotline summaries, health news), lengths as they come;
- ``unseen``: health texts of the third independent dev set (text the heads never trained on, where
  more texts are uncertain and get the 12-layer second read; the first two dev sets train the heads since
  2026-12-04);
- ``long``: health texts of 800 characters or more (multi-paragraph articles, long transcripts);
- ``syndicated``: the crawl mix where every story also arrives as 2 copies from other sites
  (the embedding cache reads each once).
Each profile runs in its own process (so its peak RSS is its own); the embedding cache is emptied
before each mix. Prints docs/s, mean chars, the share stopped by the screen and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIXES = ("crawl", "health", "unseen", "long", "syndicated")


def build_mixes(n: int, seed: int = 7) -> dict[str, list[tuple[str | None, str]]]:
    from healthpulse.nlp.training.dataset import load_file, split_files

    # The independent authors' items: real lengths (news articles, transcripts, posts), not the short
    # translated situations of train.jsonl.
    items = [it for f in split_files("train") if f.name != "train.jsonl" for it in load_file(f)]
    rnd = random.Random(seed)
    rnd.shuffle(items)
    seen: set[str] = set()
    uniq = [it for it in items if not (it.text in seen or seen.add(it.text))]  # type: ignore[func-returns-value]
    health = [(it.title, it.text) for it in uniq if it.health_related]
    other = [(it.title, it.text) for it in uniq if not it.health_related]
    long = [(t, b) for t, b in health if len(b) >= 800]
    n_health = max(1, round(n * 0.15))
    crawl = other[: n - n_health] + health[-n_health:]
    rnd.shuffle(crawl)
    stories = crawl[: n // 3]
    syndicated = [(t, b) for t, b in stories for _ in range(3)]
    rnd.shuffle(syndicated)
    unseen = [(it.title, it.text) for f in split_files("third_dev") for it in load_file(f) if it.health_related]
    rnd.shuffle(unseen)
    return {"crawl": crawl, "health": health[:n], "unseen": unseen[:n], "long": long[: max(1, n // 2)],
            "syndicated": syndicated}


def run_profile(profile: str, n: int, batch_size: int) -> dict:
    from healthpulse.core.departments import load_departments
    from healthpulse.core.domain import Document
    from healthpulse.core.settings import Settings
    from healthpulse.nlp.analyzer import Analyzer

    mixes = build_mixes(n)
    t0 = time.perf_counter()
    analyzer = Analyzer.from_settings(Settings(nlp_profile=profile),
                                      load_departments(REPO / "data" / "departments.yaml"))
    analyzer.analyze(Document(id="warm", text="warm up the encoder"))
    out: dict = {"profile": profile, "load_s": round(time.perf_counter() - t0, 2), "mixes": {}}
    for name in MIXES:
        docs = [Document(id=f"{name}{i}", title=t, text=b) for i, (t, b) in enumerate(mixes[name])]
        analyzer.clear_cache()
        t1 = time.perf_counter()
        res = analyzer.analyze_many(docs, batch_size=batch_size)
        dt = time.perf_counter() - t1
        out["mixes"][name] = {"docs": len(docs), "docs_s": round(len(docs) / dt, 1),
                              "mean_chars": round(sum(len(d.text) for d in docs) / len(docs)),
                              "screened": round(sum("screen" in a.components for a in res) / len(res), 3),
                              "reread": round(sum("second_read" in a.components for a in res) / len(res), 3)}
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    feats = analyzer.bundle.meta["features"]
    out["features"] = f"{feats['set']}, {feats.get('encoder_layers')} encoder layers"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--profiles", default="fast,default,full", help="comma-separated NLP profiles to measure")
    ap.add_argument("--docs", type=int, default=300, help="documents per mix (the long mix takes half)")
    ap.add_argument("--batch-size", type=int, default=64, help="documents per analyzer call")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_profile(args.one, args.docs, args.batch_size)))
        return 0
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    rows = []
    for profile in args.profiles.split(","):
        cmd = [sys.executable, __file__, "--one", profile, "--docs", str(args.docs), "--batch-size", str(args.batch_size)]
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{profile}: loaded in {r['load_s']} s; {r['features']}; peak RSS {r['peak_rss_mib']} MiB", flush=True)
    print("\n| profile | " + " | ".join(f"{m} docs/s" for m in MIXES) + " | peak RSS MiB |")
    print("|---|" + "---|" * (len(MIXES) + 1))
    for r in rows:
        print(f"| {r['profile']} | " + " | ".join(str(r['mixes'][m]['docs_s']) for m in MIXES) +
              f" | {r['peak_rss_mib']} |")
    first = rows[0]["mixes"]
    print("\nmix sizes: " + ", ".join(f"{m} {first[m]['docs']} docs (mean {first[m]['mean_chars']} chars, "
                                       f"screen stopped {100 * first[m]['screened']:.0f} %)" for m in MIXES))
    for r in rows:
        print(f"{r['profile']}: re-read at 12 layers: " + ", ".join(
            f"{m} {100 * r['mixes'][m]['reread']:.0f} %" for m in MIXES))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
