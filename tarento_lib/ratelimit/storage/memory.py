"""The default store: a dict in this process, one lock, idle keys dropped as they expire."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from tarento_lib.ratelimit.decision import Decision

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["MemoryStore"]

_MIN_SWEEP = 1024


class MemoryStore:
    """Thread-safe in-process state. Memory stays bounded by the keys that are still active.

    Every write gives the key an expiry (when its state is back to "fresh": window over,
    bucket full or empty). Keys are kept in write order, so expired ones at the front are
    dropped on every call; a full sweep runs whenever the store has doubled since the last
    one. Both are amortised O(1) per decision.
    """

    blocking = False

    def __init__(self) -> None:
        self._data: OrderedDict[str, tuple[Any, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._sweep_at = _MIN_SWEEP

    def supports(self, strategy: str) -> bool:
        return True  # every strategy's Python step runs here

    def decide(self, limiter: RateLimiter, key: str, now: float, cost: int, consume: bool) -> Decision:
        data = self._data
        with self._lock:
            entry = data.get(key)
            state = entry[0] if entry is not None and entry[1] > now else None
            decision, new_state, ttl = limiter.step(state, now, cost, consume)
            if new_state is not None:
                data[key] = (new_state, now + ttl)
                data.move_to_end(key)
            self._drop_expired(now)
        return decision

    def _drop_expired(self, now: float) -> None:
        data = self._data
        while data:
            first = next(iter(data))
            if data[first][1] > now:
                break
            del data[first]
        if len(data) >= self._sweep_at:  # expiries out of write order (mixed TTLs): sweep everything
            for key in [k for k, (_, expires) in data.items() if expires <= now]:
                del data[key]
            self._sweep_at = max(_MIN_SWEEP, 2 * len(data))

    def clear(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def __len__(self) -> int:
        """How many keys are stored (expired ones may linger until the next decision)."""
        return len(self._data)

    def __repr__(self) -> str:
        return f"MemoryStore(keys={len(self._data)})"
