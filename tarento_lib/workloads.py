"""Seeded, reproducible workloads: key streams for caches and arrival times for limiters.

Every generator returns a plain ``list`` and takes a ``seed``; the same arguments give the
same list on every machine (``random.Random`` is a portable Mersenne Twister), so plots in
the notebooks come out identical on every run.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence

from tarento_lib._validate import require_int, require_number

__all__ = [
    "bursty_arrivals",
    "loop_keys",
    "mixture",
    "poisson_arrivals",
    "scan_heavy_keys",
    "scan_keys",
    "steady_arrivals",
    "zipf_keys",
]


def zipf_keys(n: int, *, n_keys: int = 1000, skew: float = 1.0, seed: int = 0) -> list[int]:
    """``n`` keys drawn from ``range(n_keys)`` with P(rank k) proportional to 1 / (k + 1) ** skew.

    ``skew=0`` is uniform; around 1 is typical of web caches; larger is more concentrated.
    Key 0 is the most popular.
    """
    require_int(n, "n", minimum=0)
    require_int(n_keys, "n_keys", minimum=1)
    require_number(skew, "skew", minimum=0)
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** skew for rank in range(n_keys)))
    rng = random.Random(seed)
    total = cumulative[-1]
    last = n_keys - 1
    return [min(bisect.bisect_right(cumulative, rng.random() * total), last) for _ in range(n)]


def scan_keys(n: int, *, start: int = 0) -> list[int]:
    """A one-pass sequential scan: ``start, start + 1, ...`` (every key used once)."""
    require_int(n, "n", minimum=0)
    return list(range(start, start + n))


def loop_keys(n: int, *, loop_size: int) -> list[int]:
    """``0, 1, ..., loop_size - 1`` repeated: the classic worst case for LRU."""
    require_int(n, "n", minimum=0)
    require_int(loop_size, "loop_size", minimum=1)
    return [i % loop_size for i in range(n)]


def mixture(
    streams: Sequence[Sequence[int]], weights: Sequence[float], *, n: int, seed: int = 0
) -> list[int]:
    """Interleave ``streams``: each step takes the next key of a stream picked with ``weights``.

    A stream that runs out is skipped from then on; the result is shorter than ``n`` only
    when every stream is exhausted.
    """
    require_int(n, "n", minimum=0)
    if len(streams) != len(weights) or not streams:
        raise ValueError("streams and weights must be non-empty and of the same length")
    for w in weights:
        require_number(w, "weights", minimum=0)
    rng = random.Random(seed)
    iterators = [iter(s) for s in streams]
    live = list(range(len(streams)))
    out: list[int] = []
    while len(out) < n and live:
        index = (
            rng.choices(live, weights=[weights[i] for i in live])[0]
            if any(weights[i] for i in live)
            else live[0]
        )
        try:
            out.append(next(iterators[index]))
        except StopIteration:
            live.remove(index)
    return out


def scan_heavy_keys(
    n: int, *, n_keys: int = 1000, skew: float = 1.0, scan_fraction: float = 0.5, seed: int = 0
) -> list[int]:
    """A Zipf hot set interrupted by one-off scan keys (think: a report reading every row once).

    Scan keys are numbered from ``n_keys`` upwards, so they never collide with the hot set.
    """
    require_number(scan_fraction, "scan_fraction", minimum=0, maximum=1)
    hot = zipf_keys(n, n_keys=n_keys, skew=skew, seed=seed)
    scan = scan_keys(n, start=n_keys)
    return mixture([hot, scan], [1.0 - scan_fraction, scan_fraction], n=n, seed=seed + 1)


def steady_arrivals(*, rate: float, duration: float, start: float = 0.0) -> list[float]:
    """Requests evenly spaced at ``rate`` per second over ``[start, start + duration)``."""
    require_number(rate, "rate", minimum=0, min_inclusive=False)
    require_number(duration, "duration", minimum=0)
    count = math.ceil(rate * duration - 1e-9)
    return [start + i / rate for i in range(count)]


def bursty_arrivals(
    *, burst_size: int, burst_every: float, duration: float, spread: float = 0.0, start: float = 0.0
) -> list[float]:
    """``burst_size`` requests every ``burst_every`` seconds,
    each burst spread over ``spread`` seconds."""
    require_int(burst_size, "burst_size", minimum=1)
    require_number(burst_every, "burst_every", minimum=0, min_inclusive=False)
    require_number(duration, "duration", minimum=0)
    require_number(spread, "spread", minimum=0)
    times: list[float] = []
    bursts = math.ceil(duration / burst_every - 1e-9)
    for burst in range(bursts):
        burst_start = start + burst * burst_every  # multiply, never accumulate: no float drift
        times.extend(burst_start + i * spread / burst_size for i in range(burst_size))
    return [t for t in times if t < start + duration]


def poisson_arrivals(
    *, rate: float, duration: float, seed: int = 0, start: float = 0.0
) -> list[float]:
    """A Poisson process: exponential gaps with mean ``1
    / rate`` over ``[start, start + duration)``."""
    require_number(rate, "rate", minimum=0, min_inclusive=False)
    require_number(duration, "duration", minimum=0)
    rng = random.Random(seed)
    times: list[float] = []
    t = start + rng.expovariate(rate)
    while t < start + duration:
        times.append(t)
        t += rng.expovariate(rate)
    return times
