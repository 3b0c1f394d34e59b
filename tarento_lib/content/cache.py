"""An optional in-process cache of rendered public reads, with a short time to live.

A read that hits the cache costs no session and no SQL. A write through this process drops
every cached read of that content at once; other worker processes see the change after at
most ``ttl`` seconds (the price of a cache that needs no shared invalidation channel).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from tarento_lib._validate import require_int, require_number
from tarento_lib.clock import Clock, MonotonicClock

__all__ = ["CachedRead", "ReadCache"]


@dataclass(frozen=True)
class CachedRead:
    """The exact bytes and headers of one public read."""

    payload: bytes
    headers: dict[str, str]


class ReadCache:
    """``(content_key, variant) → CachedRead`` for ``ttl`` seconds,
    at most ``max_entries`` (LRU)."""

    def __init__(
        self, ttl: float, *, max_entries: int = 10_000, clock: Clock | None = None
    ) -> None:
        self.ttl = require_number(ttl, "ttl", minimum=0, min_inclusive=False)
        self.max_entries = require_int(max_entries, "max_entries", minimum=1)
        self.clock = clock or MonotonicClock()
        self._entries: OrderedDict[tuple[str, Hashable], tuple[float, CachedRead]] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, content_key: str, variant: Hashable) -> CachedRead | None:
        entry = self._entries.get((content_key, variant))
        if entry is None or entry[0] <= self.clock.now():
            self._entries.pop((content_key, variant), None)
            self.misses += 1
            return None
        self._entries.move_to_end((content_key, variant))
        self.hits += 1
        return entry[1]

    def put(self, content_key: str, variant: Hashable, read: CachedRead) -> None:
        self._entries[(content_key, variant)] = (self.clock.now() + self.ttl, read)
        self._entries.move_to_end((content_key, variant))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, content_key: str) -> None:
        """Forget every cached read of ``content_key`` (called after each write)."""
        for key in [key for key in self._entries if key[0] == content_key]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
