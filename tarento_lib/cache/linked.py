"""``LinkedLRUCache``: the same cache built by hand from a dict and a doubly linked list.

This is the answer to the follow-up "can you do it without OrderedDict?". The dict maps a
key to its node; the list runs from the least recently used node (just after the ``head``
sentinel) to the most recently used (just before the ``tail`` sentinel). Sentinels mean
every unlink/link is the same four pointer writes, with no ``if node is None`` cases.
"""

from __future__ import annotations

import threading
from typing import Any

from tarento_lib.cache._base import CacheStats, MappingMixin, counter_value, unhashable, validate_capacity

__all__ = ["LinkedLRUCache"]

_GONE: Any = object()  # the key of a node that has left the cache


class _Node:
    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key: Any = None, value: Any = None) -> None:
        self.key = key
        self.value = value
        self.prev: _Node = self
        self.next: _Node = self


class LinkedLRUCache(MappingMixin):
    """Thread-safe LRU cache on a hand-built doubly linked list; same API as ``LRUCache`` (no TTL)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = validate_capacity(capacity)
        self._map: dict[Any, _Node] = {}
        self._find = self._map.get  # bound once: hot path
        self._head = _Node()  # head.next is the least recently used
        self._tail = _Node()  # tail.prev is the most recently used
        self._head.next, self._tail.prev = self._tail, self._head
        self._lock = threading.Lock()
        self._acquire, self._release = self._lock.acquire, self._lock.release
        self._new_counters()
        self._evictions = 0

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            node = self._find(key)  # a miss changes nothing, so it needs no lock
        except TypeError:
            raise unhashable(key) from None
        if node is None:
            self._miss()
            return default
        self._acquire()  # bound once in __init__: cheaper than a `with` block on the hot path
        try:
            if node.key != key:  # since the lookup, another thread evicted it and reused the node
                self._miss()
                return default
            tail = self._tail
            if tail.prev is not node:
                # unlink, then link just before the tail sentinel (most recently used)
                node.prev.next = node.next
                node.next.prev = node.prev
                last = tail.prev
                node.prev = last
                node.next = tail
                last.next = tail.prev = node
            value = node.value
        finally:
            self._release()
        self._hit()
        return value

    def put(self, key: Any, value: Any) -> None:
        self._acquire()
        try:
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
                node = self._head.next
                self._head.next = node.next
                node.next.prev = self._head
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
        finally:
            self._release()

    def delete(self, key: Any) -> bool:
        with self._lock:
            try:
                node = self._map.pop(key, None)
            except TypeError:
                raise unhashable(key) from None
            if node is None:
                return False
            self._unlink(node)
            return True

    def _unlink(self, node: _Node) -> None:
        """Take ``node`` out of the list and the map (call with the lock held)."""
        node.prev.next = node.next
        node.next.prev = node.prev
        self._map.pop(node.key, None)
        node.key = _GONE  # a get that found this node before we took the lock sees it is gone

    def clear(self) -> None:
        with self._lock:
            node = self._head.next
            while node is not self._tail:  # mark every node gone, so a racing get cannot relink it
                node.key, node = _GONE, node.next
            self._map.clear()
            self._head.next, self._tail.prev = self._tail, self._head

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._map
        except TypeError:
            raise unhashable(key) from None

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the least recently used ``(key, value)``."""
        with self._lock:
            lru = self._head.next
            if lru is self._tail:
                raise KeyError("popitem(): cache is empty")
            key, value = lru.key, lru.value
            self._unlink(lru)
            return key, value

    def _snapshot(self) -> list[tuple[Any, Any]]:
        with self._lock:
            out, node = [], self._head.next
            while node is not self._tail:
                out.append((node.key, node.value))
                node = node.next
            return out

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(counter_value(self._hits), counter_value(self._misses), self._evictions, 0)

    def reset_stats(self) -> None:
        with self._lock:
            self._new_counters()
            self._evictions = 0
