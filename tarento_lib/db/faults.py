"""Fault injection: make a node's connection attempts fail, on purpose and reproducibly.

A lesson or a test switches faults on per node: with a seeded probability, during a time window
on the manager's clock, for the next ``n`` attempts, or until further notice (``down()``).
The manager calls :meth:`Faults.check` before every connection attempt and every health probe.
"""

from __future__ import annotations

import math
import random
import threading

from tarento_lib._validate import require_int, require_number, require_str
from tarento_lib.clock import Clock, MonotonicClock
from tarento_lib.db.errors import InjectedFault

__all__ = ["Faults"]


class Faults:
    """The faults switched on for one node (none by default)."""

    def __init__(self, node: str, *, clock: Clock | None = None, seed: int = 0) -> None:
        self.node = require_str(node, "node", non_empty=True)
        self.clock = clock or MonotonicClock()
        self._seed = seed
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Switch every fault off."""
        self._probability = 0.0
        self._rng = random.Random(self._seed)
        self._windows: list[tuple[float, float]] = []
        self._next = 0
        self.injected = 0  # how many attempts were failed on purpose

    def fail_with_probability(self, probability: float, *, seed: int | None = None) -> None:
        """Fail each attempt with ``probability`` (0 to 1),
        drawn from a generator seeded with ``seed``."""
        checked = require_number(probability, "probability", minimum=0, maximum=1)
        with self._lock:
            self._probability = checked
            self._rng = random.Random(self._seed if seed is None else seed)

    def fail_between(self, start: float, end: float) -> None:
        """Fail every attempt made while ``start <= clock.now() < end`` (absolute clock times)."""
        window = (
            require_number(start, "start"),
            require_number(end, "end", minimum=start, min_inclusive=False, finite=False),
        )
        with self._lock:
            self._windows.append(window)

    def fail_for(self, seconds: float) -> None:
        """Fail every attempt during the next ``seconds`` from now."""
        now = self.clock.now()
        self.fail_between(
            now, now + require_number(seconds, "seconds", minimum=0, min_inclusive=False)
        )

    def fail_next(self, attempts: int) -> None:
        """Fail the next ``attempts`` attempts, then behave again."""
        require_int(attempts, "attempts", minimum=0)
        with self._lock:
            self._next = attempts

    def down(self) -> None:
        """Fail every attempt from now on, until :meth:`clear`."""
        self.fail_between(self.clock.now(), math.inf)

    def reason(self) -> str | None:
        """Why the next attempt would fail now, or ``None``; consumes a draw or a ``fail_next``."""
        now = self.clock.now()
        with self._lock:
            if self._next > 0:
                self._next -= 1
                return "failing the next attempts"
            for start, end in self._windows:
                if start <= now < end:
                    return "node down" if math.isinf(end) else f"outage window [{start:g}, {end:g})"
            if self._probability and self._rng.random() < self._probability:
                return f"random failure (p={self._probability:g})"
        return None

    def check(self) -> None:
        """Raise :class:`InjectedFault` if a fault applies to an attempt made now."""
        why = self.reason()
        if why is not None:
            self.injected += 1
            raise InjectedFault(self.node, why)

    def __repr__(self) -> str:
        return (
            f"Faults({self.node!r}, p={self._probability:g}, windows={len(self._windows)}, "
            f"next={self._next})"
        )
