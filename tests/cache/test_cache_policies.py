"""The policy simulator: OPT is optimal (checked by brute force), every policy <= OPT."""

from __future__ import annotations

import functools
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.cache import POLICIES, hit_rate, hit_rate_curves
from tarento_lib.cache.policies import lru_hits, next_uses, opt_hits
from tarento_lib.workloads import loop_keys, scan_heavy_keys, zipf_keys


def brute_force_best(trace: tuple[int, ...], capacity: int) -> int:
    """Most hits any demand cache can get: try every choice of victim on every miss."""

    @functools.cache
    def best(i: int, cached: frozenset[int]) -> int:
        if i == len(trace):
            return 0
        key = trace[i]
        if key in cached:
            return 1 + best(i + 1, cached)
        if len(cached) < capacity:
            return best(i + 1, cached | {key})
        return max(best(i + 1, (cached - {victim}) | {key}) for victim in cached)

    return best(0, frozenset())


@given(trace=st.lists(st.integers(0, 4), max_size=12).map(tuple), capacity=st.integers(1, 3))
def test_opt_matches_brute_force_on_tiny_traces(trace: tuple[int, ...], capacity: int) -> None:
    assert opt_hits(trace, capacity) == brute_force_best(trace, capacity)


@given(trace=st.lists(st.integers(0, 9), max_size=60), capacity=st.integers(1, 6))
def test_no_policy_beats_opt(trace: list[int], capacity: int) -> None:
    best = opt_hits(trace, capacity)
    for name, policy in POLICIES.items():
        assert policy(trace, capacity) <= best, name


def test_next_uses() -> None:
    assert next_uses(["a", "b", "a", "c"]) == [2, 5, 6, 7]


def test_lru_simulation_agrees_with_the_real_cache() -> None:
    from tarento_lib.cache import LRUCache

    trace = zipf_keys(3000, n_keys=200, skew=0.9, seed=3)
    cache = LRUCache(30)
    for key in trace:
        if cache.get(key) is None:
            cache.put(key, True)
    assert cache.stats.hits == lru_hits(trace, 30)


def test_lru_collapses_on_a_loop_just_larger_than_the_cache() -> None:
    trace = loop_keys(5000, loop_size=101)
    curves = hit_rate_curves(trace, [100])
    assert curves["LRU"] == [0.0] and curves["FIFO"] == [0.0]
    assert curves["W-TinyLFU"][0] > 0.5 and curves["OPT"][0] > 0.9


def test_frequency_aware_policies_resist_scans() -> None:
    trace = scan_heavy_keys(20000, n_keys=500, skew=1.0, scan_fraction=0.3, seed=2)
    lru, arc, tiny = (hit_rate(trace, 100, p) for p in ("LRU", "ARC", "W-TinyLFU"))
    assert arc > lru and tiny > lru


def test_monotone_in_capacity_for_stack_policies() -> None:
    trace = zipf_keys(4000, n_keys=300, skew=1.0, seed=5)
    for name in ("LRU", "OPT"):  # stack algorithms: more room never hurts (no Belady anomaly)
        rates = hit_rate_curves(trace, [5, 10, 20, 40, 80], [name])[name]
        assert rates == sorted(rates)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="policy"):
        hit_rate([1, 2], 2, "MRU")
    with pytest.raises(ValueError, match="capacity"):
        hit_rate([1, 2], 0)
    assert hit_rate([], 3) == 0.0
    assert list(itertools.islice(POLICIES, 1)) == ["LRU"]
