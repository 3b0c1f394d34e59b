"""Retry policies (pure functions of the state) and the retry loops, all on a FakeClock."""

from __future__ import annotations

import asyncio
import random

import pytest
import sqlalchemy.exc
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock
from tarento_lib.db import (
    RetryError,
    RetryPolicy,
    RetryState,
    aretry_call,
    is_transient,
    retry_call,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    stop_never,
    wait_exponential,
    wait_fixed,
    wait_full_jitter,
    wait_none,
    wait_random,
)


def state(attempt: int = 1, **kwargs) -> RetryState:
    return RetryState(attempt=attempt, **kwargs)


# --- stop ------------------------------------------------------------------------------------


def test_stop_after_attempt_counts_attempts_made() -> None:
    stop = stop_after_attempt(3)
    assert [stop(state(n)) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_stop_after_delay_uses_elapsed_time() -> None:
    stop = stop_after_delay(10)
    assert [stop(state(1, elapsed=e)) for e in (0, 9.99, 10, 50)] == [False, False, True, True]


def test_stops_combine_with_or_and_and() -> None:
    either = stop_after_attempt(3) | stop_after_delay(10)
    both = stop_after_attempt(3) & stop_after_delay(10)
    assert either(state(3)) and either(state(1, elapsed=10)) and not either(state(2, elapsed=1))
    assert not both(state(3)) and both(state(3, elapsed=10))
    assert repr(either) == "(stop_after_attempt(3) | stop_after_delay(10))"
    assert not stop_never()(state(10**6, elapsed=1e9))


# --- wait ------------------------------------------------------------------------------------


def test_wait_fixed_none_and_random() -> None:
    assert wait_fixed(2)(state(5)) == 2 and wait_none()(state(5)) == 0
    assert (
        wait_random(1, 3)(state(1, jitter=0.0)) == 1
        and wait_random(1, 3)(state(1, jitter=0.5)) == 2
    )


def test_wait_exponential_doubles_up_to_the_cap() -> None:
    wait = wait_exponential(0.5, maximum=4)
    assert [wait(state(n)) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]
    assert wait(state(10**9)) == 4  # no OverflowError on absurd attempt numbers


def test_full_jitter_scales_the_whole_ceiling() -> None:
    wait = wait_full_jitter(1, maximum=8)
    assert wait(state(4, jitter=0.0)) == 0
    assert wait(state(4, jitter=0.25)) == 2
    assert wait(state(50, jitter=0.5)) == 4


def test_waits_add_up() -> None:
    wait = wait_fixed(1) + wait_random(0, 2)
    assert wait(state(1, jitter=0.5)) == 2
    assert repr(wait) == "(wait_fixed(1) + wait_random(0, 2))"


@given(
    attempt=st.integers(1, 10**6),
    jitter=st.floats(0, 1, exclude_max=True),
    initial=st.floats(0, 10),
    maximum=st.floats(0.01, 100),
)
def test_full_jitter_stays_within_zero_and_the_ceiling(
    attempt: int, jitter: float, initial: float, maximum: float
) -> None:
    wait = wait_full_jitter(initial, maximum=maximum)
    assert 0 <= wait(state(attempt, jitter=jitter)) <= min(maximum, wait.ceiling(attempt))


@given(attempt=st.integers(1, 10_000), base=st.floats(1.1, 10))
def test_the_exponential_ceiling_never_shrinks(attempt: int, base: float) -> None:
    wait = wait_exponential(0.1, base=base, maximum=30)
    assert wait.ceiling(attempt) <= wait.ceiling(attempt + 1) <= 30


# --- policy bundle and error classification --------------------------------------------------


def test_policy_retries_only_what_its_predicate_accepts() -> None:
    policy = RetryPolicy(
        stop=stop_after_attempt(3),
        wait=wait_fixed(1),
        retry=retry_if_exception_type(ConnectionError),
    )
    assert policy(state(1, error=ConnectionRefusedError())) == 1
    assert policy(state(1, error=ValueError())) is None
    assert policy(state(3, error=ConnectionRefusedError())) is None


def test_transient_errors_are_connection_problems_only() -> None:
    operational = sqlalchemy.exc.OperationalError("SELECT 1", {}, OSError("connection reset"))
    pool_timeout = sqlalchemy.exc.TimeoutError("QueuePool limit reached")
    integrity = sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    assert (
        is_transient(ConnectionRefusedError())
        and is_transient(TimeoutError())
        and is_transient(operational)
    )
    assert (
        not is_transient(pool_timeout)
        and not is_transient(integrity)
        and not is_transient(ValueError())
    )


class DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "transient"),
    [("57P03", True), ("08006", True), ("53300", True), ("23505", False), ("42601", False)],
)
def test_server_states_that_mean_not_now_are_transient(sqlstate: str, transient: bool) -> None:
    wrapped = sqlalchemy.exc.DBAPIError(
        "SELECT 1", {}, DriverError(sqlstate)
    )  # how SQLAlchemy wraps a driver error
    assert is_transient(wrapped) is transient


# --- the loops -------------------------------------------------------------------------------


def flaky(failures: int, clock: FakeClock, error: Exception | None = None):
    calls = []

    def call() -> str:
        calls.append(clock.now())
        if len(calls) <= failures:
            raise error or ConnectionRefusedError(f"refused #{len(calls)}")
        return "ok"

    return call, calls


def test_retry_call_sleeps_on_the_clock_between_attempts() -> None:
    clock, record = FakeClock(), []
    call, calls = flaky(2, clock)
    policy = RetryPolicy(stop=stop_after_attempt(5), wait=wait_exponential(1))
    assert retry_call(call, policy, clock=clock, record=record) == "ok"
    assert calls == [0, 1, 3] and clock.sleeps == [1, 2]
    assert [(a.number, a.ok, a.wait) for a in record] == [
        (1, False, 1),
        (2, False, 2),
        (3, True, None),
    ]


def test_giving_up_raises_retry_error_chained_to_the_last_error() -> None:
    clock = FakeClock()
    call, calls = flaky(10, clock)
    with pytest.raises(RetryError) as caught:
        retry_call(
            call,
            RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(2)),
            clock=clock,
            what="connect",
        )
    error = caught.value
    assert error.attempts == 3 and error.elapsed == 4 and len(calls) == 3
    assert error.__cause__ is error.last_error and str(error.last_error) == "refused #3"
    assert (
        str(error) == "connect failed after 3 attempts in 4 s: ConnectionRefusedError: refused #3"
    )


def test_an_error_the_policy_refuses_propagates_unchanged_without_sleeping() -> None:
    clock, bug = FakeClock(), KeyError("id")
    call, calls = flaky(1, clock, bug)
    with pytest.raises(KeyError) as caught:
        retry_call(call, RetryPolicy(), clock=clock)
    assert caught.value is bug and len(calls) == 1 and clock.sleeps == []


def test_a_plain_function_is_a_policy_and_jitter_is_seeded() -> None:
    def policy(s: RetryState) -> float | None:
        return None if s.attempt >= 4 else s.jitter

    def sleeps(seed: int) -> list[float]:
        clock = FakeClock()
        with pytest.raises(RetryError):
            retry_call(flaky(9, clock)[0], policy, clock=clock, rng=random.Random(seed))
        return clock.sleeps

    assert sleeps(1) == sleeps(1) != sleeps(2)
    assert len(sleeps(1)) == 3


def test_a_policy_returning_nonsense_is_a_type_error() -> None:
    clock = FakeClock()
    with pytest.raises(TypeError, match="must return seconds >= 0 or None"):
        retry_call(flaky(1, clock)[0], lambda s: -1, clock=clock)
    with pytest.raises(TypeError, match="policy must be callable"):
        retry_call(lambda: 1, "3 times")


@pytest.mark.asyncio
async def test_aretry_call_awaits_and_sleeps_on_the_clock() -> None:
    clock = FakeClock()
    attempts = []

    async def call() -> int:
        attempts.append(clock.now())
        if len(attempts) < 3:
            raise TimeoutError("slow")
        return 42

    assert (
        await aretry_call(
            call, RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(0.25)), clock=clock
        )
        == 42
    )
    assert attempts == [0, 0.25, 0.5]


@pytest.mark.asyncio
async def test_cancellation_is_never_retried() -> None:
    async def call() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await aretry_call(call, RetryPolicy(stop=stop_never(), wait=wait_none()), clock=FakeClock())


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: stop_after_attempt(0), ValueError, "attempts must be >= 1"),
        (lambda: stop_after_attempt(2.5), TypeError, "attempts must be an int"),
        (lambda: stop_after_delay(-1), ValueError, "seconds must be a finite number >= 0"),
        (lambda: wait_fixed(float("nan")), ValueError, "seconds must be a finite number"),
        (lambda: wait_exponential(1, base=1), ValueError, r"base must be a number in \(1, 10\]"),
        (lambda: wait_exponential(1, maximum=0), ValueError, "maximum must be a finite number > 0"),
        (lambda: wait_random(3, 1), ValueError, "high must be >= low"),
        (lambda: RetryPolicy(stop=3), TypeError, "stop must be a StopPolicy"),
        (lambda: RetryPolicy(wait=1.0), TypeError, "wait must be a WaitPolicy"),
        (lambda: RetryPolicy(retry=None), TypeError, "retry must be a predicate"),
        (lambda: retry_if_exception_type(), TypeError, "one or more exception classes"),
        (lambda: stop_after_attempt(2) | 3, TypeError, "must be a StopPolicy"),
        (lambda: RetryState(attempt=0), ValueError, "attempt must be >= 1"),
        (
            lambda: RetryState(attempt=1, jitter=1.0),
            ValueError,
            r"jitter must be a number in \[0, 1\)",
        ),
        (
            lambda: RetryState(attempt=1, elapsed=-2),
            ValueError,
            "elapsed must be a finite number >= 0",
        ),
    ],
)
def test_bad_arguments_name_the_argument_and_the_allowed_range(build, error, message) -> None:
    with pytest.raises(error, match=message):
        build()
