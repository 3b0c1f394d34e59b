"""Every Q2 and Q5 pitfall of the typical answer: tarento_lib does the right thing instead."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import fakeredis
import pytest

import tarento_lib.ratelimit as ratelimit_pkg
from tarento_lib.clock import FakeClock, MonotonicClock
from tarento_lib.ratelimit import MemoryStore, RedisStore, SlidingLog, TokenBucket
from tarento_lib.ratelimit.storage.scripts import SCRIPTS
from tarento_lib.ratelimit.storage.wire import counting_client


def test_q2_1_retry_after_is_rounded_up_and_enough(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingLog(1, 10.0, storage=store, clock=clock, prefix=prefix)
    clock.set(0.2)
    assert limiter.hit("u").allowed
    clock.set(9.5)
    denied = limiter.hit("u")
    assert (
        not denied.allowed
        and denied.retry_after_seconds == 1
        and denied.retry_after == pytest.approx(0.7)
    )
    clock.advance(denied.retry_after_seconds)
    assert limiter.hit("u").allowed
    clock.set(30.4)
    assert limiter.hit("u").allowed
    clock.set(30.6)
    assert limiter.hit("u").retry_after_seconds == 10  # true wait 9.8 s, never reported as 9


def test_q2_2_retry_after_is_zero_under_the_limit(store, prefix) -> None:
    limiter = SlidingLog(5, 10.0, storage=store, clock=FakeClock(), prefix=prefix)
    first = limiter.hit("u")
    assert first.remaining == 4 and first.retry_after == 0
    assert limiter.peek("u").retry_after == 0 and limiter.retry_after("u") == 0


def test_q2_3_elapsed_time_is_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = SlidingLog(1, 0.05)
    assert isinstance(limiter.clock, MonotonicClock)

    def wall_clock_forbidden() -> float:
        raise AssertionError("time.time() must not be used for elapsed time")

    monkeypatch.setattr("time.time", wall_clock_forbidden)
    assert limiter.hit("u").allowed and not limiter.hit("u").allowed
    clock = FakeClock(
        0.0
    )  # whatever the wall clock does, one window later the user is allowed again
    limiter = SlidingLog(1, 10.0, clock=clock)
    limiter.hit("u")
    clock.advance(10.0)
    assert limiter.hit("u").allowed


def test_q2_4_idle_keys_are_dropped_from_memory() -> None:
    store = MemoryStore()
    clock = FakeClock(0.0)
    limiter = SlidingLog(5, 60.0, storage=store, clock=clock)
    for user in range(100_000):
        limiter.hit(f"user{user}")
    assert len(store) == 100_000
    clock.advance(3600.0)
    limiter.hit("one-more")
    assert len(store) == 1


def test_q2_4_memory_bounded_with_mixed_ttls() -> None:
    store = MemoryStore()
    clock = FakeClock(0.0)
    long_lived = TokenBucket(1000, 1 / 86.4, storage=store, clock=clock)  # refills in a day
    short = SlidingLog(1, 1.0, storage=store, clock=clock)
    long_lived.hit("pinned")  # stays at the front of the store for a day
    for user in range(20_000):
        short.hit(f"user{user}")
        clock.advance(0.01)
    assert len(store) < 2100  # full sweeps keep it within ~2x the keys still active


def test_q2_5_no_aioredis_anywhere() -> None:
    root = Path(ratelimit_pkg.__file__).parent
    assert not [p for p in root.rglob("*.py") if "import aioredis" in p.read_text()]


def test_q2_6_every_module_imports_cleanly() -> None:
    names = [
        m.name for m in pkgutil.walk_packages(ratelimit_pkg.__path__, "tarento_lib.ratelimit.")
    ]
    assert "tarento_lib.ratelimit.storage.redis" in names
    for name in names:
        importlib.import_module(name)


def test_q2_7_denied_requests_are_not_recorded(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingLog(2, 5.0, storage=store, clock=clock, prefix=prefix)
    admitted = []
    for t in range(21):
        clock.set(float(t))
        if limiter.hit("u").allowed:
            admitted.append(t)
    assert admitted == [0, 1, 5, 6, 10, 11, 15, 16, 20]
    usage = limiter.peek("u")
    assert usage.limit - usage.remaining == 2  # t=16 and t=20: the denied retries did not count


def test_q2_8_same_timestamp_requests_are_distinct(store, prefix) -> None:
    limiter = SlidingLog(2, 5.0, storage=store, clock=FakeClock(42.0), prefix=prefix)
    assert sum(limiter.hit("u").allowed for _ in range(10)) == 2
    if isinstance(store, RedisStore):
        logged = store.client.zrange(limiter._prefix + "u", 0, -1, withscores=True)
        assert [score for _, score in logged] == [42.0, 42.0]  # two members, one instant


def test_q2_8_two_processes_same_timestamp_distinct_members(
    redis_backend: str, prefix: str, make_store
) -> None:
    first = make_store(redis_backend)
    second = (
        RedisStore(first.client) if isinstance(first, RedisStore) else None
    )  # a second "instance"
    assert second is not None
    a = SlidingLog(3, 5.0, storage=first, clock=FakeClock(7.0), prefix=prefix)
    b = SlidingLog(3, 5.0, storage=second, clock=FakeClock(7.0), prefix=prefix)
    results = [x.hit("u").allowed for x in (a, b, a, b, a, b)]
    assert results == [True, True, True, False, False, False]


def test_q5_1_cost_above_capacity_fails_at_once() -> None:
    clock = FakeClock(0.0)
    bucket = TokenBucket(5, 100.0, clock=clock)
    with pytest.raises(ValueError, match=r"cost must be an int in \[1, 5\], got 6"):
        bucket.wait("u", cost=6, timeout=None)
    with pytest.raises(ValueError, match="cost"):
        bucket.hit("u", cost=6)
    assert clock.sleeps == []


def test_q5_2_timeout_zero_is_one_try() -> None:
    clock = FakeClock(0.0)
    bucket = TokenBucket(3, 0.2, clock=clock)
    bucket.hit("u", cost=3)
    assert bucket.wait("u", cost=3, timeout=0) is False
    assert clock.sleeps == [] and clock.now() == 0.0


def test_q5_3_zero_rate_rejected() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(10, 0)
    with pytest.raises(ValueError, match="capacity"):
        TokenBucket(0, 1.0)


class SettableClock:
    """A clock an experiment can move anywhere,
    even backwards (a real monotonic clock never does)."""

    def __init__(self, now: float) -> None:
        self.value = now

    def now(self) -> float:
        return self.value

    def sleep(self, seconds: float) -> None:
        self.value += seconds

    async def asleep(self, seconds: float) -> None:
        self.value += seconds


def test_q5_4_tokens_stay_in_range_when_time_goes_back(store, prefix) -> None:
    clock = SettableClock(10_000.0)
    bucket = TokenBucket(5, 1.0, storage=store, clock=clock, prefix=prefix)
    bucket.hit("u")
    clock.value -= 3600.0  # a clock stepped back an hour
    seen = [bucket.peek("u").remaining]
    for _ in range(10):
        seen.append(bucket.hit("u").remaining)
        clock.value += 60.0
    assert all(0 <= r <= 5 for r in seen)
    clock.value += 5.0
    assert bucket.hit("u").allowed  # refilling again: never locked out by a negative balance


@pytest.mark.parametrize("time_source", ["server", "auto"])
def test_q5_5_one_time_source_for_every_instance(time_source: str) -> None:
    server = fakeredis.FakeServer()
    store_a = RedisStore(fakeredis.FakeRedis(server=server), time_source=time_source)
    store_b = RedisStore(fakeredis.FakeRedis(server=server), time_source=time_source)
    clocks = {"server": (FakeClock(0.0), FakeClock(1e6)), "auto": (None, None)}[time_source]
    a = TokenBucket(5, 0.001, storage=store_a, clock=clocks[0])
    b = TokenBucket(5, 0.001, storage=store_b, clock=clocks[1])  # 1e6 s ahead, when given
    assert all(a.hit("shared").allowed for _ in range(5))
    # on the instances' own clocks, b would see 1000 s of refill: a full bucket again
    assert not any(b.hit("shared").allowed for _ in range(5))


def test_q5_5_client_clock_skew_never_drives_tokens_negative() -> None:
    server = fakeredis.FakeServer()
    a = TokenBucket(
        5, 1.0, storage=RedisStore(fakeredis.FakeRedis(server=server)), clock=FakeClock(30.0)
    )
    b = TokenBucket(
        5, 1.0, storage=RedisStore(fakeredis.FakeRedis(server=server)), clock=FakeClock(0.0)
    )
    a.hit("shared")
    for _ in range(20):
        b.hit("shared")
        b.clock.advance(1.0)
        tokens = float(b.storage.client.get(b._prefix + "shared").split()[0])
        assert 0 <= tokens <= 5


def test_q5_6_every_write_sets_a_ttl(redis_backend: str, prefix: str, make_store) -> None:
    store = make_store(redis_backend)
    assert isinstance(store, RedisStore)
    bucket = TokenBucket(5, 1.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    key = bucket._prefix + "u"
    assert bucket.hit("u", cost=5).allowed
    assert not bucket.hit("u", cost=5).allowed
    assert 0 < store.client.pttl(key) <= 6000
    assert bucket.hit("never-admitted", cost=5).allowed  # a fresh key starts full
    assert store.client.pttl(bucket._prefix + "never-admitted") > 0


def test_q5_7_ttl_covers_the_refill_time(store, prefix) -> None:
    clock = FakeClock(0.0)
    daily = TokenBucket(1000, 1000 / 86400, storage=store, clock=clock, prefix=prefix)
    assert daily.hit("u", cost=1000).allowed
    if isinstance(store, RedisStore):
        assert store.client.pttl(daily._prefix + "u") >= 86_399_000
    clock.advance(3601.0)
    again = daily.hit("u", cost=1000)
    assert not again.allowed and again.remaining == 41


def test_q5_8_scripts_registered_once_and_called_by_sha() -> None:
    client = counting_client(fakeredis.FakeRedis(server=fakeredis.FakeServer()))
    bucket = TokenBucket(5, 1.0, storage=RedisStore(client), clock=FakeClock())
    for _ in range(10):
        bucket.hit("u")
    # the first EVALSHA finds no script (NOSCRIPT): loaded once, then always called by SHA
    assert client.sent == ["EVALSHA", "SCRIPT LOAD"] + ["EVALSHA"] * 10
    assert not any("HMSET" in text.upper() for text in SCRIPTS.values())
