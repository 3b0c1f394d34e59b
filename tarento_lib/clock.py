"""Injectable time: a real monotonic clock and a fake one that never waits.

Everything time-based in ``tarento_lib`` takes a ``clock=`` argument (the same idea as
``cachetools.TTLCache(timer=...)`` or tenacity's ``sleep=``). Production code gets
:class:`MonotonicClock`; tests and notebooks pass a :class:`FakeClock`, on which
sleeping advances time instantly, so nothing waits and every run gives the same numbers.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Protocol, runtime_checkable

from tarento_lib._validate import require_number

__all__ = ["Clock", "FakeClock", "MonotonicClock", "validate_seconds"]


def validate_seconds(name: str, value: object, *, allow_zero: bool = True) -> float:
    """``value`` as finite seconds ``>= 0`` (``> 0`` without ``allow_zero``).

    The older spelling of ``require_number(value, name, minimum=0, min_inclusive=allow_zero)``
    from ``tarento_lib._validate``, which new code calls directly.
    """
    return require_number(value, name, minimum=0, min_inclusive=allow_zero)


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
        time.sleep(require_number(seconds, "seconds", minimum=0))

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(require_number(seconds, "seconds", minimum=0))

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
        self._now = require_number(start, "start")
        self._lock = threading.Lock()
        self.sleeps: list[float] = []  # every sleep requested, in order: handy in tests and plots

    def now(self) -> float:
        return self._now

    def __getstate__(self) -> dict[str, object]:
        """A copy or a pickle keeps the time and the recorded sleeps, not the lock."""
        return {"now": self._now, "sleeps": list(self.sleeps)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._now, self.sleeps = state["now"], state["sleeps"]
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (>= 0) and return the new time."""
        step = require_number(seconds, "seconds", minimum=0)
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: float) -> None:
        """Jump to an absolute time that is not earlier than now
        (monotonic clocks never go back)."""
        when = require_number(when, "when")
        if when < self._now:
            raise ValueError(f"a monotonic clock cannot go back: {when} < now {self._now}")
        self.advance(when - self._now)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(require_number(seconds, "seconds", minimum=0))
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # still yield, so other tasks get their turn

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r})"
