"""The "lru" exercise suite: what any LRU cache class must do.

The candidate is a class taking ``capacity`` with ``get(key, default=None)``,
``put(key, value)`` and ``len()``. The reference classes pass every case (``tests/``).
"""

from __future__ import annotations

import random
import threading
from typing import Any

from tarento_lib.grading import Case, Steps, Suite

__all__ = ["SUITES"]


def _basic(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    s.call(cache, "put", "a", 1)
    s.expect(s.call(cache, "get", "a"), "get('a')")


def _miss(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    s.expect(s.call(cache, "get", "nope"), "get of a missing key")
    s.expect(s.call(cache, "get", "nope", "fallback"), "get of a missing key with a default")


def _evicts_lru(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    for key, value in [("a", 1), ("b", 2), ("c", 3)]:
        s.call(cache, "put", key, value)
    s.expect(s.call(cache, "get", "a"), "'a' was least recently used, so it must be evicted")
    s.expect(s.call(cache, "get", "b"), "get('b')")
    s.expect(s.call(cache, "get", "c"), "get('c')")


def _get_refreshes(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    s.call(cache, "put", "a", 1)
    s.call(cache, "put", "b", 2)
    s.call(cache, "get", "a")
    s.call(cache, "put", "c", 3)
    s.expect(
        s.call(cache, "get", "a"), "'a' was just read, so 'b' should have been evicted instead"
    )
    s.expect(s.call(cache, "get", "b"), "get('b')")


def _update_existing(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    s.call(cache, "put", "a", 1)
    s.call(cache, "put", "b", 2)
    s.call(cache, "put", "a", 10)
    s.expect(len(cache), "len(cache) after updating an existing key")
    s.call(cache, "put", "c", 3)
    s.expect(s.call(cache, "get", "a"), "updating 'a' refreshes it and keeps the new value")
    s.expect(s.call(cache, "get", "b"), "'b' is now the least recently used and must go")


def _stored_none(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(2)")
    cache = cls(2)
    s.call(cache, "put", "k", None)
    s.expect(s.call(cache, "get", "k", "MISSING"), "a stored None is a hit, not a miss")


def _capacity_one(cls: Any, s: Steps) -> None:
    s.note(f"cache = {cls.__name__}(1)")
    cache = cls(1)
    s.call(cache, "put", "a", 1)
    s.call(cache, "put", "b", 2)
    s.expect(s.call(cache, "get", "a"), "get('a')")
    s.expect(s.call(cache, "get", "b"), "get('b')")
    s.expect(len(cache), "len(cache)")


def _bad_capacity(cls: Any, s: Steps) -> None:
    for bad in (0, -5):
        s.expect_raises(ValueError, lambda bad=bad: cls(bad), f"cache = cls({bad})")
    s.expect_raises((TypeError, ValueError), lambda: cls(2.5), "cache = cls(2.5)")


def _matches_model(cls: Any, s: Steps) -> None:
    rng = random.Random(2024)
    capacity = 5
    cache = cls(capacity)
    s.note(f"cache = {cls.__name__}({capacity}); 2000 random get/put on keys 0..11")
    for step in range(2000):
        key = rng.randrange(12)
        if rng.random() < 0.5:
            s.expect(cache.get(key), f"get({key!r}) at step {step}")
        else:
            cache.put(key, step)
        s.expect(len(cache), f"len(cache) at step {step}")


def _concurrent(cls: Any, s: Steps) -> None:
    capacity, errors = 64, []
    cache = cls(capacity)
    s.note(f"cache = {cls.__name__}({capacity}); 8 threads x 5000 random get/put on 200 keys")

    def hammer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(5000):
                key = rng.randrange(200)
                if rng.random() < 0.5:
                    cache.get(key)
                else:
                    cache.put(key, key)
                if len(cache) > capacity:
                    errors.append(f"len(cache) = {len(cache)} > {capacity}")
                    return
        except Exception as exc:  # collected and reported as the case's failure
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    s.expect(errors[:1], "errors seen by the threads")


def _reference() -> type:
    from tarento_lib.cache import LRUCache

    return LRUCache


SUITES = {
    "lru": Suite(
        name="lru",
        title="LRU cache: get/put in O(1), evict the least recently used",
        cases=(
            Case("stores and returns a value", _basic),
            Case(
                "a miss returns the default",
                _miss,
                "get(key, default=None) should return default when key is absent",
            ),
            Case("evicts the least recently used key", _evicts_lru),
            Case(
                "get makes a key most recently used",
                _get_refreshes,
                "a hit must move the key to the 'recent' end",
            ),
            Case("put on an existing key updates and refreshes it", _update_existing),
            Case(
                "a stored None is a hit",
                _stored_none,
                "test membership, not the truthiness or None-ness of the value",
            ),
            Case("capacity 1 works", _capacity_one),
            Case(
                "capacity must be an int >= 1",
                _bad_capacity,
                "validate in __init__ and raise ValueError",
            ),
            Case("agrees with a reference LRU cache on random operations", _matches_model),
            Case(
                "survives 8 threads at once",
                _concurrent,
                "guard each operation with a threading.Lock",
            ),
        ),
        reference=_reference,
    )
}
