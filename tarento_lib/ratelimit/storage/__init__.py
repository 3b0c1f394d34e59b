"""Where limiter state lives: a :class:`Storage` protocol, two backends, and factories.

``store_from_url("memory://")`` or ``store_from_url("redis://127.0.0.1:6379/0")`` builds a
store; :func:`redis_from_env` gives a real Redis client when ``TARENTO_REDIS_URL`` is set and
an in-process fakeredis (with Lua) otherwise, so the notebooks need nothing started by hand.

The Redis clients built here wait at most :data:`REDIS_TIMEOUT` seconds to connect and for each
reply, so a frozen server turns into the limiter's ``on_error`` answer instead of a caller
blocked for as long as it stays frozen. The URL overrides either timeout, as redis-py's
``from_url`` reads them: ``redis://host:6379/0?socket_timeout=0.05&socket_connect_timeout=0.2``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tarento_lib._validate import require_str
from tarento_lib.config import settings
from tarento_lib.ratelimit.decision import Decision
from tarento_lib.ratelimit.errors import ConfigurationError

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = [
    "REDIS_TIMEOUT",
    "AsyncStorage",
    "Storage",
    "async_redis_from_env",
    "redis_from_env",
    "store_from_url",
]

#: Seconds a Redis client built here waits to connect, and for each reply (a decision is one
#: round trip of well under a millisecond, so this only ever fires on an outage).
REDIS_TIMEOUT = 1.0


@runtime_checkable
class Storage(Protocol):
    """What a limiter needs from a backend:
    one atomic decision per call, and a way to forget a key."""

    #: True when :meth:`decide` does network I/O (``limiter.ahit`` then runs it in a thread).
    blocking: bool

    def supports(self, strategy: str) -> bool:
        """Whether this store can run the named strategy."""

    def decide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        """Run ``limiter``'s algorithm on ``key`` atomically, reading the time inside that atomic
        step (``limiter.now()``, or a clock of the store's own); raise ``StorageError`` if the
        store cannot be reached."""

    def clear(self, key: str) -> None:
        """Delete the state stored under ``key``."""


@runtime_checkable
class AsyncStorage(Protocol):
    """A store with an async decision (``limiter.ahit`` awaits it instead of using a thread)."""

    def supports(self, strategy: str) -> bool:
        """Whether this store can run the named strategy."""

    async def adecide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        """:meth:`Storage.decide`, awaited."""

    async def aclear(self, key: str) -> None:
        """:meth:`Storage.clear`, awaited."""


def redis_from_env(*, server: Any = None) -> Any:
    """A Redis client: the real server at ``$TARENTO_REDIS_URL``, else fakeredis with Lua.

    ``server`` (a ``fakeredis.FakeServer``) picks which fake server to talk to; clients built
    with the same one share data, like two app instances sharing one Redis.
    """
    url = settings().redis_url
    if url:
        return _redis_client(url)
    import fakeredis

    return fakeredis.FakeRedis(server=server if server is not None else fakeredis.FakeServer())


def async_redis_from_env(*, server: Any = None) -> Any:
    """:func:`redis_from_env` on ``redis.asyncio``: the real server or an async fakeredis."""
    url = settings().redis_url
    if url:
        import redis.asyncio

        return redis.asyncio.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
    import fakeredis

    return fakeredis.FakeAsyncRedis(server=server if server is not None else fakeredis.FakeServer())


def store_from_url(url: str, *, time_source: str = "auto") -> Storage:
    """A store for ``memory://``, ``redis://…``/``rediss://…``/``unix://…`` or ``fakeredis://``.

    ``time_source`` (Redis only): ``"auto"`` uses the Redis server's ``TIME`` (the one clock
    every app instance agrees on) for limiters built without a clock and the injected clock
    otherwise; ``"server"`` always ``TIME``; ``"clock"`` always the limiter's clock.
    """
    require_str(url, "url")
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "memory":
        from tarento_lib.ratelimit.storage.memory import MemoryStore

        return MemoryStore()
    if scheme in ("redis", "rediss", "unix", "fakeredis"):
        from tarento_lib.ratelimit.storage.redis import RedisStore

        if scheme == "fakeredis":
            import fakeredis

            return RedisStore(
                fakeredis.FakeRedis(server=fakeredis.FakeServer()), time_source=time_source
            )
        return RedisStore(_redis_client(url), time_source=time_source)
    raise ConfigurationError(
        f"unknown storage URL scheme {scheme or url!r}; use memory://, redis://, rediss://, "
        "unix:// or fakeredis://"
    )


def _redis_client(url: str) -> Any:
    """A redis-py client for ``url`` with :data:`REDIS_TIMEOUT`, unless the URL sets its own."""
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
