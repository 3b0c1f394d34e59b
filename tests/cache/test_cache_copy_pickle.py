"""copy.copy, copy.deepcopy and pickle give independent caches: same entries in the same order,
same statistics, same settings, and nothing shared with the original."""

from __future__ import annotations

import copy
import pickle
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.cache import LinkedLRUCache, LRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.clock import FakeClock

MAKERS = pytest.mark.parametrize(
    "make",
    [LRUCache, LinkedLRUCache, ThreadSafeLinkedLRUCache],
    ids=["lru", "linked", "linked-locked"],
)


def _pickled(cache: Any) -> Any:
    return pickle.loads(pickle.dumps(cache))


COPIES = pytest.mark.parametrize(
    "duplicate", [copy.copy, copy.deepcopy, _pickled], ids=["copy", "deepcopy", "pickle"]
)


def _filled(make: Callable[..., Any]) -> Any:
    cache = make(3)
    for key in "abcd":  # "a" is evicted
        cache[key] = [key]
    cache.get("b")  # order: c, d, b
    cache.get("zz")
    return cache


@MAKERS
@COPIES
def test_a_copy_has_the_same_entries_order_and_statistics(
    make: Callable[..., Any], duplicate: Callable[[Any], Any]
) -> None:
    cache = _filled(make)
    twin = duplicate(cache)
    assert type(twin) is type(cache) and twin.capacity == cache.capacity
    assert twin.items() == cache.items() == [("c", ["c"]), ("d", ["d"]), ("b", ["b"])]
    assert twin.stats == cache.stats
    assert getattr(twin, "thread_safe", None) == getattr(cache, "thread_safe", None)


@MAKERS
@COPIES
def test_writes_to_a_copy_leave_the_original_alone(
    make: Callable[..., Any], duplicate: Callable[[Any], Any]
) -> None:
    cache = _filled(make)
    before, stats = cache.items(), cache.stats
    twin = duplicate(cache)
    twin["e"] = ["e"]  # evicts "c" in the copy only
    twin.get("d")
    twin.get("nope")
    del twin["b"]
    assert cache.items() == before and cache.stats == stats
    cache["f"] = ["f"]
    assert twin.items() == [("e", ["e"]), ("d", ["d"])]


@MAKERS
def test_deepcopy_and_pickle_copy_the_values_too(make: Callable[..., Any]) -> None:
    cache = _filled(make)
    for twin in (copy.deepcopy(cache), _pickled(cache)):
        twin.get("c").append("changed")
        assert cache.get("c") == ["c"]
    assert copy.copy(cache).get("c") is cache.get("c")  # a shallow copy shares the values


@MAKERS
def test_a_large_cache_pickles_without_recursion(make: Callable[..., Any]) -> None:
    size = 2 * sys.getrecursionlimit()
    cache = make(size)
    cache.update((i, i) for i in range(size))
    twin = _pickled(cache)
    assert twin.items() == cache.items() and len(twin) == size


@COPIES
def test_a_locked_linked_cache_gets_a_lock_of_its_own(duplicate: Callable[[Any], Any]) -> None:
    cache = ThreadSafeLinkedLRUCache(2)
    cache["a"] = 1
    twin = duplicate(cache)
    assert twin.thread_safe and twin._lock is not cache._lock
    with cache._lock:  # the original is busy: the copy is not
        twin["b"] = 2
        assert twin.get("a") == 1


@COPIES
def test_time_to_live_is_kept_as_time_left(duplicate: Callable[[Any], Any]) -> None:
    clock = FakeClock(100.0)
    cache = LRUCache(4, ttl=10.0, clock=clock)
    cache.put("long", 1)
    cache.put("short", 2, ttl=3.0)
    cache.put("gone", 3, ttl=1.0)
    clock.advance(2.0)  # "gone" has expired: not copied
    twin = duplicate(cache)
    assert twin.items() == [("long", 1), ("short", 2)] and twin.ttl == 10.0
    twin_clock = twin._clock
    twin_clock.advance(1.0)  # the copy's "short" had 1 s left
    assert "short" not in twin and "long" in twin
    twin_clock.advance(7.0)
    assert "long" not in twin


operations = st.lists(
    st.tuples(st.sampled_from(["put", "get", "delete"]), st.integers(0, 9)), max_size=60
)


@MAKERS
@COPIES
@given(before=operations, after=operations)
def test_round_trip_then_the_same_operations_give_the_same_answers(
    make: Callable[..., Any],
    duplicate: Callable[[Any], Any],
    before: list[tuple[str, int]],
    after: list[tuple[str, int]],
) -> None:
    """Hypothesis: any history, then a copy; both then answer every operation alike."""
    cache = make(4)
    for op, key in before:
        _apply(cache, op, key)
    twin = duplicate(cache)
    assert twin.items() == cache.items() and twin.stats == cache.stats
    for op, key in after:
        assert _apply(twin, op, key) == _apply(cache, op, key)
    assert twin.items() == cache.items() and twin.stats == cache.stats


@COPIES
@given(
    before=operations,
    after=st.lists(
        st.tuples(st.sampled_from(["put", "get", "delete", "tick"]), st.integers(0, 9)),
        max_size=60,
    ),
)
def test_round_trip_with_time_to_live(
    duplicate: Callable[[Any], Any],
    before: list[tuple[str, int]],
    after: list[tuple[str, int]],
) -> None:
    """Hypothesis: entries expiring after the copy expire at the same moment in both."""
    cache = LRUCache(4, ttl=3.0, clock=FakeClock(50.0))
    for op, key in before:
        _apply(cache, op, key)
        cache._clock.advance(0.25)
    twin = duplicate(cache)
    clocks = {id(c): c for c in (cache._clock, twin._clock)}.values()  # a copy shares the clock
    for op, key in after:
        if op == "tick":
            for clock in clocks:
                clock.advance(0.5)
        else:
            assert _apply(twin, op, key) == _apply(cache, op, key)
    assert twin.items() == cache.items() and twin.stats == cache.stats


def _apply(cache: Any, op: str, key: int) -> Any:
    if op == "put":
        return cache.put(key, key * 10)
    if op == "get":
        return cache.get(key, "MISSING")
    return cache.delete(key)
