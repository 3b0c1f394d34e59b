"""CPU time per call, measured in interleaved rounds: the timing both text benchmarks share.

CPU time of this process, not wall time: on a shared machine, time spent descheduled would
otherwise land on whichever case happened to be running. Each round shuffles the cases anew,
so a slow minute of the machine spreads over all of them; the median of the rounds is kept.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

__all__ = ["clock", "interleaved", "per_call_seconds"]

clock = time.process_time


def per_call_seconds(func: Callable[[], Any], budget: float = 0.005) -> float:
    """CPU seconds per call of ``func``, timing enough calls to fill about ``budget`` seconds."""
    start = clock()
    func()
    single = max(clock() - start, 1e-7)
    number = max(1, min(20_000, int(budget / single)))
    start = clock()
    for _ in range(number):
        func()
    return (clock() - start) / number


def interleaved(
    cases: dict[str, Callable[[], Any]], rounds: int, seed: int, *, budget: float = 0.005
) -> dict[str, float]:
    """Median seconds per call of each case, the cases shuffled anew in every round."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            samples[name].append(per_call_seconds(cases[name], budget))
    return {name: statistics.median(values) for name, values in samples.items()}
