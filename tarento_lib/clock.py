"""Injectable time: a real monotonic clock and a fake one that never waits.

Everything time-based in ``tarento_lib`` takes a ``clock=`` argument (the same idea as
``cachetools.TTLCache(timer=...)`` or tenacity's ``sleep=``). Production code gets
:class:`MonotonicClock`; tests and notebooks pass a :class:`FakeClock`, on which
sleeping advances time instantly, so nothing waits and every run gives the same numbers.

A component that also writes timestamps asks for a :class:`DatedClock`: one object with both
readings, as the ``time`` module has ``monotonic()`` and ``time()``. Durations and expiry come
from ``now()``, which never jumps; dates come from ``wall()``, which follows the system clock.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from tarento_lib._validate import require_number

__all__ = ["Clock", "DatedClock", "FakeClock", "MonotonicClock", "validate_seconds"]


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


@runtime_checkable
class DatedClock(Clock, Protocol):
    """A :class:`Clock` that also tells the date, for code that both ages things and stamps them."""

    def wall(self) -> datetime:
        """The wall-clock time now, in UTC; it jumps when the system clock is set."""


class MonotonicClock:
    """The real clock: ``time.monotonic`` never jumps when the wall clock is set;
    ``wall()`` is the system's date and time."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(require_number(seconds, "seconds", minimum=0))

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(require_number(seconds, "seconds", minimum=0))

    def __repr__(self) -> str:
        return "MonotonicClock()"


class FakeClock:
    """A clock that moves only when told to; ``sleep`` advances it instantly.

    Its seconds double as seconds since the Unix epoch for ``wall()``, so
    ``FakeClock(datetime(2026, 1, 26, tzinfo=UTC).timestamp())`` starts on that day; both
    readings move together, except that :meth:`step_wall` sets the wall clock alone.
    Thread-safe: several threads may read and advance it at once.

    >>> clock = FakeClock(start=10.0)
    >>> clock.sleep(2.5)
    >>> clock.now()
    12.5
    >>> clock.wall().isoformat()
    '1970-01-01T00:00:12.500000+00:00'
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = require_number(start, "start")
        self._wall_offset = 0.0  # what step_wall() has set the wall clock by
        self._lock = threading.Lock()
        self.sleeps: list[float] = []  # every sleep requested, in order: handy in tests and plots

    def now(self) -> float:
        return self._now

    def wall(self) -> datetime:
        return datetime.fromtimestamp(self._now + self._wall_offset, UTC)

    def step_wall(self, seconds: float) -> datetime:
        """Set the wall clock forward (or back, if negative) by ``seconds`` without moving
        monotonic time, as an NTP step or an operator's ``date -s`` does; return the new date."""
        step = require_number(seconds, "seconds")
        with self._lock:
            self._wall_offset += step
        return self.wall()

    def __getstate__(self) -> dict[str, object]:
        """A copy or a pickle keeps the time and the recorded sleeps, not the lock."""
        return {"now": self._now, "wall_offset": self._wall_offset, "sleeps": list(self.sleeps)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._now, self.sleeps = state["now"], state["sleeps"]
        self._wall_offset = state["wall_offset"]
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
