"""Grader suites for the exercises: ``check(MyLimiter, "sliding_window")`` / ``"token_bucket"``.

The contract a candidate class follows (``SlidingLog`` and ``TokenBucket`` of this package do):

* sliding window: ``cls(limit, window, clock=clock)``; ``allow(key) -> bool`` admits and records
  one request (a denied one is not recorded); ``retry_after(key) -> float`` is the number of
  seconds until the next request would be allowed (0 if it would be now).
* token bucket: ``cls(capacity, rate, clock=clock)``; ``allow(key, cost=1) -> bool``;
  ``retry_after(key, cost=1) -> float``; ``wait(key, cost=1, timeout=None) -> bool`` sleeps on
  ``clock.sleep``. Bad arguments raise ``ValueError``.

Time comes only from the ``clock`` given (a :class:`FakeClock` here), never from ``time``.

``INTERVIEWS`` turns each suite into a mock interview: its cases in stages, then the follow-ups
(Retry-After, idle memory or waiting, 8 threads, several servers on one Redis), whose cases are
in :mod:`tarento_lib.ratelimit.followups`.
"""

from __future__ import annotations

import math
from typing import Any

from tarento_lib.clock import FakeClock
from tarento_lib.grading import Case, Steps, Suite, approx, between
from tarento_lib.interview.plan import Interview, Probe, Stage
from tarento_lib.ratelimit.followups import (
    SW_IDLE_RELEASED,
    SW_RETRY_OLDEST,
    SW_THREADS,
    SWR_DENIED,
    SWR_EXPIRES,
    SWR_SAME_INSTANT,
    SWR_SHARED,
    TB_COST_RANGE,
    TB_RETRY_ENOUGH,
    TB_THREADS,
    TB_WAIT_BAD_TIMEOUT,
    TBR_COST,
    TBR_EXPIRES,
    TBR_SHARED,
    shared_sliding_log,
    shared_token_bucket,
    sliding_window_probe,
    token_bucket_probe,
)

__all__ = ["INTERVIEWS", "SUITES"]


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


SW_ADMITS = Case(
    "admits up to the limit, then refuses",
    _sw_admits_up_to_limit,
    "Count the requests of the key still inside the window.",
)
SW_SLIDES = Case(
    "the window slides with time",
    _sw_window_slides,
    "Drop timestamps older than now - window before counting.",
)
SW_NO_BOUNDARY_BURST = Case(
    "no burst across a window boundary",
    _sw_no_boundary_burst,
    "A fixed window resets at the boundary; a sliding one does not.",
)
SW_DENIED_NOT_RECORDED = Case(
    "a denied request is not recorded",
    _sw_denied_not_recorded,
    "Record a request only when you admit it.",
)
SW_SAME_INSTANT = Case(
    "requests at the same instant each count",
    _sw_same_instant,
    "Two requests at the same time are two requests (no set keyed by time).",
)
SW_KEYS = Case("each key has its own limit", _sw_keys_independent, "Keep one log per key.")
SW_RETRY_ZERO = Case(
    "retry_after is 0 under the limit",
    _sw_retry_after_zero_when_allowed,
    "Under the limit the wait is 0.",
)
SW_RETRY_HONEST = Case(
    "retry_after is never too short",
    _sw_retry_after_honest,
    "oldest + window - now, never truncated down.",
)
SW_BAD_CONFIG = Case(
    "a bad limit or window is refused",
    _sw_rejects_bad_config,
    "limit >= 1 and a finite window > 0, else ValueError.",
)

SLIDING_WINDOW = Suite(
    "sliding_window",
    "Sliding window rate limiter (question 2)",
    (
        SW_ADMITS,
        SW_SLIDES,
        SW_NO_BOUNDARY_BURST,
        SW_DENIED_NOT_RECORDED,
        SW_SAME_INSTANT,
        SW_KEYS,
        SW_RETRY_ZERO,
        SW_RETRY_HONEST,
        SW_BAD_CONFIG,
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


TB_BURST = Case("a full bucket takes a burst", _tb_burst, "Start full; each request takes a token.")
TB_REFILLS = Case(
    "tokens refill at the rate", _tb_refills, "tokens += elapsed * rate before deciding."
)
TB_CAPPED = Case(
    "tokens never exceed the capacity",
    _tb_capped,
    "min(capacity, tokens + elapsed * rate).",
)
TB_COST = Case(
    "a request costs its cost, and a denied one takes nothing",
    _tb_cost,
    "Only subtract when there are enough tokens.",
)
TB_COST_OVER_CAPACITY = Case(
    "a cost above the capacity is refused",
    _tb_cost_over_capacity,
    "A cost above capacity can never pass: ValueError, not a wait.",
)
TB_WAIT_ON_CLOCK = Case(
    "wait sleeps on the clock it was given",
    _tb_wait_on_clock,
    "Sleep (clock.sleep) for (cost - tokens) / rate, then take.",
)
TB_WAIT_TIMEOUT_ZERO = Case(
    "wait with timeout 0 tries once",
    _tb_wait_timeout_zero,
    "`if timeout and ...` treats 0 as 'no timeout'; test `is not None`.",
)
TB_WAIT_TIMES_OUT = Case(
    "wait gives up at its timeout",
    _tb_wait_times_out,
    "Give up when the wait needed is longer than the time left.",
)
TB_RETRY_AFTER = Case(
    "retry_after says how long to wait",
    _tb_retry_after,
    "(cost - tokens) / rate, and 0 when enough tokens.",
)
TB_KEYS = Case("each key has its own bucket", _tb_keys_independent, "One bucket per key.")
TB_BAD_CONFIG = Case(
    "a bad capacity or rate is refused",
    _tb_rejects_bad_config,
    "capacity >= 1 and a finite rate > 0, else ValueError.",
)

TOKEN_BUCKET = Suite(
    "token_bucket",
    "Token bucket (question 5)",
    (
        TB_BURST,
        TB_REFILLS,
        TB_CAPPED,
        TB_COST,
        TB_COST_OVER_CAPACITY,
        TB_WAIT_ON_CLOCK,
        TB_WAIT_TIMEOUT_ZERO,
        TB_WAIT_TIMES_OUT,
        TB_RETRY_AFTER,
        TB_KEYS,
        TB_BAD_CONFIG,
    ),
    reference=_reference_token_bucket,
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (SLIDING_WINDOW, TOKEN_BUCKET)}

# The mock interviews: the core question, then the follow-ups in the order they come (their
# cases are in tarento_lib.ratelimit.followups).

_SW_STUB = '''"""Q2 · Sliding-window rate limiter. Stage 1: `limit` requests per key per window."""

__all__ = ["SlidingWindowLimiter"]  # the class the grader loads; helpers may sit beside it


class SlidingWindowLimiter:
    def __init__(self, limit: int, window: float, *, clock=None) -> None:
        raise NotImplementedError

    def allow(self, key: str) -> bool:
        raise NotImplementedError
'''

SLIDING_WINDOW_INTERVIEW = Interview(
    number="q02",
    brief=(
        "Write a rate limiter that lets each client make at most `limit` requests in any "
        "`window` seconds: a sliding window, counted back from now, not calendar minutes."
    ),
    clarifications=(
        "A key is a string you are given (a user id, an API key, an IP); each key has its "
        "own limit.",
        "A refused request is not counted: a client that keeps retrying gets in once its old "
        "requests have aged out.",
        "Time comes only from the clock you are given: clock.now() in seconds (a FakeClock in "
        "the tests); without one, time.monotonic.",
        "limit is an int >= 1 and window a finite number of seconds > 0; anything else raises "
        "ValueError.",
        "One process for now.",
    ),
    stub=_SW_STUB,
    stages=(
        Stage(
            "at most limit requests in any window",
            "Write SlidingWindowLimiter(limit, window, *, clock=None) with allow(key) -> bool: "
            "True admits and records the request, False refuses it and records nothing. A bad "
            "limit or window raises ValueError.",
            (
                SW_ADMITS,
                SW_SLIDES,
                SW_NO_BOUNDARY_BURST,
                SW_DENIED_NOT_RECORDED,
                SW_SAME_INSTANT,
                SW_KEYS,
                SW_BAD_CONFIG,
            ),
            (
                "Keep, per key, the times of the requests you admitted; one counts while it is "
                "less than window seconds old.",
                "A collections.deque per key: pop the times <= now - window off the left, then "
                "compare its length with limit.",
                "Append now only when you admit. Check limit and window in __init__ "
                "(math.isfinite for the window).",
            ),
            12,
            "The interview answer",
        ),
        Stage(
            "tell a refused client when to come back",
            "A refused client gets HTTP 429 with Retry-After. Add retry_after(key) -> float: "
            "seconds until this key's next request would be admitted, 0.0 if it would be now. "
            "Asking records nothing.",
            (SW_RETRY_ZERO, SW_RETRY_HONEST, SW_RETRY_OLDEST),
            (
                "Under the limit the answer is 0.0, whatever is in the log.",
                "When full, the oldest request in the window frees its slot at oldest + window.",
                "Never round down: int() turns 0.7 s into 0 and the client hammers you.",
            ),
            4,
            "In front of FastAPI, without a thread",
        ),
        Stage(
            "idle clients do not hold memory",
            "Millions of clients send one request and never come back. Once a client has been "
            "idle for a whole window its state must go, even if it never calls again.",
            (SW_IDLE_RELEASED,),
            (
                "Pruning a key's log when it next calls is not enough: an idle client never "
                "calls. And an empty deque still takes most of a kilobyte.",
                "Every window or so, sweep the dict: drop the keys whose newest time is "
                "<= now - window.",
                "Sweeping on a timer, not on every call, keeps allow O(1) amortised.",
            ),
            5,
            "Cost, and a short run",
        ),
        Stage(
            "safe under 8 threads",
            "The limiter now sits in a threaded web server: 8 threads call allow at once. No "
            "key may get more than its limit, and nothing may raise.",
            (SW_THREADS,),
            (
                "Count, then record: two threads can both see room for one more. And your "
                "sweep walks the dict while other threads add keys.",
                "One threading.Lock; read the clock, prune, count, record and sweep inside "
                "'with self._lock:'.",
            ),
            4,
            "The interview answer",
        ),
        Stage(
            "several app servers share the limit",
            "We run four app servers. Add redis=None: SlidingWindowLimiter(limit, window, *, "
            "clock=None, redis=None). Given a redis-py client, keep each key's log in Redis so "
            "every server shares the limit: decide in one atomic step, pass clock.now() in as "
            "the time (in production the script reads Redis's TIME; here the tests move the "
            "clock), and let idle keys expire. Without redis, as before.",
            (SWR_SHARED, SWR_SAME_INSTANT, SWR_DENIED, SWR_EXPIRES),
            (
                "One sorted set per key, scored by time: ZREMRANGEBYSCORE drops what left the "
                "window, ZCARD counts, ZADD records.",
                "Count and add in one Lua script (client.register_script): with a pipeline two "
                "servers can both see room for the last slot.",
                "Make each member unique (uuid4().hex), or two requests at one instant count "
                "once; PEXPIRE the key for the window after ZADD.",
            ),
            8,
            "The Redis script",
        ),
    ),
    probe=Probe(
        what="one allow on a full window (one request leaves, one comes in) and one for "
        "another of as many clients",
        growth="O(1) amortised",
        sizes=(100, 5_000),
        prepare=sliding_window_probe,
        limit=8.0,
    ),
    reference=shared_sliding_log,
)


_TB_STUB = '''"""Q5 · Token bucket. Stage 1: a burst of `capacity`, then `rate` a second."""

__all__ = ["TokenBucket"]  # the class the grader loads; helpers may sit beside it


class TokenBucket:
    def __init__(self, capacity: int, rate: float, *, clock=None) -> None:
        raise NotImplementedError

    def allow(self, key: str, cost: int = 1) -> bool:
        raise NotImplementedError
'''

TOKEN_BUCKET_INTERVIEW = Interview(
    number="q05",
    brief=(
        "Implement a token bucket to throttle an API. Each client has a bucket of up to "
        "`capacity` tokens that refills at `rate` tokens a second; a request takes `cost` "
        "tokens or is refused. A burst of `capacity` passes, then `rate` a second."
    ),
    clarifications=(
        "A new client starts with a full bucket; a refused request takes nothing.",
        "Tokens refill continuously, fractions included, and never above capacity.",
        "Time comes only from the clock you are given: clock.now() and clock.sleep() (a "
        "FakeClock in the tests); without one, time.monotonic and time.sleep.",
        "capacity is an int >= 1 and rate a finite number of tokens a second > 0; anything "
        "else raises ValueError.",
        "One process for now.",
    ),
    stub=_TB_STUB,
    stages=(
        Stage(
            "a burst, then a steady rate",
            "Write TokenBucket(capacity, rate, *, clock=None) with allow(key, cost=1) -> bool: "
            "True takes cost tokens from the key's bucket, False takes nothing. A bad capacity "
            "or rate raises ValueError.",
            (TB_BURST, TB_REFILLS, TB_CAPPED, TB_COST, TB_KEYS, TB_BAD_CONFIG),
            (
                "No timer thread: store (tokens, time of the last update) per key and refill "
                "when the key is read.",
                "tokens = min(capacity, tokens + (now - last) * rate); a new key starts at "
                "capacity.",
                "If tokens >= cost, store (tokens - cost, now) and return True; otherwise "
                "return False and store nothing.",
            ),
            11,
            "The interview answer",
        ),
        Stage(
            "costs it can never pay, and when to come back",
            "What does allow('ana', cost=6) do with capacity 5? Raise ValueError for a cost "
            "outside 1..capacity. And add retry_after(key, cost=1) -> float: seconds until "
            "cost tokens are there, 0.0 if they are now; asking takes nothing.",
            (TB_COST_RANGE, TB_RETRY_AFTER, TB_RETRY_ENOUGH),
            (
                "A cost above capacity can never pass: refuse it at once, in allow and in "
                "retry_after.",
                "Refill to now, then wait (cost - tokens) / rate, never below 0.0.",
                "retry_after only reads: compute the refill, store nothing.",
            ),
            5,
            "What production adds",
        ),
        Stage(
            "wait, with a timeout",
            "Background workers would rather wait than be refused. Add wait(key, cost=1, "
            "timeout=None) -> bool: sleep with clock.sleep until cost tokens are taken (True), "
            "or return False when they cannot come within timeout seconds. None waits as long "
            "as it takes, 0 tries once; a negative timeout or a cost above capacity raises "
            "ValueError at once.",
            (
                TB_WAIT_ON_CLOCK,
                TB_WAIT_TIMEOUT_ZERO,
                TB_WAIT_TIMES_OUT,
                TB_COST_OVER_CAPACITY,
                TB_WAIT_BAD_TIMEOUT,
            ),
            (
                "Loop: try allow; when refused, sleep retry_after, not a fixed 0.1 s.",
                "Fix the deadline once, now + timeout. If now + the wait needed is past it, "
                "return False without sleeping.",
                "'if timeout and ...' treats 0 like None: test 'timeout is not None'.",
            ),
            7,
            "Waiting, on the injected clock",
        ),
        Stage(
            "safe under 8 threads",
            "8 threads of a web server share the buckets. No key may get more than its "
            "tokens, and nothing may raise.",
            (TB_THREADS,),
            (
                "Refill, check and take is read-modify-write: two threads read the same tokens "
                "and both take.",
                "One threading.Lock around refill, check and take (and any sweep); wait sleeps "
                "outside it.",
            ),
            4,
            "The interview answer",
        ),
        Stage(
            "several app servers share the buckets",
            "Add redis=None: TokenBucket(capacity, rate, *, clock=None, redis=None). Given a "
            "redis-py client, keep each bucket in Redis so every server shares it: decide in "
            "one atomic step, pass clock.now() in as the time, and let a key expire once its "
            "bucket would be full again (Redis's TIME in production; the clock here, so the "
            "tests can move it). retry_after and wait work on it too.",
            (TBR_SHARED, TBR_COST, TBR_EXPIRES),
            (
                "A hash per key: HMGET tokens and time, refill, compare, HSET, all in one Lua "
                "script (client.register_script), so two servers never take the last token.",
                "Have the script return the wait when it refuses: retry_after is then one "
                "round trip.",
                "PEXPIRE the key for ceil(capacity / rate * 1000) ms: a full bucket is the same "
                "as no key. A fixed hour wastes memory.",
            ),
            7,
            "On Redis",
        ),
    ),
    probe=Probe(
        what="one allow for one of as many clients, all their buckets in use",
        growth="O(1)",
        sizes=(100, 5_000),
        prepare=token_bucket_probe,
        limit=8.0,
    ),
    reference=shared_token_bucket,
)

INTERVIEWS = {"q02": SLIDING_WINDOW_INTERVIEW, "q05": TOKEN_BUCKET_INTERVIEW}
