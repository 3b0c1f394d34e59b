"""``compare_caches``: every contender, extra ones included, replays one stream (no timings)."""

from __future__ import annotations

from tarento_lib.answers.q01_lru import LRUCache as InterviewLRU
from tarento_lib.cache.throughput import compare_caches, make_ops


def test_extra_contenders_are_measured_beside_the_library_and_the_peers() -> None:
    rates = compare_caches(2_000, capacity=50, n_keys=500, rounds=1, extra={"answer": InterviewLRU})
    assert list(rates) == [
        "answer",
        "LRUCache",
        "LinkedLRUCache",
        "ThreadSafeLinkedLRUCache",
        "cachetools.LRUCache",
        "functools.lru_cache",
    ]
    assert all(rate > 0 for rate in rates.values())


def test_the_operation_stream_is_seeded() -> None:
    first = make_ops(500, n_keys=50, skew=1.1, put_fraction=0.2, seed=3)
    assert first == make_ops(500, n_keys=50, skew=1.1, put_fraction=0.2, seed=3)
    assert 0 < sum(first[1]) < 500
