"""The merge-quality measures on small hand-checked groupings."""

from healthpulse.incidents.quality import merge_quality


def test_perfect_grouping_scores_one():
    q = merge_quality([["a", "b"], ["c"]], {"a": "E1", "b": "E1", "c": "E2"})
    assert (q.pair_precision, q.pair_recall, q.bcubed_f1) == (1.0, 1.0, 1.0)


def test_one_wrong_merge_lowers_precision_not_recall():
    q = merge_quality([["a", "b", "c"]], {"a": "E1", "b": "E1", "c": "E2"})
    assert q.pair_recall == 1.0
    assert q.pair_precision == 1 / 3
    assert round(q.bcubed_precision, 4) == round((2 / 3 + 2 / 3 + 1 / 3) / 3, 4)
    assert q.bcubed_recall == 1.0


def test_split_event_lowers_recall():
    q = merge_quality([["a"], ["b"]], {"a": "E1", "b": "E1"})
    assert q.pair_recall == 0.0 and q.bcubed_recall == 0.5 and q.bcubed_precision == 1.0
