"""What both LRU caches share: statistics and the mapping protocol."""

from __future__ import annotations

from collections.abc import Hashable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

__all__ = ["CacheStats", "MappingMixin", "unhashable"]


@dataclass(frozen=True)
class CacheStats:
    """A snapshot of a cache's counters. A stored ``None`` that is found counts as a hit."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    expirations: int = 0

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    @property
    def hit_rate(self) -> float:
        """hits / (hits + misses); 0.0 before the first lookup."""
        return self.hits / self.lookups if self.lookups else 0.0


def unhashable(key: Any) -> TypeError:
    """The error both caches raise for a key that cannot be hashed (the cache is left unchanged)."""
    return TypeError(f"cache keys must be hashable, got {type(key).__name__} {key!r}")


class MappingMixin(MutableMapping):
    """``c[k]``, ``c[k] = v``, ``del c[k]`` in terms of ``get`` / ``put`` / ``delete``.

    Subclasses provide ``get``, ``put``, ``delete``, ``__len__``, ``__contains__`` and
    ``_snapshot()`` (the live ``(key, value)`` pairs from least to most recently used).
    As with ``dict`` and ``cachetools.Cache``, a miss in ``c[k]`` (and only there: not in
    ``get``, ``pop`` or ``setdefault``) calls ``__missing__(k)``, which raises ``KeyError``
    unless a subclass defines it, for instance to compute and store the value.
    """

    _MISSING: Any = object()

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key, self._MISSING)
        if value is self._MISSING:
            return self.__missing__(key)
        return value

    def __missing__(self, key: Any) -> Any:
        raise KeyError(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.put(key, value)

    def __delitem__(self, key: Any) -> None:
        if not self.delete(key):
            raise KeyError(key)

    def items(self) -> list[tuple[Any, Any]]:
        """A snapshot, least to most recently used;
        reading it changes no recency and no statistics."""
        return self._snapshot()

    def values(self) -> list[Any]:
        return [value for _, value in self.items()]

    def keys(self) -> list[Any]:
        return [key for key, _ in self.items()]

    def __iter__(self) -> Any:
        return iter(self.keys())

    def __repr__(self) -> str:
        items = ", ".join(f"{k!r}: {v!r}" for k, v in self.items())
        return f"{type(self).__name__}(capacity={self.capacity}, {{{items}}})"
