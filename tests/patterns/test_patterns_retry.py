"""retry and its policies: each policy alone, composition, sync and async, on a FakeClock."""

from __future__ import annotations

import asyncio
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock
from tarento_lib.patterns.retry import (
    RetryState,
    retry,
    retry_if,
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

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def test_stop_policies_and_composition() -> None:
    either = stop_after_attempt(3) | stop_after_delay(10)
    both = stop_after_attempt(3) & stop_after_delay(10)
    assert [either(RetryState(a, e)) for a, e in [(2, 5), (3, 5), (2, 10)]] == [False, True, True]
    assert [both(RetryState(a, e)) for a, e in [(3, 5), (3, 10)]] == [False, True]
    assert repr(either) == "(stop_after_attempt(3) | stop_after_delay(10))"


def test_wait_policies_and_sum() -> None:
    exp = wait_exponential(0.5, multiplier=2, maximum=3)
    assert [exp(RetryState(a, 0)) for a in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    jitter = wait_random(0, 1, rng=random.Random(7))
    again = wait_random(0, 1, rng=random.Random(7))
    assert [jitter(RetryState(1, 0)) for _ in range(3)] == [
        again(RetryState(1, 0)) for _ in range(3)
    ]
    assert (wait_fixed(1) + wait_fixed(0.5))(RetryState(1, 0)) == 1.5


@given(st.integers(1, 5000), st.floats(0.01, 5), st.floats(1, 4), st.floats(0, 100))
def test_exponential_is_capped_and_grows(
    attempt: int, initial: float, multiplier: float, cap: float
) -> None:
    wait = wait_exponential(initial, multiplier=multiplier, maximum=cap)
    now, after = wait(RetryState(attempt, 0)), wait(RetryState(attempt + 1, 0))
    assert 0 <= now <= after <= cap or now == after == cap


def test_sync_retry_waits_on_the_clock_and_succeeds() -> None:
    clock, seen = FakeClock(), []
    flaky = Flaky(2)
    call = retry(
        stop=stop_after_attempt(5),
        wait=wait_exponential(1),
        clock=clock,
        on_retry=lambda state, delay: seen.append((state.attempt, delay)),
    )(flaky)
    assert call() == "ok"
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
    with pytest.raises(KeyError):
        retry(when=retry_if(ConnectionError), clock=FakeClock())(flaky)()
    assert flaky.calls == 1


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

    wrapped = retry(clock=FakeClock())(fetch)
    assert (wrapped.__name__, wrapped.__doc__) == ("fetch", "Docs.")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: stop_after_attempt(0), "attempts"),
        (lambda: stop_after_delay(-1), "seconds"),
        (lambda: wait_fixed(float("inf")), "seconds"),
        (lambda: wait_exponential(0), "initial"),
        (lambda: wait_exponential(1, multiplier=0.5), "multiplier"),
        (lambda: wait_random(2, 1), "high"),
    ],
)
def test_bad_policy_arguments(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_bad_decorator_arguments() -> None:
    with pytest.raises(TypeError, match="Exception subclasses"):
        retry_if(BaseException)
    with pytest.raises(TypeError, match="decorates a function"):
        retry()(3)
