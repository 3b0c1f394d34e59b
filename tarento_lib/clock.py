"""Injectable time: a real monotonic clock and a fake one that never waits.

Everything time-based in ``tarento_lib`` takes a ``clock=`` argument (the same idea as
``cachetools.TTLCache(timer=...)`` or tenacity's ``sleep=``). Production code gets
:class:`MonotonicClock`; tests and notebooks pass a :class:`FakeClock`, on which
sleeping advances time instantly, so nothing waits and every run gives the same numbers.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "MonotonicClock", "validate_seconds"]


def validate_seconds(name: str, value: object, *, allow_zero: bool = True) -> float:
    """Return ``value`` as a float after checking it is a finite, non-negative number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return seconds


@runtime_checkable
class Clock(Protocol):
    """What a time source must offer: monotonic seconds and both kinds of sleep."""

    def now(self) -> float:
        """Monotonic seconds; only differences between two readings mean anything."""

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling coroutine for ``seconds``."""


class MonotonicClock:
    """The real clock: ``time.monotonic`` never jumps when the wall clock is set."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(validate_seconds("seconds", seconds))

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(validate_seconds("seconds", seconds))

    def __repr__(self) -> str:
        return "MonotonicClock()"


class FakeClock:
    """A clock that moves only when told to; ``sleep`` advances it instantly.

    Thread-safe: several threads may read and advance it at once.

    >>> clock = FakeClock(start=10.0)
    >>> clock.sleep(2.5)
    >>> clock.now()
    12.5
    """

    def __init__(self, start: float = 0.0) -> None:
        if (
            isinstance(start, bool)
            or not isinstance(start, (int, float))
            or not math.isfinite(start)
        ):
            raise ValueError(f"start must be a finite number, got {start!r}")
        self._now = float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []  # every sleep requested, in order: handy in tests and plots

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (>= 0) and return the new time."""
        step = validate_seconds("seconds", seconds)
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: float) -> None:
        """Jump to an absolute time that is not earlier than now
        (monotonic clocks never go back)."""
        if when < self._now:
            raise ValueError(f"a monotonic clock cannot go back: {when} < now {self._now}")
        self.advance(when - self._now)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(validate_seconds("seconds", seconds))
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # still yield, so other tasks get their turn

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r})"
