"""Redis store specifics: one round trip, NOSCRIPT reload, expiring keys, the on_error policy."""

from __future__ import annotations

import logging

import fakeredis
import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import (
    STRATEGIES,
    AsyncRedisStore,
    RedisStore,
    SlidingLog,
    StorageError,
    redis_from_env,
)
from tarento_lib.ratelimit.storage.scripts import SCRIPTS
from tarento_lib.ratelimit.storage.wire import counting_client, server_commands
from tests.backends import needs_redis


def test_one_round_trip_per_decision(redis_backend: str, prefix: str, make_store) -> None:
    store = RedisStore(counting_client(make_store(redis_backend).client))
    for name, cls in STRATEGIES.items():
        limiter = cls(3, 1.0, storage=store, clock=FakeClock(), prefix=prefix)
        limiter.hit("warm-up")
        store.client.sent.clear()
        for _ in range(5):
            limiter.hit("u")
            limiter.peek("u")
        assert store.client.sent == ["EVALSHA"] * 10, name


def test_sliding_log_is_a_sorted_set_with_unique_members_and_a_ttl(
    redis_backend: str, prefix: str, make_store
) -> None:
    store = make_store(redis_backend)
    limiter = SlidingLog(5, 60.0, storage=store, clock=FakeClock(7.0), prefix=prefix)
    assert limiter.hit("u", cost=3).allowed and limiter.hit("u").allowed
    key = limiter._prefix + "u"
    entries = store.client.zrange(key, 0, -1, withscores=True)
    assert store.client.type(key) in (b"zset", "zset")
    assert [score for _, score in entries] == [7.0] * 4 and len({m for m, _ in entries}) == 4
    assert 60_000 < store.client.pttl(key) <= 61_000


def test_async_store_decides_on_redis_asyncio() -> None:
    import asyncio

    async def scenario() -> list[bool]:
        limiter = SlidingLog(2, 60.0, storage=AsyncRedisStore(fakeredis.FakeAsyncRedis()))
        allowed = [(await limiter.ahit("u")).allowed for _ in range(3)]
        await limiter.areset("u")
        return [*allowed, (await limiter.ahit("u")).allowed]

    assert asyncio.run(scenario()) == [True, True, False, True]


def test_async_store_refuses_the_sync_calls() -> None:
    limiter = SlidingLog(2, 60.0, storage=AsyncRedisStore(fakeredis.FakeAsyncRedis()))
    with pytest.raises(TypeError, match="ahit"):
        limiter.hit("u")
    with pytest.raises(TypeError, match="areset"):
        limiter.reset("u")


def test_scripts_ship_as_lua_files() -> None:
    from importlib.resources import files

    lua = files("tarento_lib.ratelimit.storage").joinpath("lua")
    shipped = {entry.name for entry in lua.iterdir() if entry.name.endswith(".lua")}
    assert shipped == {f"{name}.lua" for name in STRATEGIES} | {"prologue.lua"}
    assert "ZADD" in SCRIPTS["sliding_log"] and "TIME" in SCRIPTS["token_bucket"]


def test_pyproject_ships_the_lua_files() -> None:
    """``pip install .`` copies package data only where pyproject's globs say so."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    package = "tarento_lib.ratelimit.storage"
    folder = root / package.replace(".", "/")
    shipped = {path for pattern in package_data[package] for path in folder.glob(pattern)}
    assert shipped == set(folder.glob("lua/*.lua")) and len(shipped) == len(STRATEGIES) + 1


def test_script_reloaded_after_flush(prefix: str, make_store) -> None:
    store = make_store("fakeredis")  # never SCRIPT FLUSH a real server other suites share
    limiter = SlidingLog(2, 10.0, storage=store, clock=FakeClock(), prefix=prefix)
    assert limiter.hit("u").allowed
    store.client.script_flush()
    assert limiter.hit("u").allowed
    assert not limiter.hit("u").allowed


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_admitted_write_expires(
    name: str, redis_backend: str, prefix: str, make_store
) -> None:
    store = make_store(redis_backend)
    limiter = STRATEGIES[name](4, 2.0, storage=store, clock=FakeClock(0.5), prefix=prefix)
    limiter.hit("u", cost=2)
    ttl = store.client.pttl(limiter._prefix + "u")
    assert 0 < ttl <= 5000  # at most two windows, or the time to refill/drain, plus 1 s of slack
    limiter.peek("fresh")
    assert not store.client.exists(limiter._prefix + "fresh")  # a peek writes nothing


def test_server_time_source_ignores_client_clocks() -> None:
    store = RedisStore(fakeredis.FakeRedis(server=fakeredis.FakeServer()), time_source="server")
    wrong = SlidingLog(2, 3600.0, storage=store, clock=FakeClock(-5e9))
    right = SlidingLog(2, 3600.0, storage=store, clock=FakeClock(0.0))
    assert wrong.hit("u").allowed and right.hit("u").allowed and not right.hit("u").allowed


def test_redis_from_env_without_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARENTO_REDIS_URL", raising=False)
    client = redis_from_env()
    assert isinstance(client, fakeredis.FakeRedis)
    server = fakeredis.FakeServer()
    first, second = redis_from_env(server=server), redis_from_env(server=server)
    first.set("k", "v")
    assert second.get("k") == b"v"


def test_redis_from_env_with_url(monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    monkeypatch.setenv("TARENTO_REDIS_URL", "redis://127.0.0.1:1/0")
    client = redis_from_env()
    assert isinstance(client, redis.Redis) and not isinstance(client, fakeredis.FakeRedis)


def _outage_limiter(policy: str) -> tuple[SlidingLog, fakeredis.FakeServer]:
    server = fakeredis.FakeServer()
    store = RedisStore(fakeredis.FakeRedis(server=server))
    return SlidingLog(1, 10.0, storage=store, clock=FakeClock(), on_error=policy), server


@pytest.mark.parametrize(("policy", "allowed"), [("allow", True), ("deny", False)])
def test_outage_follows_policy_and_logs(
    policy: str, allowed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    limiter, server = _outage_limiter(policy)
    assert limiter.hit("u").allowed
    server.connected = False  # Redis goes away mid-run
    with caplog.at_level(logging.WARNING, logger="tarento_lib.ratelimit"):
        decisions = [limiter.hit("u") for _ in range(3)]
    assert [d.allowed for d in decisions] == [allowed] * 3
    assert all(d.fallback for d in decisions)
    assert not allowed or decisions[0].retry_after == 0
    assert allowed or decisions[0].retry_after == 10.0
    # one line for the outage, not one per request (see test_ratelimit_outage.py)
    assert len(caplog.records) == 1 and f"on_error='{policy}'" in caplog.records[0].getMessage()
    server.connected = True
    assert not limiter.hit(
        "u"
    ).allowed  # back to the real state: the first hit is still in the window
    assert not limiter.hit("u").fallback


def test_outage_with_raise_policy() -> None:
    limiter, server = _outage_limiter("raise")
    server.connected = False
    with pytest.raises(StorageError, match="sliding_log"):
        limiter.hit("u")
    with pytest.raises(StorageError):
        limiter.reset("u")


def test_unreachable_real_client_is_a_storage_error(caplog: pytest.LogCaptureFixture) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    limiter = SlidingLog(1, 10.0, storage=RedisStore(client), clock=FakeClock(), on_error="deny")
    with caplog.at_level(logging.WARNING, logger="tarento_lib.ratelimit"):
        decision = limiter.hit("u")
    assert not decision.allowed and decision.fallback
    assert "ConnectionError" in caplog.records[0].getMessage()


@pytest.mark.redis
@needs_redis
def test_server_commands_reads_commandstats_on_a_real_server(prefix: str, make_store) -> None:
    store = make_store("redis")
    limiter = SlidingLog(3, 60.0, storage=store, clock=FakeClock(), prefix=prefix)
    limiter.hit("warm-up")
    with server_commands(store.client) as ran:
        for _ in range(10):
            limiter.hit("u")
    # INFO commandstats is server-wide: other clients of a shared server can only add to these
    assert ran["evalsha"] >= 10 and ran["zcard"] >= 10 and ran["zadd"] >= 3 and "info" not in ran
