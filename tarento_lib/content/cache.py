"""An optional in-process cache of rendered public reads, with a short time to live.

A read that hits the cache costs no session and no SQL. A write through this process drops
every cached read of that content at once; other worker processes see the change after at
most ``ttl`` seconds (the price of a cache that needs no shared invalidation channel).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from tarento_lib._validate import require_int
from tarento_lib.cache import LRUCache
from tarento_lib.clock import Clock

__all__ = ["CachedRead", "ReadCache"]


@dataclass(frozen=True)
class CachedRead:
    """The exact bytes and headers of one public read."""

    payload: bytes
    headers: dict[str, str]


class ReadCache:
    """``(content_key, variant) → CachedRead`` for ``ttl`` seconds,
    at most ``max_entries`` (least recently used first out): the library's ``LRUCache``, plus
    dropping every variant of one content at once."""

    def __init__(
        self, ttl: float, *, max_entries: int = 10_000, clock: Clock | None = None
    ) -> None:
        self.max_entries = require_int(max_entries, "max_entries", minimum=1)
        self._reads = LRUCache(self.max_entries, ttl=ttl, clock=clock)
        self.ttl = ttl

    def get(self, content_key: str, variant: Hashable) -> CachedRead | None:
        read: CachedRead | None = self._reads.get((content_key, variant))
        return read

    def put(self, content_key: str, variant: Hashable, read: CachedRead) -> None:
        self._reads.put((content_key, variant), read)

    def invalidate(self, content_key: str) -> None:
        """Forget every cached read of ``content_key`` (called after each write)."""
        for key in [key for key in self._reads if key[0] == content_key]:
            self._reads.delete(key)

    @property
    def hits(self) -> int:
        return self._reads.stats.hits

    @property
    def misses(self) -> int:
        return self._reads.stats.misses

    def __len__(self) -> int:
        return len(self._reads)
