"""The circuit breaker's three states and fault injection, on a FakeClock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock
from tarento_lib.db import BreakerState, CircuitBreaker, Faults, InjectedFault


def test_closed_until_the_threshold_then_open_then_half_open_after_the_cool_down() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(3, 10, clock=clock)
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.record_failure()
    assert (
        breaker.state is BreakerState.OPEN and not breaker.allow() and breaker.retry_after() == 10
    )
    clock.advance(9.5)
    assert not breaker.allow() and breaker.retry_after() == 0.5
    clock.advance(0.5)
    assert breaker.state is BreakerState.HALF_OPEN


def test_half_open_lets_one_trial_through_and_its_outcome_decides() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 5, clock=clock)
    breaker.record_failure()
    clock.advance(5)
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and breaker.retry_after() == 5
    clock.advance(5)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.failures == 0 and breaker.allow()


def test_a_success_resets_the_consecutive_failure_count() -> None:
    breaker = CircuitBreaker(2, 1, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


@given(st.lists(st.sampled_from(["fail", "ok", "tick"]), max_size=60))
def test_an_open_breaker_never_lets_an_attempt_through(ops: list[str]) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(2, 3, clock=clock)
    for op in ops:
        if op == "fail":
            breaker.record_failure()
        elif op == "ok":
            breaker.record_success()
        else:
            clock.advance(1)
        if breaker.state is BreakerState.OPEN:
            assert not breaker.allow()
        if breaker.state is BreakerState.CLOSED:
            assert breaker.allow()


def test_faults_with_a_seeded_probability_are_reproducible() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = Faults("replica1", clock=FakeClock(), seed=seed)
        faults.fail_with_probability(0.3)
        return [faults.reason() is not None for _ in range(200)]

    assert pattern(1) == pattern(1) != pattern(2)
    assert 30 <= sum(pattern(1)) <= 90


def test_faults_during_a_window_follow_the_clock() -> None:
    clock = FakeClock()
    faults = Faults("primary", clock=clock)
    faults.fail_between(5, 8)
    seen = []
    for _ in range(10):
        seen.append(faults.reason() is not None)
        clock.advance(1)
    assert seen == [False] * 5 + [True] * 3 + [False] * 2


def test_fail_next_down_and_clear() -> None:
    faults = Faults("primary", clock=FakeClock())
    faults.fail_next(2)
    with pytest.raises(InjectedFault, match="failing the next attempts"):
        faults.check()
    with pytest.raises(InjectedFault):
        faults.check()
    faults.check()
    faults.down()
    with pytest.raises(InjectedFault, match="injected fault on 'primary': node down") as caught:
        faults.check()
    assert isinstance(caught.value, ConnectionRefusedError) and faults.injected == 3
    faults.clear()
    faults.check()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CircuitBreaker(0), "failure_threshold must be an int >= 1, got 0"),
        (lambda: CircuitBreaker(1, -1), "reset_timeout must be a finite number >= 0"),
        (lambda: Faults(""), "node must be a non-blank str"),
        (
            lambda: Faults("p").fail_with_probability(1.5),
            r"probability must be a finite number in \[0, 1\], got 1.5",
        ),
        (lambda: Faults("p").fail_between(5, 5), "end must be a number > 5, got 5"),
        (lambda: Faults("p").fail_next(-1), "attempts must be an int >= 0"),
        (lambda: Faults("p").fail_for(0), "seconds must be a finite number > 0"),
    ],
)
def test_bad_arguments(build, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_the_breaker_counts_failures_from_many_threads_exactly() -> None:
    from concurrent.futures import ThreadPoolExecutor

    breaker = CircuitBreaker(10_000, 1, clock=FakeClock())
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: breaker.record_failure(), range(2_000)))
    assert breaker.failures == 2_000 and breaker.state is BreakerState.CLOSED
