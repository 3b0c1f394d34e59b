"""Fixtures for the rate-limit tests: one store per backend, unique key prefixes, fake clocks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import fakeredis
import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import MemoryStore, RedisStore
from tests.backends import REDIS_BACKENDS, REDIS_URL

BACKENDS = [pytest.param("memory", id="memory"), *REDIS_BACKENDS]


def real_redis_client():
    import redis

    assert REDIS_URL
    return redis.Redis.from_url(REDIS_URL)


def make_store(backend: str, **options: object) -> MemoryStore | RedisStore:
    if backend == "memory":
        return MemoryStore()
    if backend == "fakeredis":
        return RedisStore(fakeredis.FakeRedis(server=fakeredis.FakeServer()), **options)
    return RedisStore(real_redis_client(), **options)


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix no other test (or xdist worker)
    uses; real-Redis keys under it are deleted after."""
    value = f"t{uuid.uuid4().hex[:12]}"
    yield value
    if REDIS_URL:
        client = real_redis_client()
        keys = list(client.scan_iter(f"{value}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=REDIS_BACKENDS)
def redis_backend(request: pytest.FixtureRequest) -> str:
    """The Redis-like backends only: fakeredis always, the real server when its URL is set."""
    return str(request.param)


@pytest.fixture
def store(backend: str) -> MemoryStore | RedisStore:
    return make_store(backend)


@pytest.fixture(name="make_store")
def make_store_fixture():
    """The store builder itself, for tests that need two stores of one backend."""
    return make_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)
