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
import sys
import threading
import tracemalloc
from typing import Any

from tarento_lib.clock import FakeClock
from tarento_lib.grading import Case, Steps, Suite, approx, between
from tarento_lib.interview.plan import Interview, Probe, Stage

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


# The mock interviews: the core question, then the follow-ups in the order they come.


# --- follow-up cases shared by both questions -----------------------------------------------
def _in_rounds(limiter: Any, clock: FakeClock, gap: float, steps: Steps) -> None:
    """8 threads, 20 rounds, the clock moved ``gap`` (a full refresh) before each round.

    In a round every thread sends one request for each of 200 new clients and 100 for the key
    ``"shared"``, interleaved: the shared key is admitted exactly its allowance per round.
    """
    rounds, workers = 20, 8
    admitted, errors = [0] * rounds, []
    counted = threading.Lock()
    start = threading.Barrier(workers, action=lambda: clock.advance(gap))

    def work(me: int) -> None:
        try:
            for round_ in range(rounds):
                start.wait()
                mine = 0
                for n in range(200):
                    limiter.allow(f"client-{me}-{round_}-{n}")
                    if n % 2 == 0 and limiter.allow("shared"):
                        mine += 1
                with counted:
                    admitted[round_] += mine
        except threading.BrokenBarrierError:
            return  # another thread failed and said so
        except Exception as exc:  # collected and reported as the case's failure
            errors.append(f"{type(exc).__name__}: {exc}")
            start.abort()

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that a missing lock shows
    try:
        threads = [threading.Thread(target=work, args=(me,)) for me in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    steps.expect(errors[:1], "errors seen by the threads")
    steps.expect(admitted, "requests for 'shared' admitted in each of the 20 rounds")


Server = tuple[str, Any]  # an app server's name in the replay, and the candidate's instance


def _two_servers(
    cls: Any, first: float, second: float, steps: Steps
) -> tuple[FakeClock, tuple[Server, Server], Any]:
    """Two instances (two app servers, a and b) over one fake Redis server, on one clock."""
    import fakeredis

    server, clock = fakeredis.FakeServer(), FakeClock()
    a, b = (
        cls(first, second, clock=clock, redis=fakeredis.FakeRedis(server=server)) for _ in range(2)
    )
    steps.note(
        f"a, b = two app servers: {cls.__name__}({first!r}, {second!r}, clock=clock, "
        "redis=FakeRedis(server=server)), one Redis server"
    )
    return clock, (("a", a), ("b", b)), fakeredis.FakeRedis(server=server)


def _on(
    steps: Steps, server: Server, method: str, *args: Any, at: float | None = None, **kwargs: Any
) -> Any:
    """``steps.call`` on one server, its replay line saying which (and when, given ``at``)."""
    name, subject = server
    try:
        return steps.call(subject, method, *args, **kwargs)
    finally:
        when = "" if at is None else f"t={at:g}  "
        steps.lines[-1] = f"{when}{name}.{steps.lines[-1]}"


def _expiries(client: Any, fresh: float, steps: Steps) -> None:
    """Every key in Redis expires, within twice the ``fresh`` seconds after which it is fresh."""
    keys = list(client.scan_iter())
    steps.expect(bool(keys), "the limiter keeps its state in Redis (keys found there)")
    wrong = sorted(ttl for ttl in map(client.pttl, keys) if not 0 < ttl <= 2000 * fresh)
    steps.expect(
        wrong,
        f"expiries (ms) missing (-1) or longer than twice the {fresh:g} s after which a key's "
        "state is fresh again",
    )


# --- q02: follow-ups ------------------------------------------------------------------------
def _sw_retry_after_oldest(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(3, 10.0, clock=clock)
    _allowed_pattern(limiter, steps, clock, [0.0, 2.0, 4.0], key="ana")
    clock.set(5.0)
    steps.expect(steps.call(limiter, "retry_after", "ana"), "retry_after at t=5", approx())
    steps.expect(steps.call(limiter, "retry_after", "ana"), "asked again (asking takes no slot)")
    clock.set(10.0)
    steps.expect(steps.call(limiter, "allow", "ana"), "a request at t=10")
    steps.expect(steps.call(limiter, "retry_after", "ana"), "retry_after right after", approx())


def _sw_idle_keys_released(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    limiter = cls(5, 10.0, clock=clock)
    steps.note(
        f"limiter = {cls.__name__}(5, 10.0, clock=clock); 10 rounds, 20 s apart, "
        "of 2000 new clients sending one request each"
    )
    held = _memory_per_round(lambda r, n: limiter.allow(f"client-{r}-{n}"), clock, 20.0)
    steps.note(f"memory held after each round (KiB): {[round(b / 1024) for b in held]}")
    steps.expect(
        round(held[-1] / held[0], 1),
        "memory held after 10 rounds / after the first",
        between(0.0, 3.0, "memory must stay bounded by the clients active in one window"),
    )


def _memory_per_round(request: Any, clock: FakeClock, gap: float) -> list[int]:
    """Bytes allocated and still held after each of 10 rounds of 2000 one-off clients."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        base, held = tracemalloc.get_traced_memory()[0], []
        for round_ in range(10):
            for n in range(2000):
                request(round_, n)
            held.append(tracemalloc.get_traced_memory()[0] - base)
            clock.advance(gap)
    finally:
        if not tracing:
            tracemalloc.stop()
    return held


def _sw_threads(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    steps.note(f"limiter = {cls.__name__}(200, 1.0, clock=clock), shared by 8 threads")
    _in_rounds(cls(200, 1.0, clock=clock), clock, 1.0, steps)


def _swr_shared(cls: Any, steps: Steps) -> None:
    clock, servers, _ = _two_servers(cls, 3, 10.0, steps)
    admitted = []
    for i, t in enumerate([0.0, 1.0, 2.0, 3.0, 4.0, 11.0, 12.0, 13.0, 14.0]):
        clock.set(t)
        if _on(steps, servers[i % 2], "allow", "ana", at=t):
            admitted.append(t)
    steps.expect(admitted, "times admitted, the requests alternating between a and b")
    steps.expect(_on(steps, servers[1], "allow", "ben"), "another key, on b")


def _swr_same_instant(cls: Any, steps: Steps) -> None:
    clock, servers, _ = _two_servers(cls, 3, 10.0, steps)
    clock.set(100.0)
    got = sum(bool(_on(steps, servers[i % 2], "allow", "ana", at=100.0)) for i in range(6))
    steps.expect(got, "requests admitted out of 6 sent at one instant through a and b")


def _swr_denied_and_retry(cls: Any, steps: Steps) -> None:
    clock, servers, _ = _two_servers(cls, 2, 5.0, steps)
    admitted = []
    for t in range(12):
        clock.set(float(t))
        if _on(steps, servers[t % 2], "allow", "ana", at=t):
            admitted.append(t)
    steps.expect(admitted, "times admitted, one request a second alternating between a and b")
    clock.set(11.5)
    wait = _on(steps, servers[0], "retry_after", "ana", at=11.5)
    steps.expect(wait, "retry_after on a at t=11.5", approx())


def _swr_expires(cls: Any, steps: Steps) -> None:
    _, servers, client = _two_servers(cls, 3, 10.0, steps)
    for i, key in enumerate(["ana", "ben", "ana", "cyd", "ana", "ana"]):
        _on(steps, servers[i % 2], "allow", key)
    _expiries(client, 10.0, steps)


def _shared_class(name: str) -> type:
    """The library's strategy ``name``; given ``redis=`` a client, its state lives there."""
    from tarento_lib.ratelimit import STRATEGIES, RedisStore

    base: Any = STRATEGIES[name]

    def __init__(
        self: Any, first: Any, second: Any, *, clock: Any = None, redis: Any = None
    ) -> None:
        storage = None if redis is None else RedisStore(redis)
        base.__init__(self, first, second, clock=clock, storage=storage)

    namespace = {"__init__": __init__, "__doc__": _shared_class.__doc__, "__module__": __name__}
    return type(base.__name__, (base,), namespace)


def _reference_sliding_shared() -> type:
    return _shared_class("sliding_log")


SW_RETRY_OLDEST = Case(
    "retry_after waits for the oldest request in the window",
    _sw_retry_after_oldest,
    "Full: the oldest time in the window + window - now. Reading must not record.",
)
SW_IDLE_RELEASED = Case(
    "idle clients do not hold memory",
    _sw_idle_keys_released,
    "Drop keys whose newest request left the window, even if they never call again.",
)
SW_THREADS = Case(
    "8 threads never get more than the limit",
    _sw_threads,
    "One threading.Lock around clock, prune, count, record and sweep.",
)
SWR_SHARED = Case(
    "two servers share one limit", _swr_shared, "Keep each key's log in Redis, not in the process."
)
SWR_SAME_INSTANT = Case(
    "requests at one instant on two servers each count",
    _swr_same_instant,
    "A sorted-set member unique to each request (uuid4), not the time.",
)
SWR_DENIED = Case(
    "on Redis a refused request is not recorded, and retry_after is shared",
    _swr_denied_and_retry,
    "Check and add in one Lua script; add only when admitting.",
)
SWR_EXPIRES = Case(
    "keys in Redis expire with the window",
    _swr_expires,
    "PEXPIRE the key for the window after each ZADD.",
)


def _sw_probe(cls: Any, size: int) -> Any:
    """A full log: ``size`` requests ``TICK`` apart in a window of ``size`` ticks, beside ``size``
    other clients with a request each in that window."""
    clock = FakeClock()
    limiter = cls(size, size * TICK, clock=clock)
    for t in range(size):
        clock.set(t * TICK)
        limiter.allow("k")
        limiter.allow(f"client-{t}")

    def operation(i: int) -> None:
        clock.set((size + i) * TICK)  # the request of tick i leaves the window, exactly
        limiter.allow("k")

    return operation


TICK = 2**-10  # about a millisecond, and a binary fraction: times and windows add up exactly


_SW_STUB = '''"""Q2 · Sliding-window rate limiter. Stage 1: `limit` requests per key per window."""


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
            "the time, and let idle keys expire. Without redis, as before.",
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
        what="one allow on a full window (one request leaves, one comes in), beside as many "
        "other clients",
        growth="O(1) amortised",
        sizes=(100, 20_000),
        prepare=_sw_probe,
        limit=8.0,
    ),
    reference=_reference_sliding_shared,
)


# --- q05: follow-ups ------------------------------------------------------------------------
def _tb_cost_range(cls: Any, steps: Steps) -> None:
    bucket = cls(5, 1.0, clock=FakeClock())
    for bad in (0, -1, 6):
        steps.expect_raises(
            ValueError,
            lambda bad=bad: bucket.allow("ana", cost=bad),
            f"allow('ana', cost={bad}) with capacity 5",
        )
    steps.expect_raises(
        ValueError,
        lambda: bucket.retry_after("ana", cost=6),
        "retry_after('ana', cost=6) with capacity 5",
    )
    steps.expect(steps.call(bucket, "allow", "ana", cost=5), "cost 5: the whole bucket")


def _tb_retry_after_enough(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    bucket = cls(3, 0.5, clock=clock)
    steps.call(bucket, "allow", "ana", cost=3)
    clock.advance(0.5)
    steps.note("clock.advance(0.5)")
    wait = steps.call(bucket, "retry_after", "ana", cost=2)
    steps.expect(wait, "retry_after('ana', cost=2), 0.5 s after emptying", approx())
    steps.expect(
        steps.call(bucket, "retry_after", "ana", cost=2), "asked again (asking takes nothing)"
    )
    clock.advance(wait)
    steps.note(f"clock.advance({wait!r})")
    steps.expect(steps.call(bucket, "allow", "ana", cost=2), "cost 2 after waiting that long")


def _tb_wait_bad_timeout(cls: Any, steps: Steps) -> None:
    bucket = cls(2, 1.0, clock=FakeClock())
    steps.expect_raises(
        ValueError, lambda: bucket.wait("ana", timeout=-1.0), "wait('ana', timeout=-1.0)"
    )


def _tb_threads(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    steps.note(f"bucket = {cls.__name__}(200, 200.0, clock=clock), shared by 8 threads")
    _in_rounds(cls(200, 200.0, clock=clock), clock, 1.0, steps)


def _tbr_shared(cls: Any, steps: Steps) -> None:
    clock, servers, _ = _two_servers(cls, 4, 1.0, steps)
    got = [_on(steps, servers[i % 2], "allow", "ana", at=0) for i in range(6)]
    steps.expect(got, "6 requests at t=0, alternating between a and b (capacity 4)")
    clock.set(2.0)
    got = [_on(steps, servers[1 - i % 2], "allow", "ana", at=2) for i in range(3)]
    steps.expect(got, "3 requests at t=2, alternating between b and a")
    steps.expect(_on(steps, servers[1], "allow", "ben", at=2), "another key, on b")


def _tbr_cost_and_retry(cls: Any, steps: Steps) -> None:
    clock, (a, b), _ = _two_servers(cls, 4, 2.0, steps)
    _on(steps, a, "allow", "ana", cost=3)
    steps.expect(_on(steps, b, "retry_after", "ana", cost=3), "retry_after(cost=3) on b", approx())
    steps.expect(_on(steps, b, "allow", "ana", cost=3), "allow(cost=3) on b")
    steps.expect(_on(steps, b, "allow", "ana"), "allow() on b")
    steps.expect(_on(steps, a, "allow", "ana"), "allow() on a")
    steps.expect(_on(steps, b, "wait", "ana", cost=2, timeout=5.0), "wait(cost=2) on b")
    steps.expect(clock.now(), "seconds the wait took on the clock", approx())


def _tbr_expires(cls: Any, steps: Steps) -> None:
    _, servers, client = _two_servers(cls, 4, 1.0, steps)
    for i, key in enumerate(["ana", "ben", "ana", "cyd", "ana", "ana"]):
        _on(steps, servers[i % 2], "allow", key)
    _expiries(client, 4.0, steps)


def _reference_bucket_shared() -> type:
    return _shared_class("token_bucket")


def _tb_probe(cls: Any, size: int) -> Any:
    """A bucket per client for ``size`` clients; requests go round them as time passes."""
    clock = FakeClock()
    bucket = cls(10, 1.0, clock=clock)
    keys = [f"client-{n}" for n in range(size)]
    for key in keys:
        bucket.allow(key)

    def operation(i: int) -> None:
        clock.set(i / 1000)  # slow enough that buckets stay in use, fast enough to sweep
        bucket.allow(keys[(i * 7919) % size])

    return operation


TB_COST_RANGE = Case(
    "a cost outside 1..capacity is refused",
    _tb_cost_range,
    "Check cost first: an int from 1 to capacity, else ValueError.",
)
TB_RETRY_ENOUGH = Case(
    "waiting retry_after is enough, and asking takes nothing",
    _tb_retry_after_enough,
    "Refill to now, then (cost - tokens) / rate; store nothing.",
)
TB_WAIT_BAD_TIMEOUT = Case(
    "a negative timeout is refused", _tb_wait_bad_timeout, "Check timeout before trying."
)
TB_THREADS = Case(
    "8 threads never take more than the tokens",
    _tb_threads,
    "One threading.Lock around refill, check and take.",
)
TBR_SHARED = Case(
    "two servers share one bucket", _tbr_shared, "Keep each bucket in Redis, not in the process."
)
TBR_COST = Case(
    "on Redis, costs, retry_after and wait work across servers",
    _tbr_cost_and_retry,
    "Refill, check and take in one Lua script; return the wait when refused.",
)
TBR_EXPIRES = Case(
    "keys in Redis expire once their bucket would be full",
    _tbr_expires,
    "PEXPIRE the key for capacity / rate seconds after each write.",
)

_TB_STUB = '''"""Q5 · Token bucket. Stage 1: a burst of `capacity`, then `rate` a second."""


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
            "bucket would be full again. retry_after and wait work on it too.",
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
        what="one allow, the clients' buckets held in memory",
        growth="O(1)",
        sizes=(100, 20_000),
        prepare=_tb_probe,
        limit=8.0,
    ),
    reference=_reference_bucket_shared,
)

INTERVIEWS = {"q02": SLIDING_WINDOW_INTERVIEW, "q05": TOKEN_BUCKET_INTERVIEW}
