"""Many callers on one key never get more than the limit:
8 threads (memory), 4 processes (real Redis)."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.config import settings
from tarento_lib.ratelimit import MemoryStore, SlidingLog, TokenBucket
from tarento_lib.ratelimit.simulate import max_in_window

REDIS_URL = settings().redis_url


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
@pytest.mark.skipif(not REDIS_URL, reason="TARENTO_REDIS_URL not set")
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
    """The store's idle connections are handed out one
    caller at a time: 8 threads, exactly the limit."""
    store = make_store(redis_backend)
    limiter = SlidingLog(40, 600.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    admitted: list[bool] = []

    def hammer() -> None:
        admitted.extend(limiter.hit("shared").allowed for _ in range(25))

    _threads(hammer)
    assert sum(admitted) == 40 and len(admitted) == 200
    assert (
        1 <= len(store._idle) <= 8
    )  # at most one connection per concurrent caller, all back and idle


def _child_connection_is_new(store: Any, limiter: Any, inherited: Any, queue: Any) -> None:
    limiter.hit("u")
    queue.put(len(store._idle) == 1 and store._idle[0] is not inherited)


def test_a_forked_child_opens_its_own_connection(prefix: str, make_store) -> None:
    store = make_store("fakeredis")
    limiter = SlidingLog(5, 60.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    limiter.hit("u")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(
        target=_child_connection_is_new, args=(store, limiter, store._idle[0], queue)
    )
    child.start()
    assert queue.get(timeout=60) is True  # never the parent's socket
    child.join(timeout=60)
    assert child.exitcode == 0


def test_other_pools_go_through_the_client(prefix: str) -> None:
    import fakeredis
    import redis

    from tarento_lib.ratelimit import RedisStore

    server = fakeredis.FakeServer()
    pool = redis.BlockingConnectionPool(
        max_connections=2, connection_class=fakeredis.FakeRedisConnection, server=server
    )  # a bounded pool keeps its own rules
    store = RedisStore(fakeredis.FakeRedis(connection_pool=pool))
    limiter = SlidingLog(2, 60.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    assert [limiter.hit("u").allowed for _ in range(3)] == [True, True, False]
    assert store._connect is None and store._idle == []
    bounded = redis.ConnectionPool(
        max_connections=2, connection_class=fakeredis.FakeRedisConnection, server=server
    )
    assert RedisStore(fakeredis.FakeRedis(connection_pool=bounded))._connect is None
