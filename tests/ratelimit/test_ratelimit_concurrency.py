"""Many callers on one key never get more than the limit:
8 threads (memory), 4 processes (real Redis)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import MemoryStore, RedisStore, SlidingLog, TokenBucket
from tarento_lib.ratelimit.simulate import max_in_window
from tests.backends import REDIS_URL, needs_redis


class RecordingLog(SlidingLog):
    """Records the time of every admitted request, inside the store's lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admitted: list[float] = []

    def step(self, state: Any, now: float, cost: int, consume: bool):
        decision, new_state, ttl = super().step(state, now, cost, consume)
        if consume and decision.allowed:
            self.admitted.append(now)
        return decision, new_state, ttl


class RealTimeLog(SlidingLog):
    """Inside the store's lock: the time the decision used, the real time, and the answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decisions: list[tuple[float, float, bool]] = []

    def step(self, state: Any, now: float, cost: int, consume: bool) -> Any:
        decision, new_state, ttl = super().step(state, now, cost, consume)
        self.decisions.append((now, time.monotonic(), decision.allowed))
        return decision, new_state, ttl


def _threads(target: Any, n: int = 8) -> None:
    start = threading.Barrier(n)

    def run() -> None:
        start.wait()
        target()

    workers = [threading.Thread(target=run) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def test_eight_threads_sliding_log_memory() -> None:
    clock = FakeClock(0.0)
    limiter = RecordingLog(10, 1.0, storage=MemoryStore(), clock=clock)

    def hammer() -> None:
        for _ in range(500):
            clock.advance(0.001)
            limiter.hit("shared")

    _threads(hammer)
    assert limiter.admitted == sorted(limiter.admitted)
    assert max_in_window(limiter.admitted, 1.0) == 10
    assert len(limiter.admitted) >= 10 * 3  # 4 s of fake time: several windows were filled


def test_eight_threads_sliding_log_exact_in_real_time_memory() -> None:
    """The real clock is read inside the store's lock, so every decision sees the time it runs at.

    A time read before the lock goes stale while another thread decides: written into the log
    out of order, it lets one request too many into a real window (51-52 of 50 on every run).
    """
    limit, window = 30, 0.25
    limiter = RealTimeLog(limit, window, storage=MemoryStore())  # the default, real clock
    end = time.monotonic() + 4 * window

    def hammer() -> None:
        while time.monotonic() < end:
            limiter.hit("shared")

    _threads(hammer)
    decisions = limiter.decisions  # in the order the lock let them in
    stale = [i for i in range(1, len(decisions)) if decisions[i][0] < decisions[i - 1][1]]
    assert stale == []  # no decision used a time from before the previous one had finished
    admitted = [now for now, _, allowed in decisions if allowed]
    assert max_in_window(admitted, window) == limit
    assert len(admitted) >= 2 * limit  # entries left the window during the run


def _admitted_instants(
    limiter: SlidingLog, store: Any, seconds: float, threads: int
) -> tuple[int, Counter[float]]:
    """Hammer one key from ``threads`` threads; return the admissions and their server instants.

    Each admission's time is the newest entry of the log it wrote; every thread reads the log
    right after its own admission, so together they see every admitted instant (counted with
    the most copies any one log held: two admissions can share a microsecond).
    """
    key = limiter._prefix + "shared"
    seen: Counter[float] = Counter()
    seen_lock = threading.Lock()
    admissions = 0
    end = time.monotonic() + seconds

    def hammer() -> None:
        nonlocal admissions, seen
        while time.monotonic() < end:
            if limiter.hit("shared").allowed:
                logged = Counter(t for _, t in store.client.zrange(key, 0, -1, withscores=True))
                with seen_lock:
                    admissions += 1
                    seen |= logged

    _threads(hammer, threads)
    return admissions, seen


def test_eight_threads_sliding_log_exact_in_real_time_redis(
    redis_backend: str, prefix: str, make_store: Callable[..., Any]
) -> None:
    """Without a clock a Redis-backed limiter takes the server's ``TIME`` inside its script."""
    limit, window = 20, 0.5
    store = make_store(redis_backend)
    limiter = SlidingLog(limit, window, storage=store, prefix=prefix)
    admissions, seen = _admitted_instants(limiter, store, 3 * window, 8)
    instants = sorted(seen.elements())
    assert len(instants) == admissions >= 2 * limit
    assert max_in_window(instants, window) == limit


def _hammer_real_redis_log(prefix: str, limit: int, window: float, queue: Any) -> None:
    from tarento_lib.ratelimit import store_from_url

    store = store_from_url(REDIS_URL)  # the defaults: server TIME for a limiter without a clock
    limiter = SlidingLog(limit, window, storage=store, prefix=prefix)
    queue.put(_admitted_instants(limiter, store, 3 * window, 2))


@pytest.mark.redis
@needs_redis
def test_four_processes_two_threads_sliding_log_exact_in_real_time(prefix: str) -> None:
    """4 processes x 2 threads on a real Redis, default settings: no real window over the limit
    (with each process's own clock read before the round trip: 51 of 50)."""
    limit, window = 30, 0.5
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [
        context.Process(target=_hammer_real_redis_log, args=(prefix, limit, window, queue))
        for _ in range(4)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(p.exitcode == 0 for p in procs)
    seen: Counter[float] = Counter()
    for _, logged in results:
        seen |= logged
    instants = sorted(seen.elements())
    assert len(instants) == sum(admissions for admissions, _ in results) >= 2 * limit
    assert max_in_window(instants, window) == limit


def test_redis_store_reads_the_server_clock_unless_given_one(
    prefix: str, make_store: Callable[..., Any]
) -> None:
    import fakeredis

    sent: list[tuple[Any, ...]] = []

    class Recording(fakeredis.FakeRedis):
        def execute_command(self, *args: Any, **options: Any) -> Any:
            sent.append(args)
            return super().execute_command(*args, **options)

    store = RedisStore(Recording())
    default = SlidingLog(5, 1.0, storage=store, prefix=prefix)
    given = SlidingLog(5, 1.0, storage=store, clock=FakeClock(7.5), prefix=prefix)
    default.hit("u")
    given.hit("u")
    nows = [command[4] for command in sent if command[0] == "EVALSHA"][-2:]
    assert nows == ["", 7.5]  # '' asks the script for the server's TIME


def test_eight_threads_token_bucket_memory() -> None:
    bucket = TokenBucket(25, 1e-6, storage=MemoryStore(), clock=FakeClock(0.0))
    admitted: list[bool] = []

    def hammer() -> None:
        local = [bucket.hit("shared").allowed for _ in range(200)]
        admitted.extend(local)

    _threads(hammer)
    assert sum(admitted) == 25 and len(admitted) == 1600


def _hammer_redis(kind: str, prefix: str, rounds: int, queue: Any) -> None:
    import redis

    from tarento_lib.ratelimit import RedisStore

    store = RedisStore(redis.Redis.from_url(REDIS_URL), time_source="server")
    if kind == "log":
        limiter: Any = SlidingLog(50, 600.0, storage=store, prefix=prefix)
    else:
        limiter = TokenBucket(50, 1e-6, storage=store, prefix=prefix)
    queue.put(sum(limiter.hit("shared").allowed for _ in range(rounds)))


@pytest.mark.redis
@needs_redis
@pytest.mark.parametrize("kind", ["log", "bucket"])
def test_four_processes_real_redis(kind: str, prefix: str) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [
        context.Process(target=_hammer_redis, args=(kind, prefix, 100, queue)) for _ in range(4)
    ]
    for p in procs:
        p.start()
    totals = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(p.exitcode == 0 for p in procs)
    assert (
        sum(totals) == 50
    )  # one window (or no refill) for the whole run: exactly the limit, never more


def test_eight_threads_share_one_redis_store(redis_backend: str, prefix: str, make_store) -> None:
    """The client's own pool hands connections out one caller at a time: exactly the limit."""
    store = make_store(redis_backend)
    limiter = SlidingLog(40, 600.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    admitted: list[bool] = []

    def hammer() -> None:
        admitted.extend(limiter.hit("shared").allowed for _ in range(25))

    _threads(hammer)
    assert sum(admitted) == 40 and len(admitted) == 200
