"""The FastAPI dependency: 429 + Retry-After,
RateLimit-* headers, Redis calls off the event loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import fakeredis
import httpx
import pytest
from fastapi import FastAPI

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import (
    AsyncRedisStore,
    Decision,
    MemoryStore,
    RedisStore,
    SlidingLog,
    TokenBucket,
)
from tarento_lib.ratelimit.fastapi import RateLimitDependency, create_demo_app, rate_limit


async def _get(
    app: FastAPI, path: str, n: int, headers: dict[str, str] | None = None
) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return [await client.get(path, headers=headers) for _ in range(n)]


def get(
    app: FastAPI, path: str, n: int, headers: dict[str, str] | None = None
) -> list[httpx.Response]:
    return asyncio.run(_get(app, path, n, headers))


def test_429_with_headers(store, prefix) -> None:
    clock = FakeClock(0.0)
    app = create_demo_app(SlidingLog(2, 10.0, storage=store, clock=clock, prefix=prefix))
    first, second, third = get(app, "/hello", 3, {"X-API-Key": "ana"})
    assert [r.status_code for r in (first, second, third)] == [200, 200, 429]
    assert first.headers["RateLimit-Limit"] == "2" and first.headers["RateLimit-Remaining"] == "1"
    assert first.headers["RateLimit-Reset"] == "10" and "Retry-After" not in first.headers
    assert third.headers["Retry-After"] == "10" and third.headers["RateLimit-Remaining"] == "0"
    assert third.json() == {"detail": {"error": "rate_limited", "retry_after": 10}}
    assert [r.status_code for r in get(app, "/hello", 1, {"X-API-Key": "ben"})] == [200]
    assert [r.status_code for r in get(app, "/health", 5)] == [200] * 5
    clock.advance(10.0)
    assert [r.status_code for r in get(app, "/hello", 1, {"X-API-Key": "ana"})] == [200]


def test_per_route_keys() -> None:
    limiter = TokenBucket(1, 0.001, clock=FakeClock())
    app = FastAPI()

    @app.get("/a")
    def a(decision: Decision = rate_limit(limiter, per_route=True)) -> dict[str, int]:
        return {"remaining": decision.remaining}

    @app.get("/b")
    def b(decision: Decision = rate_limit(limiter, per_route=True)) -> dict[str, int]:
        return {"remaining": decision.remaining}

    assert [r.status_code for r in get(app, "/a", 2)] == [200, 429]
    assert [r.status_code for r in get(app, "/b", 2)] == [200, 429]


class ThreadRecordingStore(RedisStore):
    def __init__(self) -> None:
        super().__init__(fakeredis.FakeRedis(server=fakeredis.FakeServer()))
        self.threads: list[int] = []

    def decide(self, *args: Any, **kwargs: Any) -> Decision:
        self.threads.append(threading.get_ident())
        return super().decide(*args, **kwargs)


def test_blocking_store_runs_off_the_event_loop() -> None:
    store = ThreadRecordingStore()
    app = create_demo_app(SlidingLog(5, 10.0, storage=store, clock=FakeClock()))
    loop_thread: list[int] = []

    async def scenario() -> None:
        loop_thread.append(threading.get_ident())
        await _get(app, "/hello", 3)

    asyncio.run(scenario())
    assert len(store.threads) == 3 and loop_thread[0] not in store.threads


class LoopRecordingStore(AsyncRedisStore):
    def __init__(self) -> None:
        super().__init__(fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer()))
        self.threads: list[int] = []

    async def adecide(self, *args: Any, **kwargs: Any) -> Decision:
        self.threads.append(threading.get_ident())
        return await super().adecide(*args, **kwargs)


def test_async_store_is_awaited_on_the_event_loop() -> None:
    store = LoopRecordingStore()
    app = create_demo_app(SlidingLog(2, 10.0, storage=store, clock=FakeClock()))
    loop_thread: list[int] = []

    async def scenario() -> list[int]:
        loop_thread.append(threading.get_ident())
        return [r.status_code for r in await _get(app, "/hello", 3)]

    assert asyncio.run(scenario()) == [200, 200, 429]
    assert store.threads == loop_thread * 3  # no thread pool: every decision on the loop


def test_bad_dependency_arguments() -> None:
    limiter = SlidingLog(5, 10.0, storage=MemoryStore())
    with pytest.raises(TypeError, match="limiter"):
        RateLimitDependency("nope")
    with pytest.raises(ValueError, match="cost"):
        RateLimitDependency(limiter, cost=6)
    with pytest.raises(TypeError, match="key_func"):
        RateLimitDependency(limiter, key_func="ip")


def test_store_outage_does_not_become_a_500() -> None:
    server = fakeredis.FakeServer()
    limiter = SlidingLog(
        1,
        10.0,
        storage=RedisStore(fakeredis.FakeRedis(server=server)),
        clock=FakeClock(),
        on_error="deny",
    )
    app = create_demo_app(limiter)
    server.connected = False
    (response,) = get(app, "/hello", 1)
    assert response.status_code == 429 and response.headers["Retry-After"] == "10"
