"""How well ``nlp.official`` finds an authority's response, on a labelled set of whole texts.

The set (``tests/data/incidents/official``) was written by an independent helper session; its items are
split in halves by the SHA-256 of their id: the lexicon was extended after reading the errors of the
"tuning" half only, so the "held-out" half is the honest figure (the model, trained on another author's
set, never saw either half; its lexicon features did see the tuning half).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from healthpulse.nlp.official import official_statements

Finder = Callable[[str | None, str, str], list[str] | tuple[str, ...]]  # (title, text, language) -> statements


def lexicon_finder(title: str | None, text: str, language: str) -> tuple[str, ...]:
    """The rule alone (title and text as one)."""
    return official_statements("\n".join(filter(None, [title, text])), language)


def half(item_id: str) -> str:
    """"tuning" or "held-out": the fixed split of the set."""
    return "tuning" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def load_items(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def score(items: Iterable[dict[str, Any]], finder: Finder = lexicon_finder) -> dict[str, dict[str, float]]:
    """Per language and "all": n, precision, recall and F1 of "this text reports a response"."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        found = bool(finder(item.get("title"), item["text"], item["lang"]))
        outcome = ("tp" if item["official_response"] else "fp") if found else ("fn" if item["official_response"] else "tn")
        for key in (item["lang"], "all"):
            counts[key][outcome] += 1
    out = {}
    for key, c in sorted(counts.items()):
        p = c["tp"] / max(1, c["tp"] + c["fp"])
        r = c["tp"] / max(1, c["tp"] + c["fn"])
        out[key] = {"n": float(sum(c.values())), "precision": p, "recall": r,
                    "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out
