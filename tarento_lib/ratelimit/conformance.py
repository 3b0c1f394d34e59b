"""Grader suites for the exercises: ``check(MyLimiter, "sliding_window")`` / ``"token_bucket"``.

The contract a candidate class follows (``SlidingLog`` and ``TokenBucket`` of this package do):

* sliding window: ``cls(limit, window, clock=clock)``; ``allow(key) -> bool`` admits and records
  one request (a denied one is not recorded); ``retry_after(key) -> float`` is the number of
  seconds until the next request would be allowed (0 if it would be now).
* token bucket: ``cls(capacity, rate, clock=clock)``; ``allow(key, cost=1) -> bool``;
  ``retry_after(key, cost=1) -> float``; ``wait(key, cost=1, timeout=None) -> bool`` sleeps on
  ``clock.sleep``. Bad arguments raise ``ValueError``.

Time comes only from the ``clock`` given (a :class:`FakeClock` here), never from ``time``.
"""

from __future__ import annotations

import math
from typing import Any

from tarento_lib.clock import FakeClock
from tarento_lib.grading import Case, Steps, Suite, approx, between

__all__ = ["SUITES"]


def _allowed_pattern(
    limiter: Any, steps: Steps, clock: FakeClock, times: list[float], key: str = "k"
) -> list[float]:
    admitted = []
    for t in times:
        clock.set(t)
        if steps.call(limiter, "allow", key):
            admitted.append(t)
    return admitted


# --- sliding window -----------------------------------------------------------------------
def _sw_admits_up_to_limit(cls: Any, steps: Steps) -> None:
    limiter = cls(3, 10.0, clock=FakeClock())
    got = [steps.call(limiter, "allow", "ana") for _ in range(4)]
    steps.expect(got, "limit 3: four requests in the same instant")


def _sw_window_slides(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(3, 10.0, clock=clock)
    got = _allowed_pattern(limiter, steps, clock, [0, 4, 8, 9, 10, 11, 14])
    steps.expect(got, "times admitted (each request frees its slot 10 s after it)")


def _sw_no_boundary_burst(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(3, 10.0, clock=clock)
    got = _allowed_pattern(limiter, steps, clock, [9.0, 9.1, 9.2, 10.0, 10.1, 10.2])
    steps.expect(len(got), "requests admitted within 1.2 s around a 10 s boundary (limit 3)")


def _sw_denied_not_recorded(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(2, 5.0, clock=clock)
    got = _allowed_pattern(limiter, steps, clock, [float(t) for t in range(21)])
    steps.expect(got, "times admitted, one request per second, 2 per 5 s")


def _sw_same_instant(cls: Any, steps: Steps) -> None:
    limiter = cls(2, 5.0, clock=FakeClock(100.0))
    got = sum(bool(steps.call(limiter, "allow", "ana")) for _ in range(10))
    steps.expect(got, "requests admitted out of 10 sent at the very same instant")


def _sw_keys_independent(cls: Any, steps: Steps) -> None:
    limiter = cls(1, 10.0, clock=FakeClock())
    steps.call(limiter, "allow", "ana")
    steps.expect(steps.call(limiter, "allow", "ben"), "a different key has its own limit")
    steps.expect(steps.call(limiter, "allow", "ana"), "the first key is still limited")


def _sw_retry_after_zero_when_allowed(cls: Any, steps: Steps) -> None:
    limiter = cls(5, 10.0, clock=FakeClock())
    steps.call(limiter, "allow", "ana")
    steps.expect(
        steps.call(limiter, "retry_after", "ana"), "retry_after with 1 of 5 used", approx()
    )


def _sw_retry_after_honest(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(1, 10.0, clock=clock)
    clock.set(0.2)
    steps.call(limiter, "allow", "ana")
    clock.set(9.5)
    wait = steps.call(limiter, "retry_after", "ana")
    steps.expect(
        wait, "retry_after at t=9.5", between(0.7 - 1e-6, 1.0, "should be 0.7 (or rounded up to 1)")
    )
    clock.advance(wait)
    steps.expect(steps.call(limiter, "allow", "ana"), "a request after waiting retry_after")


def _bad_config(cls: Any, steps: Steps, args: list[tuple[Any, Any]]) -> None:
    for first, second in args:
        steps.expect_raises(
            ValueError,
            lambda first=first, second=second: cls(first, second, clock=FakeClock()),
            f"cls({first!r}, {second!r})",
        )


def _sw_rejects_bad_config(cls: Any, steps: Steps) -> None:
    _bad_config(
        cls, steps, [(0, 10.0), (-1, 10.0), (3, 0), (3, -1.0), (3, math.inf), (3, math.nan)]
    )


def _reference_sliding_window() -> type:
    from tarento_lib.ratelimit import SlidingLog

    return SlidingLog


SLIDING_WINDOW = Suite(
    "sliding_window",
    "Sliding window rate limiter (question 2)",
    (
        Case(
            "admits up to the limit, then refuses",
            _sw_admits_up_to_limit,
            "Count the requests of the key still inside the window.",
        ),
        Case(
            "the window slides with time",
            _sw_window_slides,
            "Drop timestamps older than now - window before counting.",
        ),
        Case(
            "no burst across a window boundary",
            _sw_no_boundary_burst,
            "A fixed window resets at the boundary; a sliding one does not.",
        ),
        Case(
            "a denied request is not recorded",
            _sw_denied_not_recorded,
            "Record a request only when you admit it.",
        ),
        Case(
            "requests at the same instant each count",
            _sw_same_instant,
            "Two requests at the same time are two requests (no set keyed by time).",
        ),
        Case("each key has its own limit", _sw_keys_independent, "Keep one log per key."),
        Case(
            "retry_after is 0 under the limit",
            _sw_retry_after_zero_when_allowed,
            "Under the limit the wait is 0.",
        ),
        Case(
            "retry_after is never too short",
            _sw_retry_after_honest,
            "oldest + window - now, never truncated down.",
        ),
        Case(
            "a bad limit or window is refused",
            _sw_rejects_bad_config,
            "limit >= 1 and a finite window > 0, else ValueError.",
        ),
    ),
    reference=_reference_sliding_window,
)


# --- token bucket -------------------------------------------------------------------------
def _tb_burst(cls: Any, steps: Steps) -> None:
    bucket = cls(5, 1.0, clock=FakeClock())
    got = [steps.call(bucket, "allow", "ana") for _ in range(6)]
    steps.expect(got, "a full bucket of 5 takes a burst of 5, then denies")


def _tb_refills(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(5, 2.0, clock=clock)
    for _ in range(5):
        steps.call(bucket, "allow", "ana")
    clock.advance(1.0)
    got = [steps.call(bucket, "allow", "ana") for _ in range(3)]
    steps.expect(got, "1 s at 2 tokens/s after draining: two requests pass")


def _tb_capped(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(3, 1.0, clock=clock)
    steps.call(bucket, "allow", "ana")
    clock.advance(1000.0)
    got = sum(bool(steps.call(bucket, "allow", "ana")) for _ in range(5))
    steps.expect(got, "requests admitted after a long idle time (capacity 3)")


def _tb_cost(cls: Any, steps: Steps) -> None:
    bucket = cls(5, 1.0, clock=FakeClock())
    steps.expect(steps.call(bucket, "allow", "ana", cost=3), "cost 3 from a full bucket of 5")
    steps.expect(steps.call(bucket, "allow", "ana", cost=3), "cost 3 with 2 tokens left")
    steps.expect(
        steps.call(bucket, "allow", "ana", cost=2),
        "cost 2 with 2 tokens left (the denied one took nothing)",
    )


def _tb_cost_over_capacity(cls: Any, steps: Steps) -> None:
    bucket = cls(5, 100.0, clock=FakeClock())
    steps.expect_raises(
        ValueError, lambda: bucket.allow("ana", cost=6), "allow('ana', cost=6) with capacity 5"
    )
    steps.expect_raises(
        ValueError,
        lambda: bucket.wait("ana", cost=6, timeout=None),
        "wait('ana', cost=6) with capacity 5",
    )


def _tb_wait_on_clock(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(2, 0.5, clock=clock)
    steps.call(bucket, "allow", "ana", cost=2)
    steps.expect(
        steps.call(bucket, "wait", "ana", cost=1, timeout=5.0),
        "wait for 1 token at 0.5/s with 5 s to spare",
    )
    steps.expect(clock.now(), "seconds the wait took on the clock", approx())


def _tb_wait_timeout_zero(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(3, 0.2, clock=clock)
    steps.call(bucket, "allow", "ana", cost=3)
    steps.expect(
        steps.call(bucket, "wait", "ana", cost=3, timeout=0), "timeout=0 on an empty bucket"
    )
    steps.expect(clock.now(), "clock time after a timeout=0 wait (it must not sleep)", approx())


def _tb_wait_times_out(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(3, 0.2, clock=clock)
    steps.call(bucket, "allow", "ana", cost=3)
    steps.expect(
        steps.call(bucket, "wait", "ana", cost=3, timeout=2.0),
        "3 tokens at 0.2/s need 15 s; timeout 2 s",
    )
    steps.expect(
        clock.now(),
        "the clock after the wait",
        between(0.0, 2.0 + 1e-6, "the wait must give up by its timeout of 2 s"),
    )


def _tb_retry_after(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(2, 4.0, clock=clock)
    steps.expect(steps.call(bucket, "retry_after", "ana"), "retry_after on a full bucket", approx())
    steps.call(bucket, "allow", "ana", cost=2)
    steps.expect(
        steps.call(bucket, "retry_after", "ana"),
        "retry_after on an empty bucket at 4 tokens/s",
        approx(),
    )


def _tb_keys_independent(cls: Any, steps: Steps) -> None:
    bucket = cls(1, 1.0, clock=FakeClock())
    steps.call(bucket, "allow", "ana")
    steps.expect(steps.call(bucket, "allow", "ben"), "a different key has its own bucket")


def _tb_rejects_bad_config(cls: Any, steps: Steps) -> None:
    _bad_config(
        cls, steps, [(0, 1.0), (-5, 1.0), (10, 0), (10, -1.0), (10, math.inf), (10, math.nan)]
    )


def _reference_token_bucket() -> type:
    from tarento_lib.ratelimit import TokenBucket

    return TokenBucket


TOKEN_BUCKET = Suite(
    "token_bucket",
    "Token bucket (question 5)",
    (
        Case("a full bucket takes a burst", _tb_burst, "Start full; each request takes a token."),
        Case("tokens refill at the rate", _tb_refills, "tokens += elapsed * rate before deciding."),
        Case(
            "tokens never exceed the capacity",
            _tb_capped,
            "min(capacity, tokens + elapsed * rate).",
        ),
        Case(
            "a request costs its cost, and a denied one takes nothing",
            _tb_cost,
            "Only subtract when there are enough tokens.",
        ),
        Case(
            "a cost above the capacity is refused",
            _tb_cost_over_capacity,
            "A cost above capacity can never pass: ValueError, not a wait.",
        ),
        Case(
            "wait sleeps on the clock it was given",
            _tb_wait_on_clock,
            "Sleep (clock.sleep) for (cost - tokens) / rate, then take.",
        ),
        Case(
            "wait with timeout 0 tries once",
            _tb_wait_timeout_zero,
            "`if timeout and ...` treats 0 as 'no timeout'; test `is not None`.",
        ),
        Case(
            "wait gives up at its timeout",
            _tb_wait_times_out,
            "Give up when the wait needed is longer than the time left.",
        ),
        Case(
            "retry_after says how long to wait",
            _tb_retry_after,
            "(cost - tokens) / rate, and 0 when enough tokens.",
        ),
        Case("each key has its own bucket", _tb_keys_independent, "One bucket per key."),
        Case(
            "a bad capacity or rate is refused",
            _tb_rejects_bad_config,
            "capacity >= 1 and a finite rate > 0, else ValueError.",
        ),
    ),
    reference=_reference_token_bucket,
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (SLIDING_WINDOW, TOKEN_BUCKET)}
