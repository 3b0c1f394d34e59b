"""Model-based tests: both caches against an OrderedDict model, TTL included (LRUCache)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tarento_lib.cache import LinkedLRUCache, LRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.clock import FakeClock

keys = st.integers(min_value=0, max_value=7)
values = st.one_of(st.none(), st.integers())
ttls = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


class LRUModel(RuleBasedStateMachine):
    """An OrderedDict of key -> (value, deadline) that does what an LRU cache should."""

    cls: Any = LRUCache

    @initialize(capacity=st.integers(min_value=1, max_value=5))
    def start(self, capacity: int) -> None:
        self.clock = FakeClock()
        self.cache = self.make(capacity)
        self.capacity = capacity
        self.model: OrderedDict[int, tuple[Any, float]] = OrderedDict()
        self.hits = self.misses = 0

    def make(self, capacity: int) -> Any:
        return LRUCache(capacity, clock=self.clock)

    def expire(self) -> None:
        for key in [k for k, (_, deadline) in self.model.items() if deadline <= self.clock.now()]:
            del self.model[key]

    @rule(key=keys)
    def get(self, key: int) -> None:
        self.expire()
        got = self.cache.get(key, "MISSING")
        if key in self.model:
            self.model.move_to_end(key)
            self.hits += 1
            assert got == self.model[key][0]
        else:
            self.misses += 1
            assert got == "MISSING"

    @rule(key=keys, value=values)
    def put(self, key: int, value: Any) -> None:
        self.cache.put(key, value)
        self.store(key, value, float("inf"))

    def store(self, key: int, value: Any, deadline: float) -> None:
        self.expire()
        self.model[key] = (value, deadline)
        self.model.move_to_end(key)
        if len(self.model) > self.capacity:
            self.model.popitem(last=False)

    @rule(key=keys)
    def delete(self, key: int) -> None:
        self.expire()
        assert self.cache.delete(key) == (self.model.pop(key, None) is not None)

    @rule(key=keys)
    def contains(self, key: int) -> None:
        self.expire()
        assert (key in self.cache) == (key in self.model)

    @invariant()
    def same_contents_in_the_same_order(self) -> None:
        self.expire()
        assert self.cache.items() == [(k, v) for k, (v, _) in self.model.items()]
        assert len(self.cache) == len(self.model) <= self.capacity
        assert (self.cache.stats.hits, self.cache.stats.misses) == (self.hits, self.misses)


class LRUWithTTLModel(LRUModel):
    @rule(key=keys, value=values, ttl=ttls)
    def put_with_ttl(self, key: int, value: Any, ttl: int | None) -> None:
        self.cache.put(key, value, ttl=ttl)
        self.store(key, value, float("inf") if ttl is None else self.clock.now() + ttl)

    @rule(seconds=st.integers(min_value=0, max_value=3))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule()
    def purge(self) -> None:
        self.cache.purge_expired()


class LinkedModel(LRUModel):
    def make(self, capacity: int) -> Any:
        return LinkedLRUCache(capacity)


class LockedLinkedModel(LRUModel):
    def make(self, capacity: int) -> Any:
        return ThreadSafeLinkedLRUCache(capacity)


TestLRUCacheAgainstModel = LRUModel.TestCase
TestLRUCacheWithTTLAgainstModel = LRUWithTTLModel.TestCase
TestLinkedLRUCacheAgainstModel = LinkedModel.TestCase
TestLockedLinkedLRUCacheAgainstModel = LockedLinkedModel.TestCase
for case in (
    TestLRUCacheAgainstModel,
    TestLRUCacheWithTTLAgainstModel,
    TestLinkedLRUCacheAgainstModel,
    TestLockedLinkedLRUCacheAgainstModel,
):
    case.settings = settings(max_examples=150, stateful_step_count=40)
