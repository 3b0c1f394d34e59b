"""A ``retry`` decorator built from small composable policies (the shape tenacity made familiar).

* stop policies answer "give up now?": ``stop_after_attempt(5) | stop_after_delay(30)``;
* wait policies answer "how long before the next try?": ``wait_exponential(0.1) + wait_random(0,
  0.1, rng)``;
* ``retry_if(ConnectionError, TimeoutError)`` answers "is this error worth another try?".

Each policy is a pure function of a :class:`RetryState`, so it can be tested and plotted alone.
Time comes from an injected :class:`~tarento_lib.clock.Clock`: tests and notebooks pass a
``FakeClock`` and never wait. Cancellation and Ctrl-C are never retried.
"""

from __future__ import annotations

import functools
import inspect
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tarento_lib.clock import Clock, MonotonicClock, validate_seconds

__all__ = [
    "RetryState",
    "Stop",
    "Wait",
    "retry",
    "retry_if",
    "stop_after_attempt",
    "stop_after_delay",
    "wait_exponential",
    "wait_fixed",
    "wait_random",
]


@dataclass(frozen=True)
class RetryState:
    """After attempt number ``attempt`` (1-based) failed with ``error``, ``elapsed`` seconds in."""

    attempt: int
    elapsed: float
    error: BaseException | None = None


class Stop:
    """A stop policy; ``a | b`` stops when either does, ``a & b`` when both do."""

    def __init__(self, decide: Callable[[RetryState], bool], label: str) -> None:
        self._decide, self.label = decide, label

    def __call__(self, state: RetryState) -> bool:
        return self._decide(state)

    def __or__(self, other: Stop) -> Stop:
        return Stop(lambda s: self(s) or other(s), f"({self.label} | {other.label})")

    def __and__(self, other: Stop) -> Stop:
        return Stop(lambda s: self(s) and other(s), f"({self.label} & {other.label})")

    def __repr__(self) -> str:
        return self.label


class Wait:
    """A wait policy; ``a + b`` waits the sum of both."""

    def __init__(self, delay: Callable[[RetryState], float], label: str) -> None:
        self._delay, self.label = delay, label

    def __call__(self, state: RetryState) -> float:
        return self._delay(state)

    def __add__(self, other: Wait) -> Wait:
        return Wait(lambda s: self(s) + other(s), f"{self.label} + {other.label}")

    def __repr__(self) -> str:
        return self.label


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return value


def stop_after_attempt(attempts: int) -> Stop:
    _count("attempts", attempts)
    return Stop(lambda s: s.attempt >= attempts, f"stop_after_attempt({attempts})")


def stop_after_delay(seconds: float) -> Stop:
    limit = validate_seconds("seconds", seconds)
    return Stop(lambda s: s.elapsed >= limit, f"stop_after_delay({seconds})")


def wait_fixed(seconds: float) -> Wait:
    delay = validate_seconds("seconds", seconds)
    return Wait(lambda s: delay, f"wait_fixed({seconds})")


def wait_exponential(
    initial: float = 0.1, *, multiplier: float = 2.0, maximum: float = 30.0
) -> Wait:
    """``initial * multiplier ** (attempt - 1)``, capped at ``maximum``."""
    first = validate_seconds("initial", initial, allow_zero=False)
    cap = validate_seconds("maximum", maximum)
    if (
        isinstance(multiplier, bool)
        or not isinstance(multiplier, (int, float))
        or not (math.isfinite(multiplier) and multiplier >= 1)
    ):
        raise ValueError(f"multiplier must be a finite number >= 1, got {multiplier!r}")

    def delay(state: RetryState) -> float:
        try:
            grown = first * multiplier ** (state.attempt - 1)
        except OverflowError:  # long runs: the cap has been reached long ago
            return cap
        return min(cap, grown)

    return Wait(delay, f"wait_exponential({initial}, multiplier={multiplier}, maximum={maximum})")


def wait_random(low: float, high: float, *, rng: random.Random | None = None) -> Wait:
    """A uniform random extra delay in ``[low, high]``
    (jitter); pass a seeded ``rng`` to replay it."""
    lo, hi = validate_seconds("low", low), validate_seconds("high", high)
    if hi < lo:
        raise ValueError(f"high must be >= low, got low={low}, high={high}")
    source = rng or random.Random()
    return Wait(lambda s: source.uniform(lo, hi), f"wait_random({low}, {high})")


def retry_if(*errors: type[Exception]) -> Callable[[BaseException], bool]:
    """Retry only these ``Exception`` types (never ``CancelledError`` or ``KeyboardInterrupt``)."""
    if not errors or not all(isinstance(e, type) and issubclass(e, Exception) for e in errors):
        raise TypeError("retry_if needs one or more Exception subclasses")
    return lambda error: isinstance(error, errors)


OnRetry = Callable[[RetryState, float], None]


def retry(
    *,
    stop: Stop | None = None,
    wait: Wait | None = None,
    when: Callable[[BaseException], bool] | None = None,
    clock: Clock | None = None,
    on_retry: OnRetry | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Retry the decorated plain or async function; the last error propagates when ``stop`` says so.

    Defaults: 3 attempts, exponential waits from 0.1 s, retry on any ``Exception``, the real clock.
    ``on_retry(state, delay)`` is called before each wait (for logging or a timeline plot).
    """
    policy = _Policy(
        stop or stop_after_attempt(3),
        wait or wait_exponential(),
        when or retry_if(Exception),
        clock or MonotonicClock(),
        on_retry,
    )

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn):
            raise TypeError(f"retry decorates a function, got {fn!r}")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                start, attempt = policy.clock.now(), 0
                while True:
                    attempt += 1
                    try:
                        return await fn(*args, **kwargs)
                    except Exception as exc:
                        await policy.clock.asleep(policy.next_delay(exc, attempt, start))

            return async_wrapper

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            start, attempt = policy.clock.now(), 0
            while True:
                attempt += 1
                try:
                    return fn(*args, **kwargs)
                except Exception as exc:
                    policy.clock.sleep(policy.next_delay(exc, attempt, start))

        return sync_wrapper

    return decorate


@dataclass(frozen=True)
class _Policy:
    stop: Stop
    wait: Wait
    when: Callable[[BaseException], bool]
    clock: Clock
    on_retry: OnRetry | None

    def next_delay(self, error: Exception, attempt: int, start: float) -> float:
        """The wait before the next attempt, or re-raise ``error`` when it is time to give up."""
        state = RetryState(attempt=attempt, elapsed=self.clock.now() - start, error=error)
        if not self.when(error) or self.stop(state):
            raise error
        delay = max(0.0, float(self.wait(state)))
        if self.on_retry is not None:
            self.on_retry(state, delay)
        return delay
