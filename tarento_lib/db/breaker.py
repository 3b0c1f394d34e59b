"""A circuit breaker per database node: closed → open after N failures → half-open after a
cool-down.

* **closed**: every attempt goes through; consecutive failures are counted, a success resets them.
* **open**: attempts fail fast (no network) until ``reset_timeout`` seconds have passed.
* **half-open**: one trial attempt is let through; success closes the circuit, failure opens it
  again.
"""

from __future__ import annotations

import threading
from enum import StrEnum

from tarento_lib._validate import require_int, require_number
from tarento_lib.clock import Clock, MonotonicClock

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts failures of one node and decides whether the next attempt may go to it."""

    def __init__(
        self, failure_threshold: int = 5, reset_timeout: float = 30.0, *, clock: Clock | None = None
    ) -> None:
        self.failure_threshold = require_int(failure_threshold, "failure_threshold", minimum=1)
        self.reset_timeout = require_number(reset_timeout, "reset_timeout", minimum=0)
        self.clock = clock or MonotonicClock()
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_out = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self.clock.now() - self._opened_at >= self.reset_timeout:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def failures(self) -> int:
        """Consecutive failures since the last success."""
        return self._failures

    def retry_after(self) -> float:
        """Seconds until an open circuit lets a trial through (0 when it would now)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self._opened_at + self.reset_timeout - self.clock.now())

    def allow(self) -> bool:
        """May an attempt go to the node now? In half-open state only one trial at a time."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial_out:
                self._trial_out = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial_out = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            half_open = self._state() is BreakerState.HALF_OPEN
            if half_open or self._failures >= self.failure_threshold:
                self._opened_at = self.clock.now()
            self._trial_out = False

    def reset(self) -> None:
        """Back to closed with no failures (an operator's override)."""
        self.record_success()

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(state={self.state.value}, "
            f"failures={self._failures}/{self.failure_threshold})"
        )
