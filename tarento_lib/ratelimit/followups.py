"""The cases of the follow-up questions in the mock interviews of questions 2 and 5.

The interviews themselves (``INTERVIEWS`` in :mod:`tarento_lib.ratelimit.conformance`) put these
cases in stages, after the exercise suites' own. Like those, a case observes and never states an
answer: the grader runs it on the reference too. The references here are the library's
strategies with one more keyword, ``redis=``: given a redis-py client, their state lives there,
shared by every instance (every app server) that uses that Redis.
"""

from __future__ import annotations

import functools
import sys
import threading
import tracemalloc
from typing import Any

from tarento_lib.clock import FakeClock
from tarento_lib.grading import Case, Steps, approx, between

__all__ = [
    "SWR_DENIED",
    "SWR_EXPIRES",
    "SWR_SAME_INSTANT",
    "SWR_SHARED",
    "SW_IDLE_RELEASED",
    "SW_RETRY_OLDEST",
    "SW_THREADS",
    "TBR_COST",
    "TBR_EXPIRES",
    "TBR_SHARED",
    "TB_COST_RANGE",
    "TB_RETRY_ENOUGH",
    "TB_THREADS",
    "TB_WAIT_BAD_TIMEOUT",
    "TICK",
    "shared_sliding_log",
    "shared_token_bucket",
    "sliding_window_probe",
    "token_bucket_probe",
]


# --- shared by both questions ----------------------------------------------------------------
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
    a = cls(first, second, clock=clock, redis=fakeredis.FakeRedis(server=server))
    b = cls(first, second, clock=clock, redis=fakeredis.FakeRedis(server=server))
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
    for t in (0.0, 2.0, 4.0):
        clock.set(t)
        steps.call(limiter, "allow", "ana")
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
        round(max(held) / max(held[0], 1), 1),
        "the most memory held after a round / that after the first (a leak makes it 10)",
        between(0.0, 5.0, "memory must stay bounded by the clients active lately"),
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


@functools.cache
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


def shared_sliding_log() -> type:
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


def sliding_window_probe(cls: Any, size: int) -> Any:
    """Two allows: one on a key whose log is full (``size`` requests a tick apart, in a window
    of ``size`` ticks), one on the next of ``size`` other clients, each with a request in it.

    Each operation moves on one tick: the oldest request of the full key leaves its window and
    a new one comes in; the client's request of one window ago leaves, and it sends a new one.
    """
    clock = FakeClock()
    limiter = cls(size, size * TICK, clock=clock)
    clients = [f"client-{n}" for n in range(size)]
    for t, client in enumerate(clients):
        clock.set(t * TICK)
        limiter.allow("k")
        limiter.allow(client)

    def operation(i: int) -> None:
        clock.set((size + i) * TICK)
        limiter.allow("k")
        limiter.allow(clients[i % size])

    return operation


TICK = 2**-10  # about a millisecond, and a binary fraction: times and windows add up exactly


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


def shared_token_bucket() -> type:
    return _shared_class("token_bucket")


def token_bucket_probe(cls: Any, size: int) -> Any:
    """One allow, on one of ``size`` clients whose buckets are all in use.

    Buckets of 1000 tokens refilled at one token every 1024 s: no bucket is full again (the
    same as forgotten) while the probe runs, so all ``size`` stay in memory.
    """
    clock = FakeClock()
    bucket = cls(1000, TICK, clock=clock)
    clients = [f"client-{n}" for n in range(size)]
    for client in clients:
        bucket.allow(client)

    def operation(i: int) -> None:
        clock.set((i + 1) * TICK)
        bucket.allow(clients[(i * 7919) % size])

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
