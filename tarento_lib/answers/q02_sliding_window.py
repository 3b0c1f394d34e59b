"""Q2 · A sliding-window rate limiter: the answer to write in the interview.

A sliding log keeps, for each key, the times of the requests it admitted. A request is admitted
when fewer than ``limit`` of them are younger than ``window`` seconds; only admitted requests
are logged, so a client that keeps retrying is not locked out for good. Time comes from an
injected monotonic clock (the wall clock can step backwards), and one lock makes
"count, then record" a single step for concurrent callers.

Time: ``allow`` is amortised O(1) (each timestamp is appended once and dropped once), and
``retry_after`` is O(1). Space: O(limit) per key, and keys idle for a whole window are dropped.

Several app servers need one shared log: ``RedisSlidingWindowLimiter`` keeps one sorted set per
key (score = time, member unique per request) and decides in a single Lua script, atomic on the
server, which reads the server's ``TIME`` so hosts with different clocks agree. The script is a
string here because this answer is one file; a library ships it as a ``.lua`` file.
``rate_limited`` turns it into a FastAPI dependency answering 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import HTTPException, Request
from redis.asyncio import Redis

__all__ = ["SlidingWindowLimiter"]


class Clock(Protocol):
    def now(self) -> float: ...


def _check(limit: int, window: float) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int >= 1, got {limit!r}")
    if isinstance(window, bool) or not isinstance(window, (int, float)):
        raise TypeError(f"window must be a number of seconds > 0, got {window!r}")
    if limit < 1:
        raise ValueError(f"limit must be an int >= 1, got {limit!r}")
    if not 0 < window < math.inf:  # also refuses NaN, which fails every comparison
        raise ValueError(f"window must be a finite number of seconds > 0, got {window!r}")


class SlidingWindowLimiter:
    """At most ``limit`` requests per key in any ``window`` seconds (in one process)."""

    def __init__(self, limit: int, window: float, *, clock: Clock | None = None) -> None:
        _check(limit, window)
        self.limit, self.window = limit, float(window)
        self._now = clock.now if clock is not None else time.monotonic
        self._logs: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = self._now()

    def _log(self, key: str, now: float) -> deque[float]:
        """The key's log without the requests that left the window (caller holds the lock)."""
        if now - self._last_sweep >= self.window:  # forget keys idle for a whole window
            self._logs = {k: v for k, v in self._logs.items() if v and v[-1] + self.window > now}
            self._last_sweep = now
        log = self._logs.setdefault(key, deque())
        while log and log[0] + self.window <= now:
            log.popleft()
        return log

    def allow(self, key: str) -> bool:
        """Admit and record one request for ``key``, or refuse it (recording nothing)."""
        with self._lock:
            now = self._now()
            log = self._log(key, now)
            if len(log) >= self.limit:
                return False
            log.append(now)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may make its next request (0.0 if it may now)."""
        with self._lock:
            now = self._now()
            log = self._log(key, now)
            return 0.0 if len(log) < self.limit else log[0] + self.window - now


# KEYS[1] = the key's sorted set; ARGV = limit, window in microseconds, a unique member.
# Returns {1, 0} when admitted, {0, microseconds until a slot frees} when refused.
SLIDING_LOG_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
"""


class RedisSlidingWindowLimiter:
    """The same limit shared by every process that uses one Redis server."""

    def __init__(
        self, client: Redis, limit: int, window: float, *, prefix: str = "ratelimit:"
    ) -> None:
        _check(limit, window)
        self.limit, self.window, self.prefix = limit, float(window), prefix
        self._script = client.register_script(SLIDING_LOG_LUA)  # EVALSHA, EVAL if not cached

    async def hit(self, key: str) -> tuple[bool, float]:
        """``(admitted, seconds to wait before retrying)`` in one round trip."""
        window_us = math.ceil(self.window * 1_000_000)
        member = uuid.uuid4().hex  # two requests in the same microsecond are two members
        admitted, wait_us = await self._script(
            keys=[self.prefix + key], args=[self.limit, window_us, member]
        )
        return bool(admitted), wait_us / 1_000_000


def rate_limited(limiter: RedisSlidingWindowLimiter) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: ``@app.get("/", dependencies=[Depends(rate_limited(limiter))])``."""

    async def dependency(request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        admitted, wait = await limiter.hit(client)
        if not admitted:
            retry_after = str(max(1, math.ceil(wait)))  # whole seconds, never rounded down
            raise HTTPException(429, "Too Many Requests", headers={"Retry-After": retry_after})

    return dependency
