"""The "lru" exercise suite: what any LRU cache class must do.

The candidate is a class taking ``capacity`` with ``get(key, default=None)``,
``put(key, value)`` and ``len()``. The reference classes pass every case (``tests/``).
"""

from __future__ import annotations

import random
import sys
import threading
from typing import Any

from tarento_lib.grading import Case, Steps, Suite
from tarento_lib.interview.plan import Interview, Probe, Stage

__all__ = ["INTERVIEWS", "SUITES"]


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

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that a missing lock shows
    try:
        threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    s.expect(errors[:1], "errors seen by the threads")


def _reference() -> type:
    from tarento_lib.cache import LRUCache

    return LRUCache


BASIC = Case("stores and returns a value", _basic)
MISS = Case(
    "a miss returns the default",
    _miss,
    "get(key, default=None) should return default when key is absent",
)
EVICTS = Case("evicts the least recently used key", _evicts_lru)
REFRESHES = Case(
    "get makes a key most recently used",
    _get_refreshes,
    "a hit must move the key to the 'recent' end",
)
UPDATES = Case("put on an existing key updates and refreshes it", _update_existing)
STORED_NONE = Case(
    "a stored None is a hit",
    _stored_none,
    "test membership, not the truthiness or None-ness of the value",
)
CAPACITY_ONE = Case("capacity 1 works", _capacity_one)
BAD_CAPACITY = Case(
    "capacity must be an int >= 1", _bad_capacity, "validate in __init__ and raise ValueError"
)
MODEL = Case("agrees with a reference LRU cache on random operations", _matches_model)
THREADS = Case(
    "survives 8 threads at once", _concurrent, "guard each operation with a threading.Lock"
)

SUITES = {
    "lru": Suite(
        name="lru",
        title="LRU cache: get/put in O(1), evict the least recently used",
        cases=(
            BASIC,
            MISS,
            EVICTS,
            REFRESHES,
            UPDATES,
            STORED_NONE,
            CAPACITY_ONE,
            BAD_CAPACITY,
            MODEL,
            THREADS,
        ),
        reference=_reference,
    )
}


# The mock interview: the core question, then the follow-ups in the order they come.


def _ttl_expires(cls: Any, s: Steps) -> None:
    from tarento_lib.clock import FakeClock

    clock = FakeClock()
    s.note(f"clock = FakeClock(); cache = {cls.__name__}(4, clock=clock)")
    cache = cls(4, clock=clock)
    s.call(cache, "put", "short", 1, ttl=5)
    s.call(cache, "put", "forever", 2)
    clock.advance(4.9)
    s.note("clock.advance(4.9)")
    s.expect(s.call(cache, "get", "short"), "get('short') 4.9 s after a 5 s ttl")
    clock.advance(0.1)
    s.note("clock.advance(0.1)")
    s.expect(s.call(cache, "get", "short", "gone"), "get('short', 'gone') once its 5 s are up")
    s.expect(s.call(cache, "get", "forever"), "an entry put without a ttl never expires")


def _ttl_renewed(cls: Any, s: Steps) -> None:
    from tarento_lib.clock import FakeClock

    clock = FakeClock()
    s.note(f"clock = FakeClock(); cache = {cls.__name__}(2, clock=clock)")
    cache = cls(2, clock=clock)
    s.call(cache, "put", "k", "old", ttl=5)
    clock.advance(4)
    s.note("clock.advance(4)")
    s.call(cache, "put", "k", "new", ttl=5)
    clock.advance(4)
    s.note("clock.advance(4)")
    s.expect(s.call(cache, "get", "k"), "a second put starts a new 5 s")


def _ttl_bad(cls: Any, s: Steps) -> None:
    from tarento_lib.clock import FakeClock

    cache = cls(2, clock=FakeClock())
    s.note(f"cache = {cls.__name__}(2, clock=FakeClock())")
    for bad in (0, -1):
        s.expect_raises(
            ValueError, lambda bad=bad: cache.put("k", 1, ttl=bad), f"put('k', 1, ttl={bad})"
        )


def _probe(cls: Any, size: int) -> Any:
    """One hit and one evicting put per operation, on a cache kept full.

    Every read must hit, or a cache that scans on a hit would look fast: the read goes to one
    of the ``size // 2`` keys put most recently. Fewer than ``size`` keys can have been used
    since any of them was put (each operation uses two), so none has been evicted yet.
    """
    cache = cls(size)
    for key in range(size):
        cache.put(key, key)
    half, stride = max(size // 2, 1), 7919  # a prime stride: no order a list would favour

    def operation(i: int) -> None:
        cache.get(size - 1 + i - (i * stride) % half)  # put at most `half` operations ago
        cache.put(size + i, i)  # evicts the least recently used key

    return operation


_STUB = '''"""Q1 · LRU cache. Stage 1: get and put in O(1)."""

__all__ = ["LRUCache"]  # the class the grader loads; other classes (a Node) may sit beside it


class LRUCache:
    def __init__(self, capacity: int) -> None:
        raise NotImplementedError

    def get(self, key, default=None):
        raise NotImplementedError

    def put(self, key, value) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError
'''

INTERVIEWS = {
    "q01": Interview(
        number="q01",
        brief=(
            "Design a least-recently-used cache with a fixed capacity: get(key) and "
            "put(key, value), both in O(1). When it is full, a put evicts the entry "
            "used longest ago."
        ),
        clarifications=(
            "get returns a default (None unless given) for a missing key; it does not raise.",
            "A get counts as a use: it makes the key the most recently used.",
            "A put on an existing key replaces the value and counts as a use.",
            "Keys are any hashable values; len(cache) is the number of entries held.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "get and put in O(1)",
                "Write the class: LRUCache(capacity), get(key, default=None), "
                "put(key, value) and len(cache), with get and put in O(1).",
                (BASIC, MISS, EVICTS, REFRESHES, UPDATES, CAPACITY_ONE, MODEL),
                (
                    "You need O(1) lookup and O(1) 'move to the most recent end': a dict gives "
                    "the first, a doubly linked list the second.",
                    "collections.OrderedDict is both: move_to_end(key) and popitem(last=False).",
                    "A put beyond capacity drops the first item of the OrderedDict; a get that "
                    "hits moves its key to the end.",
                ),
                12,
                "The interview answer",
            ),
            Stage(
                "bad capacity, cached None",
                "What happens with LRUCache(0), or when someone caches None? Make both right: "
                "a capacity below 1 raises ValueError, and a stored None is a hit.",
                (BAD_CAPACITY, STORED_NONE),
                (
                    "Check capacity in __init__, before anything is stored.",
                    "Test 'key in self._data', not 'value is None': None can be a real value.",
                ),
                4,
                "What the typical answer gets wrong",
            ),
            Stage(
                "safe under 8 threads",
                "The cache is now shared by the threads of a web server. Make it safe: "
                "8 threads at once must never see it over capacity or broken.",
                (THREADS,),
                (
                    "A get reorders the entries, so reads change state too.",
                    "One threading.Lock, taken with 'with self._lock:' around the body of "
                    "get, put and __len__.",
                ),
                5,
                "Eight threads, one cache",
            ),
            Stage(
                "a time to live per entry",
                "Entries go stale. Add LRUCache(capacity, clock=...) and put(key, value, "
                "ttl=None): an entry put with ttl=5 is gone 5 s later by clock.now(). "
                "A ttl <= 0 raises ValueError.",
                (
                    Case("an entry expires when its ttl is up", _ttl_expires),
                    Case("a new put restarts the ttl", _ttl_renewed),
                    Case("a ttl must be > 0", _ttl_bad, "validate ttl in put"),
                ),
                (
                    "Store the deadline clock.now() + ttl next to the value (None: no deadline).",
                    "In get, an entry whose deadline has passed (now >= deadline) is deleted "
                    "and counts as a miss.",
                    "Default the clock to one with a monotonic now(): time.monotonic never "
                    "jumps when the wall clock is set.",
                ),
                6,
                "Time to live on a clock we control",
            ),
        ),
        probe=Probe(
            what="one get and one put on a full cache",
            growth="O(1)",
            sizes=(100, 20_000),
            prepare=_probe,
            limit=20.0,
        ),
    )
}
