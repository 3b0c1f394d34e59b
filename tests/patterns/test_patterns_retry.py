"""The retry decorator over the core: plain and async functions, on a FakeClock."""

from __future__ import annotations

import asyncio
import random

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.patterns.retry import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_fixed,
    wait_random,
)


class Flaky:
    """Fails ``failures`` times with ``error``, then returns ``"ok"``."""

    def __init__(self, failures: int, error: BaseException | None = None) -> None:
        self.failures, self.calls = failures, 0
        self.error = error or ConnectionError("down")

    def __call__(self, *args: object, **kwargs: object) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def test_sync_retry_waits_on_the_clock_and_succeeds() -> None:
    clock, seen = FakeClock(), []
    flaky = Flaky(2)
    call = retry(
        stop=stop_after_attempt(5),
        wait=wait_exponential(1),
        clock=clock,
        on_retry=lambda state, delay: seen.append((state.attempt, delay)),
    )(flaky)
    assert call("an", argument=1) == "ok"
    assert (flaky.calls, clock.sleeps, seen) == (3, [1.0, 2.0], [(1, 1.0), (2, 2.0)])


def test_gives_up_with_the_last_error() -> None:
    clock = FakeClock()
    flaky = Flaky(10)
    with pytest.raises(ConnectionError, match="down"):
        retry(stop=stop_after_attempt(3), wait=wait_fixed(1), clock=clock)(flaky)()
    assert (flaky.calls, clock.now()) == (3, 2.0)


def test_stop_after_delay_uses_the_clock() -> None:
    clock = FakeClock()
    flaky = Flaky(100)
    with pytest.raises(ConnectionError):
        retry(stop=stop_after_delay(5), wait=wait_fixed(2), clock=clock)(flaky)()
    assert clock.sleeps == [2.0, 2.0, 2.0] and flaky.calls == 4


def test_other_errors_are_not_retried() -> None:
    flaky = Flaky(1, KeyError("nope"))
    clock = FakeClock()
    with pytest.raises(KeyError):
        retry(retry=retry_if_exception_type(ConnectionError), clock=clock)(flaky)()
    assert flaky.calls == 1 and clock.sleeps == []


def test_the_defaults_are_three_attempts_from_a_tenth_of_a_second() -> None:
    clock = FakeClock()
    with pytest.raises(ConnectionError):
        retry(clock=clock)(Flaky(10))()
    assert clock.sleeps == [0.1, 0.2]


def test_jitter_is_replayed_by_a_seeded_rng_and_stays_within_the_cap() -> None:
    def sleeps(seed: int) -> list[float]:
        clock = FakeClock()
        wait = wait_exponential(0.25, maximum=1) + wait_random(0, 0.5)
        with pytest.raises(ConnectionError):
            retry(stop=stop_after_attempt(6), wait=wait, clock=clock, rng=random.Random(seed))(
                Flaky(10)
            )()
        return clock.sleeps

    assert sleeps(7) == sleeps(7) != sleeps(8)
    assert len(sleeps(7)) == 5 and max(sleeps(7)) <= 1


def test_async_retry_and_cancellation_is_never_retried() -> None:
    clock = FakeClock()
    flaky = Flaky(2)

    @retry(wait=wait_fixed(0.5), clock=clock)
    async def fetch() -> str:
        return flaky()

    cancelled = Flaky(5, asyncio.CancelledError())

    @retry(clock=clock)
    async def cancelling() -> str:
        return cancelled()

    assert asyncio.run(fetch()) == "ok" and clock.sleeps == [0.5, 0.5]
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(cancelling())
    assert cancelled.calls == 1


def test_metadata_is_kept() -> None:
    def fetch() -> str:
        """Docs."""
        return "x"

    async def afetch() -> str:
        """Async docs."""
        return "x"

    wrapped, awrapped = retry(clock=FakeClock())(fetch), retry(clock=FakeClock())(afetch)
    assert (wrapped.__name__, wrapped.__doc__) == ("fetch", "Docs.")
    assert (awrapped.__name__, awrapped.__doc__) == ("afetch", "Async docs.")
    assert asyncio.iscoroutinefunction(awrapped) and not asyncio.iscoroutinefunction(wrapped)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: retry(stop=3), TypeError, "stop must be a StopPolicy"),
        (lambda: retry(wait=1), TypeError, "wait must be a WaitPolicy"),
        (lambda: retry(retry="ConnectionError"), TypeError, "retry must be callable"),
        (lambda: retry(clock="now"), TypeError, "clock must be a Clock"),
        (lambda: retry(rng=7), TypeError, "rng must be a random.Random"),
        (lambda: retry()(3), TypeError, "the decorated function must be callable"),
    ],
)
def test_bad_decorator_arguments(build, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build()
