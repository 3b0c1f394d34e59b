"""8 threads hammering one cache (get, put, delete, setdefault, pop, copy): never over capacity,
never an error, no lost count."""

from __future__ import annotations

import copy
import random
import threading

import pytest

from tarento_lib.cache import LRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.clock import FakeClock


@pytest.mark.parametrize(
    "make",
    [
        lambda: LRUCache(50),
        lambda: ThreadSafeLinkedLRUCache(50),
        lambda: LRUCache(50, ttl=0.5, clock=FakeClock()),
    ],
)
def test_eight_threads_hammering_one_cache(make) -> None:
    cache = make()
    gets_per_thread, errors, oversize = [0] * 8, [], []
    barrier = threading.Barrier(8)

    def hammer(index: int) -> None:
        rng = random.Random(index)
        barrier.wait()
        try:
            for step in range(4000):
                key = rng.randrange(120)
                roll = rng.random()
                if roll < 0.55:
                    cache.get(key)
                    gets_per_thread[index] += 1
                elif roll < 0.85:
                    cache.put(key, step)
                elif roll < 0.9:
                    cache.delete(key)
                elif roll < 0.94:
                    cache.setdefault(key, step)
                elif roll < 0.97:
                    cache.pop(key, None)
                elif roll < 0.995:
                    _ = key in cache
                elif len(copy.copy(cache).items()) > cache.capacity:
                    oversize.append(-1)  # a copy taken mid-run is one consistent snapshot
                if len(cache) > cache.capacity:
                    oversize.append(len(cache))
        except Exception as exc:  # collected, then asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and oversize == []
    stats = cache.stats
    assert stats.hits + stats.misses == sum(gets_per_thread)
    assert len(cache) == len(cache.items()) <= cache.capacity


def test_concurrent_clear_keeps_the_linked_list_consistent() -> None:
    cache = ThreadSafeLinkedLRUCache(20)
    stop = threading.Event()

    def reader() -> None:
        rng = random.Random(1)
        while not stop.is_set():
            cache.get(rng.randrange(30))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for round_ in range(300):
        for key in range(30):
            cache.put(key, round_)
        cache.clear()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(cache) == 0 and cache.items() == []
    cache.put("a", 1)
    assert cache.items() == [("a", 1)]
