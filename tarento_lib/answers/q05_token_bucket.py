"""Q5 · A token bucket for API throttling: the answer to write in the interview.

Each key has a bucket of at most ``capacity`` tokens that refills at ``rate`` tokens a second; a
request of ``cost`` takes that many tokens or is refused and takes nothing. A full bucket
allows a burst of ``capacity``, after which requests pass at ``rate``. Nothing runs in the
background: a bucket stores ``(tokens, last update)`` and refills on read, from an injected
monotonic clock (the wall clock can step backwards). One lock makes "refill, check, take" a
single step for concurrent callers.

Time: every operation is O(1) (``wait`` sleeps, on the clock, about once). Space: O(1) per
key, and a bucket that has refilled to full is the same as no bucket, so it is dropped.

Several app servers need one shared bucket: ``RedisTokenBucket`` keeps it in a Redis hash and
decides in a single Lua script, atomic on the server, which reads the server's ``TIME`` so
hosts with different clocks agree; the key expires once the bucket would be full again. The
script is a string here because this answer is one file; a library ships it as a ``.lua`` file.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

from redis.asyncio import Redis

__all__ = ["TokenBucket"]


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


def _check(capacity: int, rate: float) -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise TypeError(f"capacity must be an int >= 1, got {capacity!r}")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise TypeError(f"rate must be a number of tokens per second > 0, got {rate!r}")
    if capacity < 1:
        raise ValueError(f"capacity must be an int >= 1, got {capacity!r}")
    if not 0 < rate < math.inf:  # also refuses NaN, which fails every comparison
        raise ValueError(f"rate must be a finite number of tokens per second > 0, got {rate!r}")


def _check_cost(cost: int, capacity: int) -> None:
    if isinstance(cost, bool) or not isinstance(cost, int):
        raise TypeError(f"cost must be an int from 1 to {capacity}, got {cost!r}")
    if not 1 <= cost <= capacity:  # more than capacity could never pass: refuse, never wait
        raise ValueError(f"cost must be an int from 1 to {capacity}, got {cost!r}")


class TokenBucket:
    """One bucket of ``capacity`` tokens per key, refilled at ``rate`` tokens a second."""

    def __init__(self, capacity: int, rate: float, *, clock: Clock | None = None) -> None:
        _check(capacity, rate)
        self.capacity, self.rate = capacity, float(rate)
        self._now = clock.now if clock is not None else time.monotonic
        self._sleep = clock.sleep if clock is not None else time.sleep
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated at)
        self._lock = threading.Lock()
        self._last_sweep = self._now()

    def _tokens(self, key: str, now: float) -> float:
        """The key's tokens at ``now``, refilled and capped (caller holds the lock)."""
        tokens, updated = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + max(0.0, now - updated) * self.rate)

    def allow(self, key: str, cost: int = 1) -> bool:
        """Take ``cost`` tokens from ``key``'s bucket if it has them; a refusal takes nothing."""
        _check_cost(cost, self.capacity)
        with self._lock:
            now = self._now()
            tokens = self._tokens(key, now)
            if tokens < cost:
                return False  # nothing to record: refilling later from the old state is the same
            if now - self._last_sweep >= self.capacity / self.rate:  # drop buckets full again
                self._buckets = {
                    k: v for k, v in self._buckets.items() if self._tokens(k, now) < self.capacity
                }
                self._last_sweep = now
            self._buckets[key] = (tokens - cost, now)
            return True

    def retry_after(self, key: str, cost: int = 1) -> float:
        """Seconds until ``cost`` tokens are available (0.0 if they are now)."""
        _check_cost(cost, self.capacity)
        with self._lock:
            missing = cost - self._tokens(key, self._now())
        return max(0.0, missing / self.rate)

    def wait(self, key: str, cost: int = 1, timeout: float | None = None) -> bool:
        """Sleep until ``cost`` tokens are taken (True) or ``timeout`` seconds would pass (False).

        ``timeout=None`` waits as long as needed; ``timeout=0`` tries once and never sleeps.
        """
        _check_cost(cost, self.capacity)
        if timeout is not None and not 0 <= timeout < math.inf:
            raise ValueError(f"timeout must be None or a finite number >= 0, got {timeout!r}")
        deadline = None if timeout is None else self._now() + timeout
        while not self.allow(key, cost):
            delay = max(self.retry_after(key, cost), 1e-6)  # rounding may leave a sliver short
            if deadline is not None and self._now() + delay > deadline:
                return False  # it cannot succeed in time: give up now, not at the deadline
            self._sleep(delay)
        return True


# KEYS[1] = the bucket's hash; ARGV = capacity, rate, cost. Every host reads the one clock of
# the server, and elapsed time is clamped at 0 in case that clock is set back. Returns {1, '0'}
# when admitted, else {0, seconds to wait} (a string: Lua numbers come back as integers).
TOKEN_BUCKET_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local elapsed = math.max(0, now - (tonumber(state[2]) or now))
tokens = math.min(capacity, tokens + elapsed * rate)
if tokens < cost then
  return {0, tostring((cost - tokens) / rate)}
end
redis.call('HSET', KEYS[1], 'tokens', tokens - cost, 'updated', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))
return {1, '0'}
"""


class RedisTokenBucket:
    """The same buckets shared by every process that uses one Redis server."""

    def __init__(
        self, client: Redis, capacity: int, rate: float, *, prefix: str = "bucket:"
    ) -> None:
        _check(capacity, rate)
        self.capacity, self.rate, self.prefix = capacity, float(rate), prefix
        self._script = client.register_script(TOKEN_BUCKET_LUA)  # EVALSHA, EVAL if not cached

    async def hit(self, key: str, cost: int = 1) -> tuple[bool, float]:
        """``(admitted, seconds to wait before retrying)`` in one round trip."""
        _check_cost(cost, self.capacity)
        admitted, wait = await self._script(
            keys=[self.prefix + key], args=[self.capacity, self.rate, cost]
        )
        return bool(admitted), float(wait)
