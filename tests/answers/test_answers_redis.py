"""The Redis halves of the Q2 and Q5 interview answers, on fakeredis and on a real server.

Each answer decides in one Lua script that reads the server's ``TIME``. fakeredis runs in this
process and reads the wall clock for ``TIME`` and for key expiry, so the ``server_clock``
fixture moves the wall clock with time-machine (``tick=False``: it stands still until the test
moves it), and windows slide and buckets refill without waiting. A real server
(``TARENTO_REDIS_URL``) keeps its own time: the tests that need to move it run on fakeredis only.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import fakeredis
import httpx
import pytest
import pytest_asyncio
import time_machine
from fastapi import Depends, FastAPI
from redis.asyncio import Redis

from tarento_lib.answers.q02_sliding_window import RedisSlidingWindowLimiter, rate_limited
from tarento_lib.answers.q05_token_bucket import RedisTokenBucket
from tests.backends import REDIS_BACKENDS, REDIS_URL

BACKENDS = REDIS_BACKENDS
REAL_SERVER = BACKENDS[1:]


class ServerClock:
    """The wall clock of this process, which fakeredis reads for ``TIME``, moved by the test."""

    def __init__(self, traveller: time_machine.Coordinates) -> None:
        self._traveller = traveller

    @property
    def now(self) -> float:
        return time.time()

    @now.setter
    def now(self, value: float) -> None:
        self._traveller.move_to(value)


@pytest.fixture
def server_clock() -> Iterator[ServerClock]:
    with time_machine.travel(1_700_000_000.0, tick=False) as traveller:
        yield ServerClock(traveller)


class Server:
    """Two clients of one server (two app hosts sharing it) and a key prefix of this test."""

    def __init__(self, first: Redis, second: Redis) -> None:
        self.first, self.second = first, second
        self.prefix = f"t{uuid.uuid4().hex[:12]}:"


@pytest_asyncio.fixture(params=BACKENDS)
async def server(
    request: pytest.FixtureRequest, server_clock: ServerClock
) -> AsyncIterator[Server]:
    if request.param == "fakeredis":
        shared = fakeredis.FakeServer()
        first, second = (fakeredis.aioredis.FakeRedis(server=shared) for _ in range(2))
    else:
        assert REDIS_URL
        first, second = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    result = Server(first, second)
    yield result
    keys = [key async for key in first.scan_iter(f"{result.prefix}*")]
    if keys:
        await first.delete(*keys)
    await first.aclose()
    await second.aclose()


@pytest.fixture
def fake_server() -> Server:
    """Two fakeredis clients of one fresh server (for tests that move the server's clock)."""
    shared = fakeredis.FakeServer()
    return Server(*(fakeredis.aioredis.FakeRedis(server=shared) for _ in range(2)))


def jump_local_clocks(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move this process's clocks (never the server's) by ``seconds``."""
    for name in ("time", "monotonic"):
        real = getattr(time, name)
        monkeypatch.setattr(time, name, lambda real=real: real() + seconds)


# --- Q2: the sliding log in a sorted set ---------------------------------------------------


@pytest.mark.asyncio
async def test_sliding_log_holds_the_limit(server: Server) -> None:
    limiter = RedisSlidingWindowLimiter(server.first, 3, 60.0, prefix=server.prefix)
    decisions = [await limiter.hit("ana") for _ in range(5)]
    assert [admitted for admitted, _ in decisions] == [True, True, True, False, False]
    assert all(wait == 0.0 for _, wait in decisions[:3])
    assert all(0 < wait <= 60.0 for _, wait in decisions[3:])
    assert await server.first.zcard(f"{server.prefix}ana") == 3  # refusals are not recorded
    assert (await limiter.hit("ben"))[0], "another key has its own log"


@pytest.mark.asyncio
async def test_sliding_log_key_expires_after_one_window(server: Server) -> None:
    limiter = RedisSlidingWindowLimiter(server.first, 3, 60.0, prefix=server.prefix)
    await limiter.hit("ana")
    assert 0 < await server.first.pttl(f"{server.prefix}ana") <= 60_000


@pytest.mark.asyncio
async def test_sliding_log_requests_in_one_microsecond_are_distinct(server: Server) -> None:
    """On fakeredis the server's clock stands still: every request has the same timestamp."""
    limiter = RedisSlidingWindowLimiter(server.first, 5, 60.0, prefix=server.prefix)
    decisions = await asyncio.gather(*(limiter.hit("ana") for _ in range(20)))
    assert sum(admitted for admitted, _ in decisions) == 5
    assert await server.first.zcard(f"{server.prefix}ana") == 5


@pytest.mark.asyncio
async def test_sliding_log_follows_the_server_clock(
    fake_server: Server, server_clock: ServerClock
) -> None:
    limiter = RedisSlidingWindowLimiter(fake_server.first, 2, 10.0, prefix=fake_server.prefix)
    start, admitted = server_clock.now, []
    for second in range(21):
        server_clock.now = start + second
        if (await limiter.hit("ana"))[0]:
            admitted.append(second)
    assert admitted == [0, 1, 10, 11, 20]  # one request a second: refusals never extend the wait
    server_clock.now = start + 21
    assert (await limiter.hit("ana"))[0]
    server_clock.now = start + 29.5
    assert await limiter.hit("ana") == (False, 0.5)  # the slot taken at 20 frees at 30


# fakeredis runs in this process and reads its clock: only a real server has a clock apart
# from the host's.
@pytest.mark.parametrize("server", REAL_SERVER, indirect=True)
@pytest.mark.asyncio
async def test_sliding_log_hosts_with_different_clocks_agree(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = RedisSlidingWindowLimiter(server.first, 2, 60.0, prefix=server.prefix)
    second = RedisSlidingWindowLimiter(server.second, 2, 60.0, prefix=server.prefix)
    assert [(await first.hit("ana"))[0] for _ in range(2)] == [True, True]
    jump_local_clocks(monkeypatch, 3600.0)  # the second host's clock runs an hour ahead
    admitted, wait = await second.hit("ana")
    assert not admitted and 0 < wait <= 60.0


def test_sliding_log_rejects_bad_arguments() -> None:
    client = fakeredis.aioredis.FakeRedis(server=fakeredis.FakeServer())
    for limit, window in [(0, 10.0), (-1, 10.0), (3, 0), (3, -1.0), (3, float("inf"))]:
        with pytest.raises(ValueError):
            RedisSlidingWindowLimiter(client, limit, window)
    with pytest.raises(ValueError, match="window"):
        RedisSlidingWindowLimiter(client, 3, float("nan"))
    for limit, window in [(2.0, 10.0), (True, 10.0), (3, "10")]:
        with pytest.raises(TypeError):
            RedisSlidingWindowLimiter(client, limit, window)


@pytest.mark.asyncio
async def test_fastapi_dependency_answers_429_with_retry_after(server: Server) -> None:
    limiter = RedisSlidingWindowLimiter(server.first, 2, 60.0, prefix=server.prefix)
    app = FastAPI()

    @app.get("/hello", dependencies=[Depends(rate_limited(limiter))])
    async def hello() -> dict[str, str]:
        return {"message": "hello"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lab") as http:
        responses = [await http.get("/hello") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].json() == {"message": "hello"}
    assert 1 <= int(responses[2].headers["Retry-After"]) <= 60


# --- Q5: the token bucket in a hash ---------------------------------------------------------


@pytest.mark.asyncio
async def test_token_bucket_holds_the_limit(server: Server) -> None:
    bucket = RedisTokenBucket(server.first, 3, 1 / 60, prefix=server.prefix)
    decisions = [await bucket.hit("ana") for _ in range(4)]
    assert [admitted for admitted, _ in decisions] == [True, True, True, False]
    assert 59.0 < decisions[3][1] <= 60.0  # one token at 1 a minute
    assert await bucket.hit("ana", cost=1) == (False, pytest.approx(decisions[3][1], abs=1.0))
    assert (await bucket.hit("ben", cost=3))[0], "another key has its own bucket"


@pytest.mark.asyncio
async def test_token_bucket_concurrent_callers_take_only_what_is_there(server: Server) -> None:
    bucket = RedisTokenBucket(server.first, 5, 1 / 60, prefix=server.prefix)
    decisions = await asyncio.gather(*(bucket.hit("ana") for _ in range(20)))
    assert sum(admitted for admitted, _ in decisions) == 5


@pytest.mark.asyncio
async def test_token_bucket_key_expires_once_the_bucket_would_be_full(server: Server) -> None:
    bucket = RedisTokenBucket(server.first, 10, 0.5, prefix=server.prefix)
    await bucket.hit("ana", cost=4)
    assert 0 < await server.first.pttl(f"{server.prefix}ana") <= 20_000  # 10 tokens / 0.5 a second


@pytest.mark.asyncio
async def test_token_bucket_refills_on_the_server_clock(
    fake_server: Server, server_clock: ServerClock
) -> None:
    bucket = RedisTokenBucket(fake_server.first, 4, 2.0, prefix=fake_server.prefix)
    assert (await bucket.hit("ana", cost=4))[0]
    assert await bucket.hit("ana") == (False, 0.5)
    server_clock.now += 1.0  # two tokens back
    assert [(await bucket.hit("ana"))[0] for _ in range(3)] == [True, True, False]
    server_clock.now -= 3600.0  # the server's clock steps back: no refill, and no debt either
    assert await bucket.hit("ana") == (False, 0.5)
    server_clock.now += 3600.0 + 0.5
    assert (await bucket.hit("ana"))[0]


# fakeredis runs in this process and reads its clock: only a real server has a clock apart
# from the host's.
@pytest.mark.parametrize("server", REAL_SERVER, indirect=True)
@pytest.mark.asyncio
async def test_token_bucket_hosts_with_different_clocks_agree(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = RedisTokenBucket(server.first, 2, 1 / 60, prefix=server.prefix)
    second = RedisTokenBucket(server.second, 2, 1 / 60, prefix=server.prefix)
    assert (await first.hit("ana", cost=2))[0]
    jump_local_clocks(monkeypatch, 3600.0)  # an hour ahead would refill the bucket 60 times
    admitted, wait = await second.hit("ana")
    assert not admitted and 59.0 < wait <= 60.0


@pytest.mark.asyncio
async def test_token_bucket_rejects_bad_arguments() -> None:
    client = fakeredis.aioredis.FakeRedis(server=fakeredis.FakeServer())
    for capacity, rate in [(0, 1.0), (-5, 1.0), (10, 0), (10, -1.0), (10, float("inf"))]:
        with pytest.raises(ValueError):
            RedisTokenBucket(client, capacity, rate)
    with pytest.raises(TypeError):
        RedisTokenBucket(client, 2.5, 1.0)
    bucket = RedisTokenBucket(client, 5, 1.0)
    for cost in (0, -1, 6):
        with pytest.raises(ValueError, match="cost"):
            await bucket.hit("ana", cost=cost)
    with pytest.raises(TypeError, match="cost"):
        await bucket.hit("ana", cost=1.5)
    assert await client.dbsize() == 0  # nothing reached the server
