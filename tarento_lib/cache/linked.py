"""``LinkedLRUCache``: the same cache built by hand from a dict and a doubly linked list.

This is the answer to the follow-up "can you do it without OrderedDict?". The dict maps a
key to its node; the list runs from the least recently used node (just after the ``head``
sentinel) to the most recently used (just before the ``tail`` sentinel). Sentinels mean
every unlink/link is the same four pointer writes, with no ``if node is None`` cases.

Moving a node is several pointer writes in a row, so a cache shared between threads must
make each operation atomic. Like ``cachetools.LRUCache``, ``LinkedLRUCache`` takes no lock;
``ThreadSafeLinkedLRUCache`` is the same cache with every public operation under one
``threading.Lock`` (``benchmarks/bench_cache.py`` prints what that lock costs).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from tarento_lib._validate import require_int
from tarento_lib.cache._base import CacheStats, MappingMixin, unhashable

__all__ = ["LinkedLRUCache", "ThreadSafeLinkedLRUCache"]

_MISSING: Any = object()


class _Node:
    __slots__ = ("key", "next", "prev", "value")

    def __init__(self, key: Any = None, value: Any = None) -> None:
        self.key = key
        self.value = value
        self.prev: _Node = self
        self.next: _Node = self


class LinkedLRUCache(MappingMixin):
    """LRU cache on a hand-built doubly linked list; same API as ``LRUCache`` (no TTL).

    Not thread-safe: share ``ThreadSafeLinkedLRUCache`` between threads instead.
    ``copy.copy``, ``copy.deepcopy`` and ``pickle`` store the entries as a list, least recently
    used first, never the linked nodes (a chain of thousands of nodes would exhaust the
    recursion limit), and give an independent cache with the same order and statistics.
    """

    thread_safe: ClassVar[bool] = False

    def __init__(self, capacity: int) -> None:
        self.capacity = require_int(capacity, "capacity", minimum=1)
        self._map: dict[Any, _Node] = {}
        self._find = self._map.get  # bound once: hot path
        self._head = _Node()  # head.next is the least recently used
        self._tail = _Node()  # tail.prev is the most recently used
        self._head.next, self._tail.prev = self._tail, self._head
        self._hits = self._misses = self._evictions = 0

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            node = self._find(key)
        except TypeError:
            raise unhashable(key) from None
        if node is None:
            self._misses += 1
            return default
        tail = self._tail
        last = tail.prev
        if last is not node:
            # unlink, then link just before the tail sentinel (most recently used)
            prev, after = node.prev, node.next
            prev.next = after
            after.prev = prev
            node.prev = last
            node.next = tail
            last.next = tail.prev = node
        self._hits += 1
        return node.value

    def put(self, key: Any, value: Any) -> None:
        try:
            node = self._find(key)
        except TypeError:
            raise unhashable(key) from None
        tail = self._tail
        if node is not None:
            node.value = value
            if tail.prev is node:
                return
            node.prev.next = node.next
            node.next.prev = node.prev
        elif len(self._map) >= self.capacity:
            # Full: reuse the least recently used node for the new key (no allocation).
            head = self._head
            node = head.next
            head.next = node.next
            node.next.prev = head
            del self._map[node.key]
            node.key, node.value = key, value
            self._map[key] = node
            self._evictions += 1
        else:
            node = self._map[key] = _Node(key, value)
        last = tail.prev
        node.prev = last
        node.next = tail
        last.next = tail.prev = node

    def delete(self, key: Any) -> bool:
        try:
            node = self._map.pop(key, None)
        except TypeError:
            raise unhashable(key) from None
        if node is None:
            return False
        node.prev.next = node.next
        node.next.prev = node.prev
        return True

    def clear(self) -> None:
        self._map.clear()
        self._head.next, self._tail.prev = self._tail, self._head

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._map
        except TypeError:
            raise unhashable(key) from None

    def pop(self, key: Any, default: Any = _MISSING) -> Any:
        """Remove ``key`` and return its value; ``default`` (else ``KeyError``) when absent."""
        try:
            node = self._map.pop(key, None)
        except TypeError:
            raise unhashable(key) from None
        if node is None:
            if default is _MISSING:
                raise KeyError(key)
            return default
        self._unlink(node)
        return node.value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """The value for ``key``, marked most recently used; if absent, store ``default`` first."""
        try:
            node = self._find(key)
        except TypeError:
            raise unhashable(key) from None
        if node is None:
            LinkedLRUCache.put(self, key, default)  # not self.put: a subclass may hold a lock
            return default
        self._unlink(node)
        self._link_last(node)
        return node.value

    @staticmethod
    def _unlink(node: _Node) -> None:
        node.prev.next = node.next
        node.next.prev = node.prev

    def _link_last(self, node: _Node) -> None:
        """Put ``node`` just before the tail sentinel: the most recently used."""
        tail = self._tail
        last = tail.prev
        node.prev, node.next = last, tail
        last.next = tail.prev = node

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the least recently used ``(key, value)``."""
        lru = self._head.next
        if lru is self._tail:
            raise KeyError("popitem(): cache is empty")
        del self._map[lru.key]
        self._head.next = lru.next
        lru.next.prev = self._head
        return lru.key, lru.value

    def _snapshot(self) -> list[tuple[Any, Any]]:
        out, node = [], self._head.next
        while node is not self._tail:
            out.append((node.key, node.value))
            node = node.next
        return out

    @property
    def stats(self) -> CacheStats:
        return CacheStats(self._hits, self._misses, self._evictions, 0)

    def _export(self) -> tuple[list[tuple[Any, Any]], tuple[int, int, int]]:
        """The entries and the counters, read together (under the lock when there is one)."""
        counters = (self._hits, self._misses, self._evictions)
        return LinkedLRUCache._snapshot(self), counters  # not self._snapshot: the lock is held

    def __getstate__(self) -> dict[str, Any]:
        """The settings, the entries (least recently used first) and the statistics."""
        entries, counters = self._export()
        return {"capacity": self.capacity, "entries": entries, "stats": counters}

    def __setstate__(self, state: dict[str, Any]) -> None:
        LinkedLRUCache.__init__(self, state["capacity"])
        for key, value in state["entries"]:
            LinkedLRUCache.put(self, key, value)
        self._hits, self._misses, self._evictions = state["stats"]

    def reset_stats(self) -> None:
        self._hits = self._misses = self._evictions = 0


class ThreadSafeLinkedLRUCache(LinkedLRUCache):
    """``LinkedLRUCache`` with every public operation under one ``threading.Lock``.

    Each method takes the lock and runs the parent's body, which never calls another locked
    method (the lock is not reentrant), so an operation is atomic for every other thread.
    """

    thread_safe: ClassVar[bool] = True

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity)
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            super().put(key, value)

    def delete(self, key: Any) -> bool:
        with self._lock:
            return super().delete(key)

    def clear(self) -> None:
        with self._lock:
            super().clear()

    def __len__(self) -> int:
        with self._lock:
            return super().__len__()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return super().__contains__(key)

    def pop(self, key: Any, default: Any = _MISSING) -> Any:
        with self._lock:
            return super().pop(key, default)

    def popitem(self) -> tuple[Any, Any]:
        with self._lock:
            return super().popitem()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().setdefault(key, default)

    def _snapshot(self) -> list[tuple[Any, Any]]:
        with self._lock:
            return super()._snapshot()

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return super().stats

    def _export(self) -> tuple[list[tuple[Any, Any]], tuple[int, int, int]]:
        with self._lock:
            return super()._export()

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._lock = threading.Lock()

    def reset_stats(self) -> None:
        with self._lock:
            super().reset_stats()
