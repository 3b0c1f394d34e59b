"""The retry loop: call a function until it succeeds or the policy gives up, sleeping on a clock.

``retry_call`` (threads) and ``aretry_call`` (asyncio) share one decision step. Each attempt is
recorded as an :class:`Attempt` when a ``record`` list is passed, which is what the notebook's
timelines plot. The loop only catches ``Exception``: cancellation and Ctrl-C go straight through.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tarento_lib.clock import Clock, MonotonicClock
from tarento_lib.db.errors import RetryError
from tarento_lib.db.retry import Policy, RetryState

__all__ = ["Attempt", "aretry_call", "decide", "retry_call"]

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    """One try: when it ran, how it ended,
    and the pause chosen after it (``None``: no more tries)."""

    number: int
    start: float
    end: float
    error: BaseException | None
    wait: float | None

    @property
    def ok(self) -> bool:
        return self.error is None


def _checked_wait(policy: Policy, state: RetryState) -> float | None:
    wait = policy(state)
    if wait is None:
        return None
    if (
        isinstance(wait, bool)
        or not isinstance(wait, (int, float))
        or not math.isfinite(wait)
        or wait < 0
    ):
        raise TypeError(f"retry policy {policy!r} must return seconds >= 0 or None, got {wait!r}")
    return float(wait)


def decide(
    policy: Policy,
    *,
    attempt: int,
    elapsed: float,
    error: BaseException,
    rng: random.Random,
    last_wait: float,
) -> float | None:
    """Ask ``policy`` about a failed attempt, drawing this decision's jitter from ``rng``."""
    state = RetryState(
        attempt=attempt,
        elapsed=max(0.0, elapsed),
        error=error,
        jitter=rng.random(),
        last_wait=last_wait,
    )
    return _checked_wait(policy, state)


def _retryable(policy: Policy, error: BaseException) -> bool:
    """False when the policy's own predicate refuses ``error``:
    then it propagates unchanged (as in tenacity)."""
    predicate = getattr(policy, "retry", None)
    return not callable(predicate) or bool(predicate(error))


def _give_up(attempt: int, elapsed: float, error: BaseException, what: str) -> RetryError:
    return RetryError(
        f"{what} failed after {attempt} attempt{'s' if attempt != 1 else ''} in {elapsed:.3g} s: "
        f"{type(error).__name__}: {error}",
        attempts=attempt,
        elapsed=elapsed,
        last_error=error,
    )


def _setup(
    policy: Policy, clock: Clock | None, rng: random.Random | None
) -> tuple[Clock, random.Random]:
    if not callable(policy):
        raise TypeError(f"policy must be callable (state -> seconds | None), got {policy!r}")
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
    return clock or MonotonicClock(), rng or random.Random()


def retry_call(
    fn: Callable[[], T],
    policy: Policy,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    record: list[Attempt] | None = None,
    what: str = "call",
) -> T:
    """Call ``fn()`` until it returns.

    When the policy gives up, raise :class:`RetryError` chained to the last error; an error the
    policy's ``retry`` predicate refuses (a bug, a constraint violation) propagates unchanged.
    """
    clock, rng = _setup(policy, clock, rng)
    first, attempt, last_wait = clock.now(), 0, 0.0
    while True:
        attempt += 1
        start = clock.now()
        try:
            result = fn()
        except Exception as error:
            wait = decide(
                policy,
                attempt=attempt,
                elapsed=clock.now() - first,
                error=error,
                rng=rng,
                last_wait=last_wait,
            )
            if record is not None:
                record.append(Attempt(attempt, start, clock.now(), error, wait))
            if wait is None:
                if not _retryable(policy, error):
                    raise
                raise _give_up(attempt, clock.now() - first, error, what) from error
            clock.sleep(wait)
            last_wait = wait
            continue
        if record is not None:
            record.append(Attempt(attempt, start, clock.now(), None, None))
        return result


async def aretry_call(
    fn: Callable[[], Awaitable[T]],
    policy: Policy,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    record: list[Attempt] | None = None,
    what: str = "call",
) -> T:
    """The asyncio twin of :func:`retry_call`: awaits ``fn()`` and sleeps with ``clock.asleep``."""
    clock, rng = _setup(policy, clock, rng)
    first, attempt, last_wait = clock.now(), 0, 0.0
    while True:
        attempt += 1
        start = clock.now()
        try:
            result = await fn()
        except Exception as error:
            wait = decide(
                policy,
                attempt=attempt,
                elapsed=clock.now() - first,
                error=error,
                rng=rng,
                last_wait=last_wait,
            )
            if record is not None:
                record.append(Attempt(attempt, start, clock.now(), error, wait))
            if wait is None:
                if not _retryable(policy, error):
                    raise
                raise _give_up(attempt, clock.now() - first, error, what) from error
            await clock.asleep(wait)
            last_wait = wait
            continue
        if record is not None:
            record.append(Attempt(attempt, start, clock.now(), None, None))
        return result
