import pytest

from actionspace.core.batching import batch_indices, process_shard
from actionspace.core.stats import wilson_interval


def test_wilson_interval_matches_hand_computation():
    # p = 0.5, n = 100, z = 1.96: centre 0.5, half-width 1.96*sqrt(0.0025 + 0.00009604)/1.038416 = 0.09617
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.40383, abs=1e-4) and high == pytest.approx(0.59617, abs=1e-4)
    # 0 of 200: the lower bound is 0 and the upper bound z^2/(n + z^2) = 3.8415/203.8415 = 0.018845
    low, high = wilson_interval(0, 200)
    assert low == 0.0 and high == pytest.approx(0.018845, abs=1e-5)


def test_batches_cover_each_epoch_once_and_repeat_deterministically():
    seen = [i for step in range(5) for i in batch_indices(10, 2, step, seed=3)]
    assert sorted(seen) == list(range(10))
    assert batch_indices(10, 2, 7, seed=3) == batch_indices(10, 2, 7, seed=3)
    assert [batch_indices(10, 2, s, seed=3) for s in range(5)] != [batch_indices(10, 2, s, seed=4) for s in range(5)]
    # a new epoch is a new permutation
    assert [batch_indices(10, 2, s, seed=3) for s in range(5)] != [
        batch_indices(10, 2, s, seed=3) for s in range(5, 10)
    ]


def test_process_shards_partition_the_global_batch():
    indices = [5, 1, 4, 2]
    assert process_shard(indices, 0, 2) + process_shard(indices, 1, 2) == indices
    with pytest.raises(ValueError, match="does not split evenly"):
        process_shard([1, 2, 3], 0, 2)
