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
from tarento_lib.grading import Case, CaseFailure, Steps, Suite, approx, between, is_number, rule
from tarento_lib.grading.values import show, strict_equal
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
    steps.note(f"policy({shown}) -> {show(result)}")
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise CaseFailure(
            "the policy must return a number, not a coroutine: it decides, the loop sleeps"
        )
    return result


@rule("each wait must be a number of seconds, twice the one before (same jitter)")
def _doubling(waits: Any) -> bool:
    return all(is_number(w) and w > 0 for w in waits) and all(
        round(after / before, 6) == 2.0 for before, after in itertools.pairwise(waits)
    )


@rule(f"attempt 5 must wait no more than attempt 4: the ceiling reached {CAP:g} s and stays")
def _capped_pair(pair: Any) -> bool:
    fourth, fifth = pair
    return is_number(fourth) and is_number(fifth) and fifth <= CAP and abs(fifth - fourth) < 1e-9


@rule("a retry needs a number of seconds")
def _retried(wait: Any) -> bool:
    return is_number(wait)


@rule("the same state must give the same answer (no hidden counters or randomness)")
def _same_twice(pair: Any) -> bool:
    return strict_equal(pair[0], pair[1])


@rule(f"every wait must be within [0, {CAP:g}] s")
def _waits_in_range(waits: Any) -> bool:
    return all(is_number(w) and 0 <= w <= CAP for w in waits)


def _returns_seconds(policy: Any, steps: Steps) -> None:
    steps.expect(
        _ask(policy, steps, 1),
        "the wait after the first failure",
        between(0, 1, "a number of seconds within [0, 1]"),
    )


def _doubles(policy: Any, steps: Steps) -> None:
    waits = [_ask(policy, steps, attempt, jitter=0.5) for attempt in (1, 2, 3, 4)]
    steps.expect(waits, "the waits after attempts 1-4 at jitter 0.5", _doubling)


def _capped(policy: Any, steps: Steps) -> None:
    pair = [_ask(policy, steps, 4, jitter=0.999), _ask(policy, steps, 5, jitter=0.999)]
    steps.expect(pair, "the waits after attempts 4 and 5 at jitter 0.999", _capped_pair)


def _full_jitter(policy: Any, steps: Steps) -> None:
    for jitter in (0.0, 0.1, 0.9):
        got = _ask(policy, steps, 3, jitter=jitter)
        steps.expect(got, f"the wait after attempt 3 at jitter {jitter}", approx())


def _attempt_limit(policy: Any, steps: Steps) -> None:
    steps.expect(
        _ask(policy, steps, MAX_ATTEMPTS - 1),
        f"attempt {MAX_ATTEMPTS - 1} failed: one try is left",
        _retried,
    )
    for attempt in (MAX_ATTEMPTS, MAX_ATTEMPTS + 1):
        steps.expect(_ask(policy, steps, attempt), f"after {attempt} attempts the policy gives up")


def _deadline(policy: Any, steps: Steps) -> None:
    steps.expect(
        _ask(policy, steps, 2, elapsed=DEADLINE - 0.1), "29.9 s in: still time to retry", _retried
    )
    steps.expect(_ask(policy, steps, 2, elapsed=DEADLINE), f"{DEADLINE:g} s have passed: give up")


def _no_bugs_retried(policy: Any, steps: Steps) -> None:
    for error in (
        ValueError("user not found"),
        KeyError("id"),
        ZeroDivisionError("division by zero"),
    ):
        steps.expect(
            _ask(policy, steps, 1, error=error),
            f"{type(error).__name__} is a bug, not an outage: do not retry",
        )
    steps.expect(
        _ask(policy, steps, 1, error=TimeoutError("timed out")),
        "a timeout is worth a retry",
        _retried,
    )


def _no_overflow(policy: Any, steps: Steps) -> None:
    steps.expect(
        _ask(policy, steps, 10_000), "attempt 10000: give up (and never compute 2.0 ** 9999)"
    )


def _pure(policy: Any, steps: Steps) -> None:
    pair = [_ask(policy, steps, 3, jitter=0.3), _ask(policy, steps, 3, jitter=0.3)]
    steps.expect(pair, "the same state asked twice", _same_twice)


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
    steps.expect(len(record), "attempts made before giving up")
    waits = [a.wait for a in record if isinstance(a, Attempt) and a.wait is not None]
    steps.expect(waits, "the waits retry_call slept", _waits_in_range)


CASES = (
    Case(
        "returns a number of seconds",
        _returns_seconds,
        "Return a number: state.jitter * min(8, 2 ** (state.attempt - 1)).",
    ),
    Case(
        "each wait doubles the one before",
        _doubles,
        "The ceiling starts at 1 s and doubles: 1, 2, 4, 8 ...",
    ),
    Case(
        "the wait is capped at 8 seconds",
        _capped,
        "Take min(8, ...) before multiplying by the jitter.",
    ),
    Case(
        "full jitter scales the whole wait",
        _full_jitter,
        "Full jitter multiplies the whole ceiling by state.jitter (0 gives 0).",
    ),
    Case("gives up after 6 attempts", _attempt_limit, "Return None when state.attempt >= 6."),
    Case("gives up after 30 seconds", _deadline, "Return None when state.elapsed >= 30."),
    Case(
        "retries only connection errors",
        _no_bugs_retried,
        "isinstance(state.error, (ConnectionError, TimeoutError)); anything else returns None.",
    ),
    Case(
        "no overflow on a huge attempt number",
        _no_overflow,
        "Check the stop conditions before computing the wait.",
    ),
    Case(
        "a pure function of the state",
        _pure,
        "Use only the state: no counters, no random module, no clock.",
    ),
    Case(
        "drives the retry loop",
        _drives_the_loop,
        "retry_call asks your policy after every failure.",
    ),
)

SUITES = {
    "retry": Suite(
        "retry",
        "Retry policy: exponential backoff, full jitter, bounded",
        CASES,
        kind="function",
        reference=lambda: reference_policy,
    )
}
