"""Bad input is refused with a clear TypeError/ValueError naming the argument."""

from __future__ import annotations

import math

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import (
    STRATEGIES,
    ConfigurationError,
    Decision,
    MemoryStore,
    RedisStore,
    SlidingLog,
    TokenBucket,
    store_from_url,
)

WINDOWED = ["fixed_window", "sliding_log", "sliding_window_counter"]
BUCKETS = ["token_bucket", "leaky_bucket"]


@pytest.mark.parametrize("name", WINDOWED)
@pytest.mark.parametrize(
    ("limit", "window", "error", "word"),
    [
        (0, 10.0, ValueError, "limit"),
        (-3, 10.0, ValueError, "limit"),
        (2.5, 10.0, TypeError, "limit"),
        (True, 10.0, TypeError, "limit"),
        (3, 0, ValueError, "window"),
        (3, -1.0, ValueError, "window"),
        (3, math.inf, ValueError, "window"),
        (3, math.nan, ValueError, "window"),
        (3, "10", TypeError, "window"),
    ],
)
def test_windowed_config(name: str, limit, window, error, word) -> None:
    with pytest.raises(error, match=word):
        STRATEGIES[name](limit, window)


@pytest.mark.parametrize("name", BUCKETS)
@pytest.mark.parametrize(
    ("capacity", "rate", "error", "word"),
    [
        (0, 1.0, ValueError, "capacity"),
        (-1, 1.0, ValueError, "capacity"),
        (10, 0, ValueError, "rate"),
        (10, -0.5, ValueError, "rate"),
        (10, math.inf, ValueError, "rate"),
        (10, None, TypeError, "rate"),
    ],
)
def test_bucket_config(name: str, capacity, rate, error, word) -> None:
    with pytest.raises(error, match=word):
        STRATEGIES[name](capacity, rate)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize(
    ("cost", "error"),
    [(0, ValueError), (-1, ValueError), (6, ValueError), (1.0, TypeError), (True, TypeError)],
)
def test_bad_cost(name: str, cost, error) -> None:
    limiter = STRATEGIES[name](5, 1.0, clock=FakeClock())
    with pytest.raises(error, match="cost"):
        limiter.hit("ana", cost=cost)
    with pytest.raises(error, match="cost"):
        limiter.peek("ana", cost=cost)


@pytest.mark.parametrize(
    ("key", "error"), [("", ValueError), (None, TypeError), (42, TypeError), (b"ana", TypeError)]
)
def test_bad_key(key, error) -> None:
    limiter = SlidingLog(5, 1.0, clock=FakeClock())
    for method in (limiter.hit, limiter.peek, limiter.reset):
        with pytest.raises(error, match="key"):
            method(key)


@pytest.mark.parametrize("timeout", [-1, math.nan, math.inf, "1"])
def test_bad_wait_timeout(timeout) -> None:
    with pytest.raises((TypeError, ValueError), match="timeout"):
        TokenBucket(5, 1.0, clock=FakeClock()).wait("ana", timeout=timeout)


def test_bad_policy_and_prefix() -> None:
    with pytest.raises(ConfigurationError, match="on_error"):
        SlidingLog(5, 1.0, on_error="ignore")
    with pytest.raises(TypeError, match="prefix"):
        SlidingLog(5, 1.0, prefix=3)


def test_store_from_url() -> None:
    assert isinstance(store_from_url("memory://"), MemoryStore)
    assert isinstance(store_from_url("fakeredis://"), RedisStore)
    assert isinstance(
        store_from_url("redis://127.0.0.1:1/0"), RedisStore
    )  # lazy: no connection yet
    assert store_from_url("fakeredis://", time_source="server").time_source == "server"
    with pytest.raises(ConfigurationError, match="scheme"):
        store_from_url("memcached://localhost")
    with pytest.raises(ConfigurationError, match="scheme"):
        store_from_url("localhost:6379")
    with pytest.raises(TypeError, match="url"):
        store_from_url(None)
    with pytest.raises(ConfigurationError, match="time_source"):
        store_from_url("fakeredis://", time_source="wall")


def test_memory_store_sweep_interval_is_checked() -> None:
    with pytest.raises(ValueError, match=r"sweep_every must be a finite number > 0, got 0"):
        MemoryStore(sweep_every=0)
    with pytest.raises(TypeError, match="sweep_every must be a number, got str"):
        MemoryStore(sweep_every="10")


def test_redis_store_refuses_a_non_client() -> None:
    with pytest.raises(TypeError, match="client"):
        RedisStore(object())


def test_store_that_lacks_a_strategy_is_refused_at_construction() -> None:
    class NoLeaky(MemoryStore):
        def supports(self, strategy: str) -> bool:
            return strategy != "leaky_bucket"

    with pytest.raises(ConfigurationError, match="leaky_bucket"):
        STRATEGIES["leaky_bucket"](5, 1.0, storage=NoLeaky())


def test_decision_headers_when_allowed() -> None:
    decision = Decision(True, 10, 7, 0.0, 3.2)
    assert decision.headers() == {
        "RateLimit-Limit": "10",
        "RateLimit-Remaining": "7",
        "RateLimit-Reset": "4",
    }
    assert decision.retry_after_seconds == 0
    assert Decision(False, 10, 0, 0.0001, 1.0).retry_after_seconds == 1


def test_repr() -> None:
    assert repr(SlidingLog(5, 2.0)) == "SlidingLog(limit=5, window=2.0, storage=MemoryStore)"
