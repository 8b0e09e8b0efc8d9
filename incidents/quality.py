"""Merge quality against a gold grouping: pairwise precision/recall and B-cubed F1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class MergeQuality:
    pair_precision: float
    pair_recall: float
    bcubed_precision: float
    bcubed_recall: float

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def merge_quality(clusters: Sequence[Sequence[str]], gold: Mapping[str, str]) -> MergeQuality:
    """``clusters``: the predicted groups of document ids; ``gold``: document id → true event id."""
    predicted = {doc: i for i, members in enumerate(clusters) for doc in members}
    docs = [d for d in gold if d in predicted]
    pred_pairs = {frozenset(p) for members in clusters for p in combinations(members, 2)}
    by_event: dict[str, list[str]] = {}
    for doc in docs:
        by_event.setdefault(gold[doc], []).append(doc)
    gold_pairs = {frozenset(p) for members in by_event.values() for p in combinations(members, 2)}
    hit = len(pred_pairs & gold_pairs)
    members_of = {i: set(m) for i, m in enumerate(clusters)}
    bp = br = 0.0
    for doc in docs:
        same_pred = members_of[predicted[doc]]
        same_gold = set(by_event[gold[doc]])
        overlap = len(same_pred & same_gold)
        bp += overlap / len(same_pred)
        br += overlap / len(same_gold)
    n = len(docs) or 1
    return MergeQuality(pair_precision=hit / len(pred_pairs) if pred_pairs else 1.0,
                        pair_recall=hit / len(gold_pairs) if gold_pairs else 1.0,
                        bcubed_precision=bp / n, bcubed_recall=br / n)
