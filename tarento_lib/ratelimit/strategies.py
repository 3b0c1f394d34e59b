"""Five rate-limiting algorithms. Each gives its transition in Python (:meth:`step`, run by the
memory store under a lock) and names its Lua twin (run atomically by the Redis store).

Window strategies count requests per ``window`` seconds; bucket strategies hold ``capacity``
units that refill (token bucket) or drain (leaky bucket) at ``rate`` units per second. All
times are from the limiter's clock, and every comparison allows :data:`EPSILON` of float slack.
"""

from __future__ import annotations

from collections import deque
from math import floor
from typing import Any

from tarento_lib._validate import require_int, require_number
from tarento_lib.clock import Clock
from tarento_lib.ratelimit.base import MAX_LIMIT, RateLimiter
from tarento_lib.ratelimit.decision import EPSILON, Decision, new_decision
from tarento_lib.ratelimit.storage import Storage

__all__ = [
    "STRATEGIES",
    "FixedWindow",
    "LeakyBucket",
    "SlidingLog",
    "SlidingWindowCounter",
    "TokenBucket",
]

Step = tuple[Decision, Any, float]


def window_index(now: float, window: float) -> int:
    """The ``k`` with ``k * window <= now < (k + 1) * window``, both products rounded as floats.

    ``floor(now / window)`` alone can be one off: at ``now = 3 * 0.7`` it gives 2, whose window
    ends at ``now`` itself. The Lua scripts make the same correction.
    """
    index = floor(now / window)
    if (index + 1) * window <= now:
        return index + 1
    if index * window > now:
        return index - 1
    return index


class _Windowed(RateLimiter):
    """``limit`` requests per ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        storage: Storage | None = None,
        clock: Clock | None = None,
        on_error: str = "allow",
        prefix: str = "rl",
    ) -> None:
        self.window = require_number(window, "window", minimum=0, min_inclusive=False)
        super().__init__(
            require_int(limit, "limit", minimum=1, maximum=MAX_LIMIT),
            storage=storage,
            clock=clock,
            on_error=on_error,
            prefix=prefix,
        )

    def _signature(self) -> str:
        return f"limit={self.limit}/window={self.window!r}"

    def script_args(self) -> tuple[float, ...]:
        return (self.limit, self.window)

    def _fallback_wait(self, cost: int) -> float:
        return self.window


class FixedWindow(_Windowed):
    """A counter per calendar window ``[k*window, (k+1)*window)``. O(1) memory,
    but up to twice the limit can pass within one window length around a boundary."""

    name = "fixed_window"

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Step:
        limit, window = self.limit, self.window
        index = window_index(now, window)
        count = state[1] if state is not None and state[0] == index else 0
        reset = (index + 1) * window - now
        if count + cost > limit:
            return new_decision((False, limit, limit - count, reset, reset, False)), None, 0.0
        if not consume:
            return new_decision((True, limit, limit - count, 0.0, reset, False)), None, 0.0
        count += cost
        return new_decision((True, limit, limit - count, 0.0, reset, False)), (index, count), reset


class SlidingLog(_Windowed):
    """Exact: keeps the time of every admitted unit from the last ``window`` seconds
    (O(limit) memory). A unit admitted at ``t`` stops counting at ``t + window``."""

    name = "sliding_log"
    unique_members = True

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Step:
        limit, window = self.limit, self.window
        log: deque[float] = state if state is not None else deque()
        edge = now - window + EPSILON
        while log and log[0] <= edge:
            log.popleft()
        count = len(log)
        if count + cost > limit:  # wait until enough of the oldest entries have left the window
            oldest_needed = log[count + cost - limit - 1]
            retry, reset = oldest_needed + window - now, log[-1] + window - now
            return new_decision((False, limit, limit - count, retry, reset, False)), None, 0.0
        if not consume:
            reset = log[-1] + window - now if log else 0.0
            return new_decision((True, limit, limit - count, 0.0, reset, False)), None, 0.0
        if cost == 1:
            log.append(now)
        else:
            log.extend([now] * cost)
        return new_decision((True, limit, limit - count - cost, 0.0, window, False)), log, window


class SlidingWindowCounter(_Windowed):
    """Approximate, O(1) memory: this window's count plus the previous window's count weighted by
    how much of it still overlaps the sliding window (assumes the previous window's requests were
    even)."""

    name = "sliding_window_counter"

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Step:
        limit, window = self.limit, self.window
        index = window_index(now, window)
        prev = curr = 0
        if state is not None:
            if state[0] == index:
                prev, curr = state[1], state[2]
            elif state[0] == index - 1:
                prev = state[2]
        start = index * window
        used = prev * (1 - (now - start) / window) + curr
        if used + cost > limit + EPSILON:  # refused (inlined: this is the hot path under overload)
            if curr + cost <= limit:  # the previous window's weight only has to fade enough
                retry = start + window * (1 - (limit - cost - curr) / prev) - now
            else:  # wait for the next window, then for this window's weight to fade
                fade = 1 - (limit - cost) / curr
                retry = start + window + (window * fade if fade > 0 else 0.0) - now
            reset = start + 2 * window - now if curr else start + window - now
            room = limit - used + EPSILON  # (conditionals, not max())
            remaining, retry = floor(room) if room > 0 else 0, retry if retry > 0 else 0.0
            return new_decision((False, limit, remaining, retry, reset, False)), None, 0.0
        if not consume:
            reset = start + 2 * window - now if curr else (start + window - now if prev else 0.0)
            remaining = max(0, floor(limit - used + EPSILON))
            return new_decision((True, limit, remaining, 0.0, reset, False)), None, 0.0
        curr += cost
        reset = start + 2 * window - now
        remaining = max(0, floor(limit - (used + cost) + EPSILON))
        return new_decision((True, limit, remaining, 0.0, reset, False)), (index, prev, curr), reset


class _Bucket(RateLimiter):
    """``capacity`` units, refilled or drained at ``rate`` units per second."""

    def __init__(
        self,
        capacity: int,
        rate: float,
        *,
        storage: Storage | None = None,
        clock: Clock | None = None,
        on_error: str = "allow",
        prefix: str = "rl",
    ) -> None:
        self.capacity = require_int(capacity, "capacity", minimum=1, maximum=MAX_LIMIT)
        self.rate = require_number(rate, "rate", minimum=0, min_inclusive=False)
        super().__init__(
            self.capacity, storage=storage, clock=clock, on_error=on_error, prefix=prefix
        )

    def _signature(self) -> str:
        return f"capacity={self.capacity}/rate={self.rate!r}"

    def script_args(self) -> tuple[float, ...]:
        return (self.capacity, self.rate)

    def _fallback_wait(self, cost: int) -> float:
        return cost / self.rate


class TokenBucket(_Bucket):
    """Starts full; each request takes ``cost`` tokens; tokens come back at ``rate`` per second
    up to ``capacity``. Allows a burst of ``capacity``, then ``rate`` per second on average."""

    name = "token_bucket"

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Step:
        capacity, rate = self.capacity, self.rate
        tokens, last = float(capacity), now
        if state is not None:
            tokens, last = state
            tokens = min(
                capacity, tokens + max(0.0, now - last) * rate
            )  # a clock behind `last` adds nothing
            last = now  # a clock that went back refills nothing, and refills from here on
        if tokens + EPSILON < cost:
            return (
                new_decision(
                    (
                        False,
                        capacity,
                        floor(tokens + EPSILON),
                        (cost - tokens) / rate,
                        (capacity - tokens) / rate,
                        False,
                    )
                ),
                None,
                0.0,
            )
        if not consume:
            full = (capacity - tokens) / rate
            return (
                new_decision((True, capacity, floor(tokens + EPSILON), 0.0, full, False)),
                None,
                0.0,
            )
        tokens = max(0.0, tokens - cost)
        full = (capacity - tokens) / rate  # after this long the bucket is full again: state can go
        return (
            new_decision((True, capacity, floor(tokens + EPSILON), 0.0, full, False)),
            (tokens, last),
            full,
        )

    def tokens(self, key: str) -> float:
        """The tokens in ``key``'s bucket now, fractions included; takes none (a peek).

        The peek says how long until the bucket is full, and the refill is linear, so the
        level is ``capacity - rate * reset_after`` on every store.
        """
        missing = self.rate * self.peek(key).reset_after
        return min(float(self.capacity), max(0.0, self.capacity - missing))


class LeakyBucket(_Bucket):
    """A bucket of ``capacity`` that drains at a constant ``rate``; a request is admitted only if
    it fits. Read as a queue, admitted work leaves at ``rate`` per second: the output is smooth."""

    name = "leaky_bucket"

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Step:
        capacity, rate = self.capacity, self.rate
        level, last = 0.0, now
        if state is not None:
            level, last = state
            level = max(0.0, level - max(0.0, now - last) * rate)
            last = now  # a clock that went back refills nothing, and refills from here on
        if level + cost > capacity + EPSILON:
            room = max(0, floor(capacity - level + EPSILON))
            return (
                new_decision(
                    (False, capacity, room, (level + cost - capacity) / rate, level / rate, False)
                ),
                None,
                0.0,
            )
        if not consume:
            room = floor(capacity - level + EPSILON)
            return new_decision((True, capacity, room, 0.0, level / rate, False)), None, 0.0
        level += cost
        drained = level / rate
        room = max(0, floor(capacity - level + EPSILON))
        return new_decision((True, capacity, room, 0.0, drained, False)), (level, last), drained

    def level(self, key: str) -> float:
        """How full ``key``'s bucket is now, fractions included; adds nothing (a peek)."""
        return min(float(self.capacity), max(0.0, self.rate * self.peek(key).reset_after))


STRATEGIES: dict[str, type[RateLimiter]] = {
    cls.name: cls
    for cls in (FixedWindow, SlidingLog, SlidingWindowCounter, TokenBucket, LeakyBucket)
}
