"""The "retry" exercise: grade a retry policy, a function ``state -> seconds | None``.

The policy the reader writes (see the q07 notebook, "your turn"):

* retry only connection problems (``ConnectionError``, ``TimeoutError``); anything else: ``None``;
* give up after 6 attempts, or once 30 s have passed since the first one;
* otherwise wait ``state.jitter * min(8, 2 ** (state.attempt - 1))`` seconds: exponential backoff
  from 1 s, doubling, capped at 8 s, with full jitter.
"""

from __future__ import annotations

import inspect
import itertools
import random
from typing import Any

from tarento_lib.clock import FakeClock
from tarento_lib.lab.grading import Case, Steps, Suite
from tarento_lib.retry import (
    Attempt,
    RetryError,
    RetryPolicy,
    RetryState,
    retry_call,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_full_jitter,
)

__all__ = ["CAP", "DEADLINE", "MAX_ATTEMPTS", "SUITES", "reference_policy"]

MAX_ATTEMPTS, DEADLINE, CAP = 6, 30.0, 8.0

reference_policy = RetryPolicy(
    stop=stop_after_attempt(MAX_ATTEMPTS) | stop_after_delay(DEADLINE),
    wait=wait_full_jitter(initial=1.0, maximum=CAP),
    retry=retry_if_exception_type(ConnectionError, TimeoutError),
)


def _expected(attempt: int, jitter: float) -> float:
    return jitter * min(CAP, 2.0 ** (attempt - 1))


def _ask(
    policy: Any,
    steps: Steps,
    attempt: int,
    *,
    jitter: float = 0.5,
    elapsed: float = 0.0,
    error: BaseException | None = None,
) -> Any:
    error = error if error is not None else ConnectionRefusedError("connection refused")
    state = RetryState(attempt=attempt, elapsed=elapsed, error=error, jitter=jitter)
    shown = (
        f"attempt={attempt}, elapsed={elapsed:g}, error={type(error).__name__}, jitter={jitter:g}"
    )
    try:
        result = policy(state)
    except Exception as exc:
        steps.note(f"policy({shown}) raised {type(exc).__name__}: {exc}")
        raise
    steps.note(f"policy({shown}) -> {result!r}")
    if inspect.isawaitable(result):
        steps.expect_true(
            False, "the policy must return a number, not a coroutine: it decides, the loop sleeps"
        )
    return result


def _expect_seconds(steps: Steps, got: Any, expected: float, what: str) -> None:
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        steps.expect(got, round(expected, 6), what)
    steps.expect(round(float(got), 6), round(expected, 6), what)


def _returns_seconds(policy: Any, steps: Steps) -> None:
    got = _ask(policy, steps, 1)
    steps.expect(
        isinstance(got, (int, float)) and not isinstance(got, bool),
        True,
        "the wait is a number of seconds",
    )
    steps.expect_true(
        0 <= got <= 1, f"after the first failure the wait is within [0, 1] s, got {got!r}"
    )


def _doubles(policy: Any, steps: Steps) -> None:
    waits = [_ask(policy, steps, attempt, jitter=0.5) for attempt in (1, 2, 3, 4)]
    for before, after in itertools.pairwise(waits):
        steps.expect_true(
            before is not None and after is not None and before > 0,
            "attempts 1-4 must all be retried",
        )
        steps.expect(
            round(after / before, 6),
            2.0,
            f"each wait doubles the previous one (same jitter): {waits}",
        )


def _capped(policy: Any, steps: Steps) -> None:
    fourth, fifth = _ask(policy, steps, 4, jitter=0.999), _ask(policy, steps, 5, jitter=0.999)
    steps.expect_true(
        fifth is not None and fifth <= CAP,
        f"attempt 5: the wait must not exceed {CAP:g} s, got {fifth!r}",
    )
    steps.expect(fifth, fourth, "the ceiling reached 8 s at attempt 4 and stays there")


def _full_jitter(policy: Any, steps: Steps) -> None:
    _expect_seconds(
        steps,
        _ask(policy, steps, 3, jitter=0.0),
        0.0,
        "jitter 0 must give no wait at all (full jitter)",
    )
    for jitter in (0.1, 0.9):
        got = _ask(policy, steps, 3, jitter=jitter)
        _expect_seconds(steps, got, _expected(3, jitter), f"wait at jitter {jitter}")


def _attempt_limit(policy: Any, steps: Steps) -> None:
    steps.expect_true(
        _ask(policy, steps, MAX_ATTEMPTS - 1) is not None,
        f"attempt {MAX_ATTEMPTS - 1} failed: one try is left",
    )
    for attempt in (MAX_ATTEMPTS, MAX_ATTEMPTS + 1):
        steps.expect(
            _ask(policy, steps, attempt), None, f"after {attempt} attempts the policy must give up"
        )


def _deadline(policy: Any, steps: Steps) -> None:
    steps.expect_true(
        _ask(policy, steps, 2, elapsed=DEADLINE - 0.1) is not None, "29.9 s in: still time to retry"
    )
    steps.expect(
        _ask(policy, steps, 2, elapsed=DEADLINE), None, f"{DEADLINE:g} s have passed: give up"
    )


def _no_bugs_retried(policy: Any, steps: Steps) -> None:
    for error in (
        ValueError("user not found"),
        KeyError("id"),
        ZeroDivisionError("division by zero"),
    ):
        steps.expect(
            _ask(policy, steps, 1, error=error),
            None,
            f"{type(error).__name__} is a bug, not an outage: do not retry",
        )
    steps.expect_true(
        _ask(policy, steps, 1, error=TimeoutError("timed out")) is not None,
        "a timeout is worth a retry",
    )


def _no_overflow(policy: Any, steps: Steps) -> None:
    steps.expect(
        _ask(policy, steps, 10_000), None, "attempt 10000: give up (and never compute 2.0 ** 9999)"
    )


def _pure(policy: Any, steps: Steps) -> None:
    first, second = _ask(policy, steps, 3, jitter=0.3), _ask(policy, steps, 3, jitter=0.3)
    steps.expect(
        second, first, "the same state must give the same answer (no hidden counters or randomness)"
    )


def _drives_the_loop(policy: Any, steps: Steps) -> None:
    clock, record = FakeClock(), []

    def connect() -> str:
        clock.advance(0.01)
        raise ConnectionRefusedError("server down")

    steps.note("retry_call(connect, policy) against a server that stays down")
    steps.expect_raises(
        RetryError,
        lambda: retry_call(connect, policy, clock=clock, rng=random.Random(7), record=record),
        "retry_call with your policy",
    )
    steps.expect(len(record), MAX_ATTEMPTS, "attempts made before giving up")
    waits = [a.wait for a in record if isinstance(a, Attempt) and a.wait is not None]
    steps.expect_true(
        all(0 <= w <= CAP for w in waits), f"every wait within [0, {CAP:g}] s; got {waits}"
    )


CASES = (
    Case(
        "returns_seconds",
        _returns_seconds,
        "Return a number: state.jitter * min(8, 2 ** (state.attempt - 1)).",
    ),
    Case("doubles_each_attempt", _doubles, "The ceiling starts at 1 s and doubles: 1, 2, 4, 8 ..."),
    Case("capped_at_8_seconds", _capped, "Take min(8, ...) before multiplying by the jitter."),
    Case(
        "full_jitter",
        _full_jitter,
        "Full jitter multiplies the whole ceiling by state.jitter (0 gives 0).",
    ),
    Case("gives_up_after_6_attempts", _attempt_limit, "Return None when state.attempt >= 6."),
    Case("gives_up_after_30_seconds", _deadline, "Return None when state.elapsed >= 30."),
    Case(
        "retries_only_connection_errors",
        _no_bugs_retried,
        "isinstance(state.error, (ConnectionError, TimeoutError)); anything else returns None.",
    ),
    Case(
        "no_overflow_on_huge_attempts",
        _no_overflow,
        "Check the stop conditions before computing the wait.",
    ),
    Case(
        "pure_function_of_state",
        _pure,
        "Use only the state: no counters, no random module, no clock.",
    ),
    Case(
        "drives_the_retry_loop",
        _drives_the_loop,
        "retry_call asks your policy after every failure.",
    ),
)

SUITES = {
    "retry": Suite(
        "retry", "Retry policy: exponential backoff, full jitter, bounded", CASES, kind="function"
    )
}
