"""Behaviour and bad input of both LRU caches (shared cases run on both classes)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tarento_lib.cache import CacheStats, LinkedLRUCache, LRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.clock import FakeClock

# LRUCache; LinkedLRUCache without and with its lock
BOTH = pytest.mark.parametrize(
    "cls",
    [LRUCache, LinkedLRUCache, ThreadSafeLinkedLRUCache],
    ids=["lru", "linked", "linked-locked"],
)


@BOTH
def test_evicts_least_recently_used(cls: type) -> None:
    cache = cls(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now most recent
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert cache.stats.evictions == 1


@BOTH
def test_stored_none_is_a_hit(cls: type) -> None:
    cache = cls(2)
    cache.put("k", None)
    assert cache.get("k", "MISSING") is None
    assert cache.get("absent", "MISSING") == "MISSING"
    assert cache.stats == CacheStats(hits=1, misses=1, evictions=0, expirations=0)
    assert cache.stats.hit_rate == 0.5


@BOTH
def test_contains_does_not_refresh_recency_or_count(cls: type) -> None:
    cache = cls(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert "a" in cache
    cache.put("c", 3)
    assert "a" not in cache
    assert cache.stats.lookups == 0


@BOTH
def test_mutable_mapping_protocol(cls: type) -> None:
    cache = cls(3)
    cache["x"] = 1
    cache.update({"y": 2, "z": 3})
    assert cache["x"] == 1
    with pytest.raises(KeyError):
        cache["missing"]
    del cache["y"]
    with pytest.raises(KeyError):
        del cache["y"]
    assert list(cache) == ["z", "x"]  # least to most recently used
    assert cache.pop("z") == 3 and cache.pop("z", "gone") == "gone"
    assert cache.popitem() == ("x", 1)
    with pytest.raises(KeyError):
        cache.popitem()
    assert len(cache) == 0


@BOTH
def test_reading_items_changes_no_recency_and_no_stats(cls: type) -> None:
    cache = cls(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.items() == [("a", 1), ("b", 2)] and repr(cache).endswith("{'a': 1, 'b': 2})")
    cache.put("c", 3)
    assert cache.keys() == ["b", "c"] and cache.stats.lookups == 0


@BOTH
def test_delete_and_clear(cls: type) -> None:
    cache = cls(2)
    cache.put("a", 1)
    assert cache.delete("a") is True and cache.delete("a") is False
    cache.put("b", 2)
    cache.clear()
    assert len(cache) == 0 and cache.get("b") is None
    cache.put("c", 3)
    assert cache.items() == [("c", 3)]


@BOTH
def test_reset_stats(cls: type) -> None:
    cache = cls(1)
    cache.put("a", 1)
    cache.get("a")
    cache.put("b", 2)
    cache.reset_stats()
    assert cache.stats == CacheStats()


@BOTH
@pytest.mark.parametrize("bad", [0, -1, -5])
def test_capacity_below_one_is_a_value_error(cls: type, bad: int) -> None:
    with pytest.raises(ValueError, match="capacity"):
        cls(bad)


class CountingLock:
    """A lock that counts how often it is taken and fails loudly if it is taken twice."""

    def __init__(self) -> None:
        self.entries = 0
        self.held = False

    def __enter__(self) -> None:
        assert not self.held, "the lock was taken again while held"
        self.held = True
        self.entries += 1

    def __exit__(self, *exc: object) -> None:
        self.held = False


OPERATIONS = {
    "get": lambda c: c.get("a"),
    "get-miss": lambda c: c.get("zz"),
    "put": lambda c: c.put("z", 26),
    "delete": lambda c: c.delete("a"),
    "pop": lambda c: c.pop("a"),
    "popitem": lambda c: c.popitem(),
    "setdefault": lambda c: c.setdefault("a", 25),
    "len": len,
    "in": lambda c: "a" in c,
    "items": lambda c: c.items(),
    "stats": lambda c: c.stats,
    "clear": lambda c: c.clear(),
    "reset_stats": lambda c: c.reset_stats(),
}


@pytest.mark.parametrize("cls", [LRUCache, ThreadSafeLinkedLRUCache], ids=["lru", "linked-locked"])
@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_public_operation_takes_the_lock_once(cls: type, operation: Any) -> None:
    cache = cls(3)
    cache.update({"a": 1, "b": 2})
    cache._lock = lock = CountingLock()
    operation(cache)
    assert lock.entries == 1 and not lock.held


def test_the_locked_linked_cache_is_a_subclass_not_patched_instances() -> None:
    cache = ThreadSafeLinkedLRUCache(2)
    assert isinstance(cache, LinkedLRUCache) and cache.thread_safe
    assert not LinkedLRUCache.thread_safe and not hasattr(LinkedLRUCache(2), "_lock")
    assert {"get", "put", "delete", "popitem"}.isdisjoint(vars(cache))


def test_lru_statistics_are_plain_ints() -> None:
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.get("a"), cache.get("b")
    assert type(cache._hits) is int and type(cache._misses) is int
    assert cache.stats == CacheStats(hits=1, misses=1)


def test_locked_linked_cache_wraps_every_public_operation_in_one_lock() -> None:
    cache = ThreadSafeLinkedLRUCache(2)
    cache.update({"a": 1, "b": 2})
    cache["a"]
    assert cache.popitem() == ("b", 2)  # popitem, put and delete must not take the same lock twice
    cache.put("c", 3)
    del cache["a"]
    assert cache.items() == [("c", 3)] and cache.stats.hits == 1 and cache.thread_safe


@BOTH
@pytest.mark.parametrize("bad", [2.5, "3", None, True])
def test_capacity_of_the_wrong_type_is_a_type_error(cls: type, bad: object) -> None:
    with pytest.raises(TypeError, match="capacity"):
        cls(bad)


@BOTH
def test_unhashable_key_is_a_type_error_and_changes_nothing(cls: type) -> None:
    cache = cls(2)
    cache.put("a", 1)
    for operation in (
        lambda: cache.put(["x"], 1),
        lambda: cache.get(["x"]),
        lambda: cache.delete({}),
        lambda: {} in cache,
    ):
        with pytest.raises(TypeError, match="hashable"):
            operation()
    assert cache.items() == [("a", 1)] and cache.stats == CacheStats()


@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan])
def test_ttl_must_be_finite_and_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="ttl"):
        LRUCache(2, ttl=bad)
    with pytest.raises(ValueError, match="ttl"):
        LRUCache(2).put("a", 1, ttl=bad)


@pytest.mark.parametrize("bad", ["1", True, [1]])
def test_ttl_of_the_wrong_type(bad: object) -> None:
    with pytest.raises(TypeError, match="ttl"):
        LRUCache(2, ttl=bad)


def test_ttl_expires_lazily_on_the_injected_clock() -> None:
    clock = FakeClock()
    cache = LRUCache(3, ttl=10, clock=clock)
    cache.put("a", 1)
    clock.advance(9.999)
    assert cache.get("a") == 1
    clock.advance(0.001)
    assert "a" not in cache
    assert cache.get("a") is None
    assert cache.stats == CacheStats(hits=1, misses=1, evictions=0, expirations=1)


def test_per_entry_ttl_overrides_the_default_and_none_means_forever() -> None:
    clock = FakeClock()
    cache = LRUCache(3, clock=clock)
    cache.put("short", 1, ttl=1)
    cache.put("forever", 2)
    clock.advance(100)
    assert cache.get("short") is None and cache.get("forever") == 2


def test_put_again_renews_the_deadline() -> None:
    clock = FakeClock()
    cache = LRUCache(2, ttl=5, clock=clock)
    cache.put("a", 1)
    clock.advance(4)
    cache.put("a", 2)
    clock.advance(4)
    assert cache.get("a") == 2


def test_purge_expired_counts_and_len_honours_expiry() -> None:
    clock = FakeClock()
    cache = LRUCache(10, clock=clock)
    for i in range(6):
        cache.put(i, i, ttl=1 + i % 2)  # 0, 2, 4 live 1 s; 1, 3, 5 live 2 s
    clock.advance(1)
    assert cache.purge_expired() == 3
    assert len(cache) == 3 and list(cache) == [1, 3, 5]
    clock.advance(1)
    assert len(cache) == 0 and cache.stats.expirations == 6


def test_full_cache_drops_expired_entries_before_evicting_live_ones() -> None:
    clock = FakeClock()
    cache = LRUCache(2, clock=clock)
    cache.put("old", 1, ttl=1)
    cache.put("live", 2)
    clock.advance(5)
    cache.put("new", 3)
    assert cache.items() == [("live", 2), ("new", 3)]
    assert cache.stats.evictions == 0 and cache.stats.expirations == 1


def test_stale_heap_rows_are_compacted() -> None:
    clock = FakeClock()
    cache = LRUCache(4, ttl=100, clock=clock)
    for i in range(1000):
        cache.put(i % 4, i)
    assert len(cache._heap) <= 2 * len(cache._deadlines) + 64


def test_setdefault() -> None:
    cache = LRUCache(2)
    assert cache.setdefault("a", 1) == 1
    assert cache.setdefault("a", 2) == 1
