"""Throughput measurements shared by ``benchmarks/bench_cache.py`` and the Q1 notebook."""

from __future__ import annotations

import functools
import random
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from tarento_lib.cache.linked import LinkedLRUCache
from tarento_lib.cache.lru import LRUCache
from tarento_lib.workloads import zipf_keys

__all__ = ["compare_caches", "lock_styles", "make_ops", "replay", "replay_functools"]


def make_ops(
    n: int, *, n_keys: int, skew: float, put_fraction: float, seed: int
) -> tuple[list[int], list[bool]]:
    """A seeded operation stream: Zipf keys, each op a put with probability ``put_fraction``."""
    keys = zipf_keys(n, n_keys=n_keys, skew=skew, seed=seed)
    rng = random.Random(seed + 1)
    return keys, [rng.random() < put_fraction for _ in range(n)]


def replay(cache: Any, keys: Sequence[int], is_put: Sequence[bool]) -> float:
    """Seconds to replay the stream through ``get`` and ``put`` (or ``c[k] = v``)."""
    get = cache.get
    put = cache.put if hasattr(cache, "put") else cache.__setitem__
    start = time.perf_counter()
    for key, write in zip(keys, is_put, strict=True):
        if write:
            put(key, key)
        else:
            get(key)
    return time.perf_counter() - start


def replay_functools(capacity: int, keys: Sequence[int]) -> float:
    """``functools.lru_cache`` memoises a function: every op is a call, and a miss computes."""

    @functools.lru_cache(maxsize=capacity)
    def lookup(key: int) -> int:
        return key

    start = time.perf_counter()
    for key in keys:
        lookup(key)
    return time.perf_counter() - start


def compare_caches(
    n: int = 1_000_000,
    *,
    capacity: int = 10_000,
    n_keys: int = 100_000,
    skew: float = 1.1,
    rounds: int = 5,
    seed: int = 7,
) -> dict[str, float]:
    """Median ops/s per contender over interleaved rounds on one shared operation stream."""
    import cachetools  # a peer library, installed with the [dev] extra

    keys, is_put = make_ops(n, n_keys=n_keys, skew=skew, put_fraction=0.2, seed=seed)
    contenders: dict[str, Callable[[], float]] = {
        "LRUCache": lambda: replay(LRUCache(capacity), keys, is_put),
        "LinkedLRUCache": lambda: replay(LinkedLRUCache(capacity), keys, is_put),
        "LinkedLRUCache+lock": lambda: replay(
            LinkedLRUCache(capacity, thread_safe=True), keys, is_put
        ),
        "cachetools.LRUCache": lambda: replay(cachetools.LRUCache(capacity), keys, is_put),
        "functools.lru_cache": lambda: replay_functools(capacity, keys),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            times[name].append(run())
    return {name: n / statistics.median(samples) for name, samples in times.items()}


def lock_styles(n: int = 200_000, rounds: int = 5) -> dict[str, float]:
    """Nanoseconds per operation of one dict update taken three ways:
    no lock, ``with``, bound methods."""
    lock, data = threading.Lock(), {0: 0}
    acquire, release = lock.acquire, lock.release

    def bare() -> None:
        data[0] += 1

    def with_block() -> None:
        with lock:
            data[0] += 1

    def bound() -> None:
        acquire()
        try:
            data[0] += 1
        finally:
            release()

    result = {}
    for name, op in [("no lock", bare), ("with lock:", with_block), ("acquire()/release()", bound)]:
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(n):
                op()
            samples.append(time.perf_counter() - start)
        result[name] = statistics.median(samples) / n * 1e9
    return result
