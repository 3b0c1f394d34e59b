"""The default store: a dict in this process, one lock, idle keys dropped as they expire."""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from tarento_lib._validate import require_number
from tarento_lib.ratelimit.decision import Decision

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["MemoryStore"]

_MIN_SWEEP = 1024


class MemoryStore:
    """Thread-safe in-process state. Memory stays bounded by the keys that are still active.

    Every write gives the key an expiry (when its state is back to "fresh": window over,
    bucket full or empty); an expired entry is never used. A write sweeps out every expired key
    when the store has doubled in size since the last sweep, or when ``sweep_every`` seconds of
    the limiter's clock have passed since then, so one-off keys do not pile up.
    Limiters that share one store must share one clock (expiry times are compared across keys).
    Each decision reads the limiter's clock under the lock, so decisions and their times come
    in the same order, whichever thread gets there first.
    """

    blocking = False

    def __init__(self, *, sweep_every: float = 10.0) -> None:
        self._sweep_every = require_number(
            sweep_every, "sweep_every", minimum=0, min_inclusive=False
        )
        self._data: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = _MIN_SWEEP
        self._next_sweep = -math.inf  # the first decision sweeps (and sets the timer)

    def supports(self, strategy: str) -> bool:
        return True  # every strategy's Python step runs here

    def decide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        with self._lock:
            now = limiter.now()  # inside the lock: a time read before it could be stale by now
            entry = self._data.get(key)
            state = entry[0] if entry is not None and entry[1] > now else None
            decision, new_state, ttl = limiter.step(state, now, cost, consume)
            if new_state is not None:  # only a write grows the store, so only a write may sweep
                self._data[key] = (new_state, now + ttl)
                if now >= self._next_sweep or len(self._data) >= self._sweep_at:
                    self._sweep(now)
        return decision

    def _sweep(self, now: float) -> None:
        data = self._data
        for key in [k for k, (_, expires) in data.items() if expires <= now]:
            del data[key]
        self._sweep_at = max(_MIN_SWEEP, 2 * len(data))
        self._next_sweep = now + self._sweep_every

    def clear(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def __len__(self) -> int:
        """How many keys are stored (expired ones may linger until the next sweep)."""
        return len(self._data)

    def __repr__(self) -> str:
        return f"MemoryStore(keys={len(self._data)})"
