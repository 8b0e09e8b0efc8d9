"""Build tests/data/nlp/{train,test}.jsonl from the hand-written scenarios.

Run: python tests/data/nlp/source/build.py
Each scenario (a situation written by hand in en/ru/ar/fa/vi) is rendered in 3 variants per language
(different place / facility forms, different channel framings). The split is by scenario: a scenario and
all its translations and variants are either in train or in test, never both.
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from places import FRAMES, PLACES  # noqa: E402

BATCHES = ["scen1", "scen2", "scen3", "scen4", "scen5", "scen6", "scen7", "scen8", "scen9", "scen10"]
# Batches written after the test split was fixed go to train only (the test split stays as it was).
TRAIN_ONLY = {"scen6", "scen7", "scen8", "scen9", "scen10"}
SLOT = re.compile(r"\{(\w+?)(2?)\}")
CITIZEN_CHANNELS = {"transcript": "video_appeal", "hotline": "hotline", "email": "email"}


def split_of(n: int) -> str:
    return "test" if n % 5 in (1, 3) else "train"


def render(template: str, entry: dict, entry2: dict) -> str:
    def sub(m):
        src = entry2 if m.group(2) else entry
        val = src.get(m.group(1))
        assert val, (m.group(0), template)
        return val

    return SLOT.sub(sub, template)


def main() -> None:
    scenarios = []
    for b in BATCHES:
        mod = __import__(b)
        scenarios.extend((sc, b in TRAIN_ONLY) for sc in mod.SCENARIOS)
    out = {"train": [], "test": []}
    for n, (sc, train_only) in enumerate(scenarios):
        split = "train" if train_only else split_of(n)
        for lang, template in sc["texts"].items():
            uses_place = bool(SLOT.search(template))
            needs_f = "{F" in template
            places = [p for p in PLACES[lang] if not needs_f or p.get("F")]
            for k in range(3):
                entry = places[(n * 3 + k) % len(places)]
                entry2 = next(p for i in range(1, len(places)) if (p := places[(n * 3 + k + i) % len(places)])["dep"] != entry["dep"])
                text = render(template, entry, entry2)
                if sc["kind"] == "c":
                    frame_kind = ["transcript", "hotline", "email"][(n + k) % 3]
                    channel = CITIZEN_CHANNELS[frame_kind]
                else:
                    frame_kind, channel = "news", "news"
                frames = FRAMES[lang][frame_kind]
                frame = frames[(n + k) % len(frames)] if frame_kind != "news" else frames[k % len(frames)]
                item = {
                    "id": f"{lang}-{n:03d}-{k}",
                    "scenario": n,
                    "lang": lang,
                    "channel": channel,
                    "text": frame.replace("{t}", text),
                    "health_related": sc["health_related"],
                    "incident": sc["incident"],
                    "severity": sc["severity"],
                    "sentiment": sc["sentiment"],
                    "topics": sc["topics"],
                    "department": entry["dep"] if uses_place else None,
                }
                out[split].append(item)
    for split, items in out.items():
        path = HERE.parent / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for it in items:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
        print(split, len(items), "items", {lang: sum(1 for i in items if i["lang"] == lang) for lang in PLACES})


if __name__ == "__main__":
    main()
