"""The mapping contract of ``cachetools.LRUCache``, checked on both our caches.

cachetools keeps these cases in its repository's ``tests/__init__.py`` (``CacheTestMixin``) and
``tests/test_lru.py``, not in its wheel, so each case here is written anew for our API
(``capacity`` where cachetools says ``maxsize``); each test names the cachetools test it
mirrors. Left out, because our caches have no such feature: ``getsizeof``/``currsize`` and
the deprecated ``missing=`` argument.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tarento_lib.cache import LinkedLRUCache, LRUCache, ThreadSafeLinkedLRUCache

BOTH = pytest.mark.parametrize(
    "cls",
    [LRUCache, LinkedLRUCache, ThreadSafeLinkedLRUCache],
    ids=["lru", "linked", "linked-locked"],
)


@BOTH
def test_insert(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_insert (plus test_lru.test_lru's choice of victim)."""
    cache = cls(2)
    cache.update({1: 1, 2: 2})
    assert len(cache) == 2 and cache[1] == 1 and cache[2] == 2
    cache[3] = 3  # 1 was read before 2: 1 goes, 2 stays
    assert len(cache) == 2 and cache[3] == 3 and 2 in cache and 1 not in cache
    cache[4] = 4
    assert len(cache) == 2 and cache[4] == 4 and 3 in cache and 2 not in cache


@BOTH
def test_update(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_update."""
    cache = cls(2)
    cache.update({1: 1, 2: 2})
    cache.update({1: 1, 2: 2})
    assert len(cache) == 2 and cache[1] == 1 and cache[2] == 2
    cache.update({1: "a", 2: "b"})
    assert len(cache) == 2 and cache[1] == "a" and cache[2] == "b"


@BOTH
def test_delete(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_delete."""
    cache = cls(2)
    cache.update({1: 1, 2: 2})
    del cache[2]
    assert len(cache) == 1 and cache[1] == 1 and 2 not in cache
    del cache[1]
    assert len(cache) == 0 and 1 not in cache
    with pytest.raises(KeyError):
        del cache[1]
    assert len(cache) == 0


@BOTH
def test_pop(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_pop."""
    cache = cls(2)
    cache.update({1: 1, 2: 2})
    assert cache.pop(2) == 2 and len(cache) == 1
    assert cache.pop(1) == 1 and len(cache) == 0
    for key in (2, 1, 0):
        with pytest.raises(KeyError):
            cache.pop(key)
        assert cache.pop(key, None) is None


@BOTH
def test_popitem(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_popitem (and test_lru: popitem takes the least recent)."""
    cache = cls(2)
    cache.update({1: 1, 2: 2})
    cache.get(1)
    assert cache.popitem() == (2, 2) and len(cache) == 1
    assert cache.popitem() == (1, 1) and len(cache) == 0
    with pytest.raises(KeyError):
        cache.popitem()


@BOTH
def test_setdefault(cls: Callable[..., Any]) -> None:
    """Mirrors the setdefault part of CacheTestMixin._test_missing."""
    cache = cls(2)
    cache[1] = 2
    assert cache.setdefault(1) == 2 and cache.setdefault(1, 1) == 2 and cache[1] == 2
    assert cache.setdefault(2, 4) == 4 and cache.setdefault(2, None) == 4 and cache[2] == 4
    assert cache.setdefault(3) is None  # a new key: stored (None), the least recent evicted
    assert len(cache) == 2 and 3 in cache and 1 not in cache


def _identity_subclass(base: type) -> type:
    """A subclass whose ``__missing__`` stores the key as its own value and returns it."""

    class Identity(base):
        def __missing__(self, key: Any) -> Any:
            self[key] = key
            return key

    return Identity


@BOTH
def test_missing_subclass(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_missing_subclass (through _test_missing)."""
    cache = _identity_subclass(cls)(2)
    assert len(cache) == 0
    assert cache[1] == 1 and cache[2] == 2 and len(cache) == 2 and 1 in cache and 2 in cache
    assert cache[3] == 3 and len(cache) == 2 and 3 in cache and 1 not in cache
    assert cache[4] == 4 and len(cache) == 2 and 4 in cache and 2 not in cache
    # __missing__ is for c[k] alone: get, pop and setdefault never call it
    assert cache.get(4) == 4 and cache.get(5) is None and cache.get(5, 25) == 25
    assert len(cache) == 2
    assert cache.pop(4) == 4
    with pytest.raises(KeyError):
        cache.pop(5)
    assert cache.pop(5, None) is None and cache.pop(5, 25) == 25 and len(cache) == 1
    cache.clear()
    cache[1] = 2
    assert cache.setdefault(1) == 2 and cache.setdefault(2, 4) == 4
    assert cache.setdefault(3) is None and 3 in cache and len(cache) == 2


@BOTH
def test_pickle(cls: Callable[..., Any]) -> None:
    """Mirrors CacheTestMixin.test_pickle."""
    source = cls(2)
    source.update({1: 1, 2: 2})
    cache = pickle.loads(pickle.dumps(source))
    assert cache == source and len(cache) == 2 and cache[1] == 1 and cache[2] == 2
    cache[3] = 3
    assert len(cache) == 2 and cache[3] == 3 and (1 in cache or 2 in cache)
    assert cache == pickle.loads(pickle.dumps(cache))


@BOTH
@pytest.mark.parametrize("size", [1, 2 * sys.getrecursionlimit()])
def test_pickle_maxsize(cls: Callable[..., Any], size: int) -> None:
    """Mirrors CacheTestMixin.test_pickle_maxsize (our capacity is >= 1, so no empty case)."""
    source = cls(size)
    source.update((i, i) for i in range(size))
    cache = pickle.loads(pickle.dumps(source))
    assert len(cache) == size and cache == source
