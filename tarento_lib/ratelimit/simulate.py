"""Drive a limiter with a list of arrival times on a FakeClock, and summarise what it admitted."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit.base import RateLimiter
from tarento_lib.ratelimit.decision import EPSILON, Decision

__all__ = ["Outcome", "leaky_departures", "max_in_window", "per_second", "simulate"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One simulated request: when it arrived (relative to the start) and what it got."""

    time: float
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def simulate(
    limiter: RateLimiter, arrivals: Sequence[float], *, key: str = "client", cost: int = 1
) -> list[Outcome]:
    """Send one request per arrival time (seconds from now, ascending) and return every decision.

    The limiter must run on a :class:`FakeClock`; the clock is moved to each arrival, so the
    simulation takes no real time and gives the same answer on every run.
    """
    clock = limiter.clock
    if not isinstance(clock, FakeClock):
        raise TypeError(f"simulate needs a limiter on a FakeClock, got {type(clock).__name__}")
    if any(b < a for a, b in itertools.pairwise(arrivals)):
        raise ValueError("arrivals must be in ascending order")
    start = clock.now()
    outcomes = []
    for t in arrivals:
        if t < 0:
            raise ValueError(f"arrival times must be >= 0, got {t}")
        clock.set(max(clock.now(), start + t))
        outcomes.append(Outcome(t, limiter.hit(key, cost)))
    return outcomes


def per_second(times: Sequence[float], *, duration: float, bucket: float = 1.0) -> list[int]:
    """How many of ``times`` fall in each ``bucket``-second slot of ``[0, duration)``."""
    counts = [0] * math.ceil(duration / bucket - 1e-9)
    for t in times:
        slot = int(t // bucket)
        if 0 <= slot < len(counts):
            counts[slot] += 1
    return counts


def max_in_window(times: Sequence[float], window: float) -> int:
    """The most of ``times`` (ascending) inside any half-open interval ``[t, t + window)``.

    Like the limiters, it allows :data:`EPSILON` of float slack at the far edge.
    """
    best = 0
    for i, t in enumerate(times):
        best = max(best, bisect.bisect_left(times, t + window - EPSILON) - i)
    return best


def leaky_departures(admitted: Sequence[float], rate: float) -> list[float]:
    """When admitted requests leave a leaky bucket read as a queue served at ``rate`` per second."""
    out: list[float] = []
    for t in admitted:
        out.append(max(t, out[-1] + 1 / rate) if out else t)
    return out
