"""Drive a limiter with a list of arrival times on a FakeClock, and summarise what it admitted."""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tarento_lib._validate import require_number
from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit.base import RateLimiter
from tarento_lib.ratelimit.decision import EPSILON, Decision
from tarento_lib.ratelimit.strategies import TokenBucket

__all__ = [
    "Outcome",
    "leaky_departures",
    "max_in_window",
    "per_second",
    "simulate",
    "trace_tokens",
]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One simulated request: when it arrived (relative to the start) and what it got."""

    time: float
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def _check_arrivals(arrivals: Sequence[float]) -> None:
    if any(b < a for a, b in itertools.pairwise(arrivals)):
        raise ValueError("arrivals must be in ascending order")
    if arrivals and arrivals[0] < 0:
        raise ValueError(f"arrival times must be >= 0, got {arrivals[0]}")


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
    _check_arrivals(arrivals)
    start = clock.now()
    outcomes = []
    for t in arrivals:
        clock.set(max(clock.now(), start + t))
        outcomes.append(Outcome(t, limiter.hit(key, cost)))
    return outcomes


def trace_tokens(
    bucket: TokenBucket,
    arrivals: Sequence[float],
    *,
    until: float,
    every: float = 0.1,
    key: str = "client",
    cost: int = 1,
) -> tuple[list[Outcome], list[tuple[float, float]]]:
    """:func:`simulate`, plus the bucket's level sampled every ``every`` seconds up to ``until``.

    Between requests the bucket refills continuously, so the level is also read (by a peek that
    takes nothing) just before and just after each request: plotted as a line, the samples
    show the ramps of the refill and the drop at each admitted request.
    """
    require_number(until, "until", minimum=0)
    require_number(every, "every", minimum=0, min_inclusive=False)
    clock = bucket.clock
    if not isinstance(clock, FakeClock):
        raise TypeError(f"trace_tokens needs a bucket on a FakeClock, got {type(clock).__name__}")
    _check_arrivals(arrivals)
    start, grid = clock.now(), [k * every for k in range(math.floor(until / every + EPSILON) + 1)]
    outcomes: list[Outcome] = []
    samples: list[tuple[float, float]] = []
    for t, is_request in heapq.merge(
        ((t, False) for t in grid), ((t, True) for t in arrivals), key=lambda event: event[0]
    ):
        clock.set(max(clock.now(), start + t))
        samples.append((t, bucket.tokens(key)))
        if is_request:
            outcomes.append(Outcome(t, bucket.hit(key, cost)))
            samples.append((t, bucket.tokens(key)))
    return outcomes, samples


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
