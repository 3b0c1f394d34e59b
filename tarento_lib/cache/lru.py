"""``LRUCache``: an OrderedDict-based LRU cache with O(1) operations, TTL, statistics and a lock."""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from typing import Any

from tarento_lib._validate import require_int, require_number
from tarento_lib.cache._base import (
    CacheStats,
    MappingMixin,
    unhashable,
)
from tarento_lib.clock import Clock, MonotonicClock

__all__ = ["LRUCache"]

_MISSING: Any = object()


class LRUCache(MappingMixin):
    """A thread-safe least-recently-used cache holding at most ``capacity`` entries.

    * ``get``/``put``/``delete`` are O(1): an ``OrderedDict`` keeps keys from least to most
      recently used, ``move_to_end`` marks a key as used, ``popitem(last=False)`` evicts.
    * ``ttl`` (seconds, per cache or per ``put``) expires entries lazily when they are next
      touched, and ``purge_expired()`` drops every expired entry at once (a heap of deadlines
      makes that O(expired · log n), not a scan). Time comes from the injected ``clock``.
    * Thread-safe: every operation, ``get`` included (it reorders the entries and counts a
      hit or a miss), runs under one ``threading.Lock``, so the size never exceeds
      ``capacity`` and the statistics are plain ``int`` counters that never lose an update.
    * It is a ``MutableMapping`` with ``cachetools.LRUCache``'s mapping behaviour (its
      contract tests run on it): ``c[k]`` marks ``k`` as used and, on a miss, calls
      ``__missing__`` (``KeyError`` unless a subclass defines it); ``popitem`` takes the least
      recently used entry. The constructor takes ``capacity`` where cachetools says
      ``maxsize``, and there is no ``getsizeof``. ``key in c`` does not refresh recency.
    * ``copy.copy``, ``copy.deepcopy`` and ``pickle`` give an independent cache with the same
      entries in the same order, each with the time to live it had left, and the same
      statistics (a shallow copy shares the values and the clock; a deep copy copies both).
    """

    def __init__(
        self, capacity: int, *, ttl: float | None = None, clock: Clock | None = None
    ) -> None:
        self.capacity = require_int(capacity, "capacity", minimum=1)
        self.ttl = (
            None if ttl is None else require_number(ttl, "ttl", minimum=0, min_inclusive=False)
        )
        self._clock: Clock = clock if clock is not None else MonotonicClock()
        self._data: OrderedDict[Any, Any] = OrderedDict()
        # key -> (deadline, push number), for the keys that can expire
        self._deadlines: dict[Any, tuple[float, int]] = {}
        # (deadline, push number, key), soonest first; rows of re-put or deleted keys are stale
        self._heap: list[tuple[float, int, Any]] = []
        self._pushes = 0
        self._lock = threading.Lock()
        self._hits = self._misses = self._evictions = self._expirations = 0  # under the lock

    # -- the O(1) core --------------------------------------------------------------
    def get(self, key: Any, default: Any = None) -> Any:
        """The value for ``key`` (marking it most recently used), or ``default`` on a miss."""
        with self._lock:
            try:
                value = self._data.get(key, _MISSING)
            except TypeError:
                raise unhashable(key) from None
            if value is not _MISSING and self._deadlines and self._expired(key):
                self._remove_expired(key)
                value = _MISSING
            if value is _MISSING:
                self._misses += 1
                return default
            self._data.move_to_end(key)
            self._hits += 1
            return value

    def put(self, key: Any, value: Any, *, ttl: float | None = None) -> None:
        """Store ``value`` as the most recently used entry, evicting the LRU one when full.

        ``ttl`` overrides the cache's default time to live for this entry.
        """
        lifetime = (
            self.ttl if ttl is None else require_number(ttl, "ttl", minimum=0, min_inclusive=False)
        )
        with self._lock:
            self._store(key, value, lifetime)

    def _store(self, key: Any, value: Any, lifetime: float | None) -> None:
        """``put``'s body, run with the lock held."""
        try:
            self._data[key] = value
        except TypeError:
            raise unhashable(key) from None
        self._data.move_to_end(key)
        if lifetime is not None:  # before making room: an old deadline must not purge it
            self._set_deadline(key, self._clock.now() + lifetime)
        elif self._deadlines:
            self._deadlines.pop(key, None)
        if len(self._data) > self.capacity:
            self._make_room()

    def delete(self, key: Any) -> bool:
        """Remove ``key``; ``True`` if it was present (and not expired)."""
        with self._lock:
            try:
                value_present = key in self._data
            except TypeError:
                raise unhashable(key) from None
            if not value_present:
                return False
            if self._deadlines and self._expired(key):
                self._remove_expired(key)
                return False
            del self._data[key]
            self._deadlines.pop(key, None)
            return True

    def clear(self) -> None:
        """Drop every entry (statistics are kept: use ``reset_stats`` for those)."""
        with self._lock:
            self._data.clear()
            self._deadlines.clear()
            self._heap.clear()

    def __len__(self) -> int:
        with self._lock:
            self._purge()
            return len(self._data)

    def __contains__(self, key: object) -> bool:
        """Membership without refreshing recency or counting a lookup; honours expiry."""
        with self._lock:
            try:
                present = key in self._data
            except TypeError:
                raise unhashable(key) from None
            return present and not (self._deadlines and self._expired(key))

    # -- mapping conveniences, each atomic ------------------------------------------
    def pop(self, key: Any, *default: Any) -> Any:
        with self._lock:
            self._purge()
            if key in self._data:
                self._deadlines.pop(key, None)
                return self._data.pop(key)
        if default:
            return default[0]
        raise KeyError(key)

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the least recently used ``(key, value)``."""
        with self._lock:
            self._purge()
            if not self._data:
                raise KeyError("popitem(): cache is empty")
            key, value = self._data.popitem(last=False)
            self._deadlines.pop(key, None)
            return key, value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """The value for ``key``, marked most recently used; if absent, store ``default`` first."""
        with self._lock:
            if key in self._data and not (self._deadlines and self._expired(key)):
                self._data.move_to_end(key)
                return self._data[key]
            self._store(key, default, self.ttl)
            return default

    def _snapshot(self) -> list[tuple[Any, Any]]:
        with self._lock:
            self._purge()
            return list(self._data.items())

    # -- expiry ---------------------------------------------------------------------
    def purge_expired(self) -> int:
        """Drop every expired entry now; return how many were dropped."""
        with self._lock:
            return self._purge()

    def _expired(self, key: Any) -> bool:
        row = self._deadlines.get(key)
        return row is not None and self._clock.now() >= row[0]

    def _remove_expired(self, key: Any) -> None:
        del self._data[key]
        del self._deadlines[key]
        self._expirations += 1

    def _set_deadline(self, key: Any, deadline: float) -> None:
        self._pushes += 1
        self._deadlines[key] = (deadline, self._pushes)
        heapq.heappush(self._heap, (deadline, self._pushes, key))
        if len(self._heap) > 2 * len(self._deadlines) + 64:  # drop stale rows now and then
            self._heap = [(d, n, k) for d, n, k in self._heap if self._deadlines.get(k) == (d, n)]
            heapq.heapify(self._heap)

    def _purge(self) -> int:
        heap, now, dropped = self._heap, self._clock.now(), 0
        while heap and heap[0][0] <= now:
            deadline, number, key = heapq.heappop(heap)
            if self._deadlines.get(key) == (deadline, number):  # not a stale row
                self._remove_expired(key)
                dropped += 1
        return dropped

    def _make_room(self) -> None:
        """Called with one entry too many: drop expired entries, else the least recently used."""
        if self._heap and self._purge():
            return
        key, _ = self._data.popitem(last=False)
        if self._deadlines:
            self._deadlines.pop(key, None)
        self._evictions += 1

    # -- copy and pickle ------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """The settings, the live entries (least recently used first) with the seconds each has
        left, and the statistics: never the lock, the heap or the bound methods."""
        with self._lock:
            self._purge()
            now = self._clock.now()
            entries = []
            for key, value in self._data.items():
                row = self._deadlines.get(key)
                left = None if row is None else row[0] - now
                if left is None or left > 0:
                    entries.append((key, value, left))
            stats = (self._hits, self._misses, self._evictions, self._expirations)
        return {
            "capacity": self.capacity,
            "ttl": self.ttl,
            "clock": self._clock,
            "entries": entries,
            "stats": stats,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        LRUCache.__init__(self, state["capacity"], ttl=state["ttl"], clock=state["clock"])
        for key, value, left in state["entries"]:
            self.put(key, value, ttl=left)
        self._hits, self._misses, self._evictions, self._expirations = state["stats"]

    # -- statistics -----------------------------------------------------------------
    @property
    def stats(self) -> CacheStats:
        """Hits, misses, evictions and expirations so far, with ``hit_rate``."""
        with self._lock:
            return CacheStats(self._hits, self._misses, self._evictions, self._expirations)

    def reset_stats(self) -> None:
        with self._lock:
            self._hits = self._misses = self._evictions = self._expirations = 0
