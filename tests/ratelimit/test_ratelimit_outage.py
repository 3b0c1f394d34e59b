"""A Redis that is down or frozen: callers get the ``on_error`` answer in bounded time, and the
log says so once per interval instead of once per request."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator

import fakeredis
import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import (
    REDIS_TIMEOUT,
    RateLimiter,
    RedisStore,
    SlidingLog,
    redis_from_env,
    store_from_url,
)


def _timeouts(store: object) -> tuple[object, object]:
    assert isinstance(store, RedisStore)
    options = store.client.connection_pool.connection_kwargs
    return options.get("socket_timeout"), options.get("socket_connect_timeout")


def test_store_from_url_has_a_default_timeout() -> None:
    assert _timeouts(store_from_url("redis://127.0.0.1:1/0")) == (REDIS_TIMEOUT, REDIS_TIMEOUT)
    assert _timeouts(store_from_url("unix:///tmp/no-such.sock")) == (REDIS_TIMEOUT, REDIS_TIMEOUT)


def test_the_url_overrides_the_default_timeout() -> None:
    store = store_from_url("redis://127.0.0.1:1/0?socket_timeout=0.05&socket_connect_timeout=2")
    assert _timeouts(store) == (0.05, 2.0)


def test_redis_from_env_has_the_same_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARENTO_REDIS_URL", "redis://127.0.0.1:1/0")
    assert _timeouts(RedisStore(redis_from_env())) == (REDIS_TIMEOUT, REDIS_TIMEOUT)


@pytest.fixture
def frozen_server() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers: a frozen Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_frozen_server_gets_the_on_error_answer(frozen_server: int) -> None:
    store = store_from_url(f"redis://127.0.0.1:{frozen_server}/0?socket_timeout=0.05")
    limiter = SlidingLog(1, 10.0, storage=store, on_error="deny")
    decision = limiter.hit("u")
    assert (decision.allowed, decision.fallback) == (False, True)


def _down(policy: str) -> tuple[SlidingLog, FakeClock]:
    server = fakeredis.FakeServer()
    server.connected = False
    clock = FakeClock()
    store = RedisStore(fakeredis.FakeRedis(server=server))
    return SlidingLog(1, 10.0, storage=store, clock=clock, on_error=policy), clock


@pytest.mark.parametrize("policy", ["allow", "deny"])
def test_an_outage_is_logged_once_per_interval_with_a_count(
    policy: str, caplog: pytest.LogCaptureFixture
) -> None:
    limiter, clock = _down(policy)
    interval = RateLimiter.outage_log_interval
    with caplog.at_level(logging.WARNING, logger="tarento_lib.ratelimit"):
        for _ in range(1000):
            limiter.hit("u")
        assert len(caplog.records) == 1  # the first failure, at once
        clock.advance(interval / 2)
        limiter.hit("u")
        assert len(caplog.records) == 1
        clock.advance(interval / 2)
        limiter.hit("u")
    assert len(caplog.records) == 2
    first, second = (record.getMessage() for record in caplog.records)
    outcome = "allowed" if policy == "allow" else "denied"
    assert f"on_error={policy!r} so the request is {outcome}" in first
    assert f"failed 1001 times in the last {interval:g} s" in second
    assert f"on_error={policy!r} so those requests were {outcome}" in second
    assert "ConnectionError" in first and "ConnectionError" in second


def test_each_interval_starts_a_new_count(caplog: pytest.LogCaptureFixture) -> None:
    limiter, clock = _down("allow")
    interval = RateLimiter.outage_log_interval
    with caplog.at_level(logging.WARNING, logger="tarento_lib.ratelimit"):
        for _ in range(3):
            for _ in range(5):
                limiter.hit("u")
            clock.advance(interval)
        limiter.hit("u")
    counts = [re.findall(r"failed (\d+) times", record.getMessage()) for record in caplog.records]
    assert counts == [[], ["5"], ["5"], ["5"]]
