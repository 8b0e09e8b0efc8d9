"""``batched``: the stream cut into lists, the last one short, nothing lost or repeated."""

import pytest
from healthpulse.core.batching import batched


def test_batches_keep_every_item_in_order_and_the_last_is_short():
    out = list(batched(iter(range(7)), 3))
    assert out == [[0, 1, 2], [3, 4, 5], [6]]


def test_an_empty_stream_gives_no_batch():
    assert list(batched([], 5)) == []


def test_it_reads_the_stream_lazily():
    seen: list[int] = []

    def items():
        for i in range(10):
            seen.append(i)
            yield i

    first = next(batched(items(), 4))
    assert first == [0, 1, 2, 3] and seen == [0, 1, 2, 3]


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], 0))
