"""Q1 · An LRU cache with O(1) ``get`` and ``put``: the answer to write in the interview.

A hash map gives O(1) lookup and a doubly linked list gives O(1) reordering; ``OrderedDict``
is both in one object. Keys are kept from least to most recently used: a hit moves its key to
the end, and a put beyond capacity drops the first key.

Time: ``get`` and ``put`` are O(1). Space: O(capacity).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

__all__ = ["LRUCache"]


class LRUCache:
    """A thread-safe least-recently-used cache holding at most ``capacity`` entries."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int >= 1, got {capacity!r}")
        if capacity < 1:
            raise ValueError(f"capacity must be an int >= 1, got {capacity}")
        self.capacity = capacity
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored under ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            if key not in self._data:  # membership, not the value: a cached None is a hit
                return default
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` as the most recently used entry; evict the least recent if full."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
            self._data[key] = value
            if len(self._data) > self.capacity:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def __repr__(self) -> str:
        return f"LRUCache(capacity={self.capacity}, size={len(self)})"
