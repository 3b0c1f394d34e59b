"""The retry core: each policy alone, composition, the decision step, both loops, no waiting."""

from __future__ import annotations

import asyncio
import math
import random
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock
from tarento_lib.retry import (
    Attempt,
    RetryError,
    Retrying,
    RetryPolicy,
    RetryState,
    WaitPolicy,
    aretry_call,
    decide,
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
    return RetryState(attempt, **kwargs)


# --- stop policies -------------------------------------------------------------------------------


def test_stop_after_attempt_counts_attempts_made() -> None:
    stop = stop_after_attempt(3)
    assert [stop(state(n)) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_stop_after_delay_uses_elapsed_time() -> None:
    stop = stop_after_delay(10)
    assert [stop(state(1, elapsed=e)) for e in (0, 9.99, 10, 50)] == [False, False, True, True]


def test_stop_never_never_stops() -> None:
    assert not stop_never()(state(10**6, elapsed=1e9))


def test_stops_combine_with_or_and_and() -> None:
    either = stop_after_attempt(3) | stop_after_delay(10)
    both = stop_after_attempt(3) & stop_after_delay(10)
    assert either(state(3)) and either(state(1, elapsed=10)) and not either(state(2, elapsed=1))
    assert not both(state(3)) and both(state(3, elapsed=10))
    assert repr(either) == "(stop_after_attempt(3) | stop_after_delay(10))"
    assert repr(both) == "(stop_after_attempt(3) & stop_after_delay(10))"
    assert ((stop_after_attempt(9) | stop_never()) | stop_after_delay(1))(state(1, elapsed=1))


# --- wait policies -------------------------------------------------------------------------------


def test_wait_none_fixed_and_random() -> None:
    assert wait_none()(state(5)) == 0 and wait_fixed(2)(state(5)) == 2
    assert [wait_random(1, 3)(state(1, jitter=j)) for j in (0.0, 0.5)] == [1, 2]
    assert repr(wait_random(1, 3)) == "wait_random(1, 3)"


def test_wait_exponential_doubles_up_to_the_cap() -> None:
    wait = wait_exponential(0.5, maximum=4)
    assert [wait(state(n)) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]
    assert wait(state(10**9)) == 4  # no OverflowError on absurd attempt numbers
    assert wait_exponential(1e-300, maximum=1)(state(600)) <= 1  # a tiny start: no overflow
    assert wait_exponential(0, maximum=1)(state(50)) == 0
    assert repr(wait) == "wait_exponential(initial=0.5, base=2, maximum=4)"


def test_wait_exponential_grows_by_its_base() -> None:
    wait = wait_exponential(2, base=3, maximum=100)
    assert [wait.ceiling(n) for n in range(1, 6)] == [2, 6, 18, 54, 100]
    assert wait_exponential(2, base=1)(state(40)) == 2  # base 1: a fixed wait


def test_full_jitter_scales_the_whole_ceiling() -> None:
    wait = wait_full_jitter(1, maximum=8)
    assert [wait(state(4, jitter=j)) for j in (0.0, 0.25)] == [0, 2]
    assert wait(state(50, jitter=0.5)) == 4
    assert repr(wait) == "wait_full_jitter(initial=1, base=2, maximum=8)"


def test_waits_add_up() -> None:
    wait = wait_fixed(1) + wait_random(0, 2)
    assert wait(state(1, jitter=0.5)) == 2 and wait.maximum is None
    assert repr(wait) == "(wait_fixed(1) + wait_random(0, 2))"


def test_a_sum_never_exceeds_the_cap_a_part_states() -> None:
    wait = wait_exponential(1, maximum=8) + wait_random(0, 1)
    assert wait.maximum == 8
    assert [wait(state(n, jitter=0.5)) for n in (1, 4, 5)] == [1.5, 8, 8]
    nested = (wait_fixed(5) + wait_full_jitter(1, maximum=3)) + wait_exponential(1, maximum=6)
    assert nested.maximum == 3 and nested(state(9, jitter=0.9)) == 3


def waits() -> st.SearchStrategy[WaitPolicy]:
    seconds = st.floats(0, 100)
    leaves = st.one_of(
        st.builds(wait_fixed, seconds),
        st.builds(lambda a, b: wait_random(min(a, b), max(a, b)), seconds, seconds),
        st.builds(
            lambda cls, initial, base, maximum: cls(initial, base=base, maximum=maximum),
            st.sampled_from([wait_exponential, wait_full_jitter]),
            seconds,
            st.floats(1, 10),
            st.floats(0.001, 100),
        ),
    )
    return st.recursive(leaves, lambda parts: st.builds(lambda a, b: a + b, parts, parts))


def stated_caps(wait: WaitPolicy) -> list[float]:
    parts = getattr(wait, "parts", ())
    own = [wait.maximum] if wait.maximum is not None and not parts else []
    return own + [cap for part in parts for cap in stated_caps(part)]


@given(
    wait=waits(),
    attempt=st.integers(1, 10**6),
    elapsed=st.floats(0, 1e6),
    jitter=st.floats(0, 1, exclude_max=True),
)
def test_a_jittered_wait_never_exceeds_any_cap_it_states(
    wait: WaitPolicy, attempt: int, elapsed: float, jitter: float
) -> None:
    pause = wait(RetryState(attempt, elapsed=elapsed, jitter=jitter))
    assert 0 <= pause < math.inf
    assert all(pause <= cap for cap in stated_caps(wait))


@given(attempt=st.integers(1, 10_000), base=st.floats(1, 10), initial=st.floats(0, 10))
def test_the_exponential_ceiling_never_shrinks(attempt: int, base: float, initial: float) -> None:
    wait = wait_exponential(initial, base=base, maximum=30)
    assert wait.ceiling(attempt) <= wait.ceiling(attempt + 1) <= 30


# --- the bundle and the decision step ------------------------------------------------------------


def test_policy_asks_the_predicate_then_stop_then_wait() -> None:
    policy = RetryPolicy(
        stop=stop_after_attempt(3),
        wait=wait_fixed(1),
        retry=retry_if_exception_type(ConnectionError),
    )
    assert policy(state(1, error=ConnectionRefusedError())) == 1
    assert policy(state(1, error=ValueError())) is None
    assert policy(state(3, error=ConnectionRefusedError())) is None
    assert repr(policy) == (
        "RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(1), "
        "retry=retry_if_exception_type(ConnectionError))"
    )


def test_policy_defaults_retry_any_exception_three_times_with_full_jitter() -> None:
    policy = RetryPolicy()
    assert policy(state(1, error=KeyError("k"), jitter=0.5)) == 0.25
    assert policy(state(3, error=KeyError("k"))) is None
    assert policy.wait.maximum == 10


def test_decide_passes_seconds_and_none_through() -> None:
    assert decide(lambda s: s.attempt, state(3)) == 3.0
    assert decide(lambda s: None, state(3)) is None


@pytest.mark.parametrize("answer", [-1, math.inf, math.nan, True, "1"])
def test_decide_refuses_nonsense_and_names_the_policy(answer: object) -> None:
    def sloppy_policy(s: RetryState) -> Any:
        return answer

    with pytest.raises(TypeError, match="policy sloppy_policy must return seconds") as caught:
        decide(sloppy_policy, state())
    assert "0x" not in str(caught.value)


# --- the sync loop -------------------------------------------------------------------------------


class Flaky:
    """Fails ``failures`` times with ``error`` (a fresh refusal by default), then returns "ok"."""

    def __init__(self, failures: int, clock: FakeClock | None = None, error=None) -> None:
        self.failures, self.clock, self.error = failures, clock, error
        self.calls: list[float] = []

    def __call__(self, *args: object) -> str:
        self.calls.append(self.clock.now() if self.clock else 0.0)
        if len(self.calls) <= self.failures:
            raise self.error or ConnectionRefusedError(f"refused #{len(self.calls)}")
        return "ok"


def test_retry_call_sleeps_on_the_clock_and_records_every_attempt() -> None:
    clock, record = FakeClock(), []
    flaky = Flaky(2, clock)
    policy = RetryPolicy(stop=stop_after_attempt(5), wait=wait_exponential(1))
    assert retry_call(flaky, policy, clock=clock, record=record) == "ok"
    assert flaky.calls == [0, 1, 3] and clock.sleeps == [1, 2]
    assert [(a.number, a.ok, a.wait) for a in record] == [
        (1, False, 1),
        (2, False, 2),
        (3, True, None),
    ]
    assert all(isinstance(a, Attempt) for a in record)


def test_an_injected_sleep_records_the_pauses_instead_of_waiting() -> None:
    pauses: list[float] = []
    policy = RetryPolicy(stop=stop_after_attempt(4), wait=wait_exponential(2))
    assert retry_call(Flaky(3), policy, sleep=pauses.append) == "ok"
    assert pauses == [2, 4, 8]


def test_giving_up_raises_retry_error_chained_to_the_last_error() -> None:
    clock = FakeClock()
    flaky = Flaky(10, clock)
    policy = RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(2))
    with pytest.raises(RetryError) as caught:
        retry_call(flaky, policy, clock=clock, what="connect")
    error = caught.value
    assert error.attempts == 3 and error.elapsed == 4 and len(flaky.calls) == 3
    assert error.__cause__ is error.last_error and str(error.last_error) == "refused #3"
    assert (
        str(error) == "connect failed after 3 attempts in 4 s: ConnectionRefusedError: refused #3"
    )


def test_reraise_gives_up_with_the_last_error_itself() -> None:
    flaky = Flaky(10)
    with pytest.raises(ConnectionRefusedError, match="refused #2"):
        retry_call(flaky, RetryPolicy(stop=stop_after_attempt(2)), sleep=[].append, reraise=True)


def test_an_error_the_predicate_refuses_propagates_unchanged_without_sleeping() -> None:
    clock, bug = FakeClock(), KeyError("id")
    flaky = Flaky(1, clock, bug)
    policy = RetryPolicy(retry=retry_if_exception_type(ConnectionError))
    with pytest.raises(KeyError) as caught:
        retry_call(flaky, policy, clock=clock)
    assert caught.value is bug and len(flaky.calls) == 1 and clock.sleeps == []


def test_a_plain_function_is_a_policy_and_jitter_is_seeded() -> None:
    def policy(s: RetryState) -> float | None:
        return None if s.attempt >= 4 else s.jitter

    def pauses(seed: int) -> list[float]:
        seen: list[float] = []
        with pytest.raises(RetryError):
            retry_call(Flaky(9), policy, sleep=seen.append, rng=random.Random(seed))
        return seen

    assert pauses(1) == pauses(1) != pauses(2)
    assert len(pauses(1)) == 3


def test_on_retry_sees_the_state_and_the_pause_before_each_sleep() -> None:
    clock, seen = FakeClock(), []
    retrying = Retrying(
        RetryPolicy(stop=stop_never(), wait=wait_fixed(0.5)),
        clock=clock,
        on_retry=lambda s, pause: seen.append((s.attempt, s.elapsed, type(s.error), pause)),
    )
    assert retrying(Flaky(2, clock), "an", "argument") == "ok"
    assert seen == [(1, 0, ConnectionRefusedError, 0.5), (2, 0.5, ConnectionRefusedError, 0.5)]


def test_only_exceptions_are_caught() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        retry_call(interrupted, RetryPolicy(stop=stop_never(), wait=wait_none()), sleep=[].append)


# --- the async loop ------------------------------------------------------------------------------


def test_aretry_call_awaits_and_sleeps_on_the_clock() -> None:
    clock = FakeClock()
    flaky = Flaky(2, clock, TimeoutError("slow"))

    async def call() -> str:
        return flaky()

    policy = RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(0.25))
    assert asyncio.run(aretry_call(call, policy, clock=clock)) == "ok"
    assert flaky.calls == [0, 0.25, 0.5]


def test_the_async_loop_takes_a_plain_or_an_async_sleep() -> None:
    plain: list[float] = []
    awaited: list[float] = []

    async def asleep(seconds: float) -> None:
        awaited.append(seconds)

    async def run(sleep) -> None:
        flaky = Flaky(9)

        async def call() -> str:
            return flaky()

        with pytest.raises(RetryError):
            await aretry_call(
                call, RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(1)), sleep=sleep
            )

    asyncio.run(run(plain.append))
    asyncio.run(run(asleep))
    assert plain == awaited == [1, 1]


def test_cancellation_is_never_retried() -> None:
    calls = []

    async def call() -> None:
        calls.append(1)
        raise asyncio.CancelledError

    policy = RetryPolicy(stop=stop_never(), wait=wait_none())
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(aretry_call(call, policy, clock=FakeClock()))
    assert calls == [1]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: stop_after_attempt(0), ValueError, "attempts must be an int >= 1, got 0"),
        (lambda: stop_after_attempt(2.5), TypeError, "attempts must be an int, got float"),
        (lambda: stop_after_delay(-1), ValueError, "seconds must be a finite number >= 0"),
        (lambda: wait_fixed(math.nan), ValueError, "seconds must be a finite number >= 0"),
        (lambda: wait_exponential(-1), ValueError, "initial must be a finite number >= 0"),
        (lambda: wait_exponential(1, base=0.5), ValueError, r"base must .* in \[1, 10\]"),
        (lambda: wait_exponential(1, maximum=0), ValueError, "maximum must be a finite number > 0"),
        (lambda: wait_full_jitter("1"), TypeError, "initial must be a number, got str"),
        (lambda: wait_random(3, 1), ValueError, "high must be a finite number >= 3"),
        (lambda: RetryPolicy(stop=3), TypeError, "stop must be a StopPolicy"),
        (lambda: RetryPolicy(wait=1.0), TypeError, "wait must be a WaitPolicy"),
        (lambda: RetryPolicy(retry="yes"), TypeError, "retry must be callable"),
        (lambda: retry_if_exception_type(), TypeError, "types must be one or more exception"),
        (lambda: retry_if_exception_type(int), TypeError, "types must be one or more exception"),
        (lambda: stop_after_attempt(2) | 3, TypeError, "unsupported operand"),
        (lambda: wait_fixed(1) + 2, TypeError, "unsupported operand"),
        (lambda: RetryState(0), ValueError, "attempt must be an int >= 1"),
        (lambda: RetryState(1, jitter=1.0), ValueError, r"jitter must .* in \[0, 1\)"),
        (lambda: RetryState(1, elapsed=-2), ValueError, "elapsed must be a finite number >= 0"),
        (lambda: Retrying("3 times"), TypeError, "policy must be callable"),
        (lambda: Retrying(RetryPolicy(), clock=3), TypeError, "clock must be a Clock"),
        (lambda: Retrying(RetryPolicy(), sleep=3), TypeError, "sleep must be callable"),
        (lambda: Retrying(RetryPolicy(), rng=7), TypeError, "rng must be a random.Random"),
        (lambda: Retrying(RetryPolicy(), record=()), TypeError, "record must be a list"),
        (lambda: Retrying(RetryPolicy(), on_retry=1), TypeError, "on_retry must be callable"),
        (lambda: Retrying(RetryPolicy(), what=None), TypeError, "what must be a str"),
        (lambda: Retrying(RetryPolicy(), reraise=1), TypeError, "reraise must be a bool"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_allowed_range(build, error, message) -> None:
    with pytest.raises(error, match=message):
        build()


def test_the_core_stands_on_the_ground_floor() -> None:
    code = "import sys, tarento_lib.retry; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    ours = {name for name in loaded if name.startswith("tarento_lib.")}
    assert ours == {
        "tarento_lib._validate",
        "tarento_lib.clock",
        "tarento_lib.retry",
        "tarento_lib.retry.loops",
        "tarento_lib.retry.policies",
    }
    assert not {"sqlalchemy", "numpy", "matplotlib"} & {name.split(".")[0] for name in loaded}
