"""Throughput measurements shared by ``benchmarks/bench_cache.py`` and the Q1 notebook."""

from __future__ import annotations

import functools
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tarento_lib.cache.linked import LinkedLRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.cache.lru import LRUCache
from tarento_lib.workloads import zipf_keys

__all__ = ["compare_caches", "make_ops", "replay", "replay_functools"]


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
    extra: Mapping[str, Callable[[int], Any]] | None = None,
) -> dict[str, float]:
    """Median ops/s per contender over interleaved rounds on one shared operation stream.

    ``extra`` adds contenders by name: each is a class (or factory) taking the capacity and
    giving an object with ``get(key)`` and ``put(key, value)``, such as an interview answer.
    """
    import cachetools  # a peer library, installed with the [dev] extra

    keys, is_put = make_ops(n, n_keys=n_keys, skew=skew, put_fraction=0.2, seed=seed)
    factories: dict[str, Callable[[int], Any]] = {
        **(extra or {}),
        "LRUCache": LRUCache,
        "LinkedLRUCache": LinkedLRUCache,
        "ThreadSafeLinkedLRUCache": ThreadSafeLinkedLRUCache,
        "cachetools.LRUCache": cachetools.LRUCache,
    }
    contenders: dict[str, Callable[[], float]] = {
        name: functools.partial(_replay_new, make, capacity, keys, is_put)
        for name, make in factories.items()
    }
    contenders["functools.lru_cache"] = functools.partial(replay_functools, capacity, keys)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            times[name].append(run())
    return {name: n / statistics.median(samples) for name, samples in times.items()}


def _replay_new(
    make: Callable[[int], Any], capacity: int, keys: Sequence[int], is_put: Sequence[bool]
) -> float:
    return replay(make(capacity), keys, is_put)
