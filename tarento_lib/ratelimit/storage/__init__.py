"""Where limiter state lives: a :class:`Storage` protocol, two backends, and factories.

``store_from_url("memory://")`` or ``store_from_url("redis://127.0.0.1:6379/0")`` builds a
store; :func:`redis_from_env` gives a real Redis client when ``TARENTO_REDIS_URL`` is set and
an in-process fakeredis (with Lua) otherwise, so the notebooks need nothing started by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tarento_lib._validate import require_str
from tarento_lib.config import settings
from tarento_lib.ratelimit.decision import Decision
from tarento_lib.ratelimit.errors import ConfigurationError

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["Storage", "redis_from_env", "store_from_url"]


@runtime_checkable
class Storage(Protocol):
    """What a limiter needs from a backend:
    one atomic decision per call, and a way to forget a key."""

    #: True when :meth:`decide` does network I/O (async callers should run it in a thread).
    blocking: bool

    def supports(self, strategy: str) -> bool:
        """Whether this store can run the named strategy."""

    def decide(
        self, limiter: RateLimiter, key: str, now: float, cost: int, consume: bool
    ) -> Decision:
        """Run ``limiter``'s algorithm on ``key`` atomically;
        raise ``StorageError`` if unreachable."""

    def clear(self, key: str) -> None:
        """Delete the state stored under ``key``."""


def redis_from_env(*, server: Any = None) -> Any:
    """A Redis client: the real server at ``$TARENTO_REDIS_URL``, else fakeredis with Lua.

    ``server`` (a ``fakeredis.FakeServer``) picks which fake server to talk to; clients built
    with the same one share data, like two app instances sharing one Redis.
    """
    url = settings().redis_url
    if url:
        import redis

        return redis.Redis.from_url(url)
    import fakeredis

    return fakeredis.FakeRedis(server=server if server is not None else fakeredis.FakeServer())


def store_from_url(url: str, *, time_source: str = "clock") -> Storage:
    """A store for ``memory://``, ``redis://…``/``rediss://…``/``unix://…`` or ``fakeredis://``.

    ``time_source`` (Redis only): ``"clock"`` uses the limiter's injected clock, ``"server"``
    the Redis server's ``TIME`` (the one clock every app instance agrees on).
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
        import redis

        return RedisStore(redis.Redis.from_url(url), time_source=time_source)
    raise ConfigurationError(
        f"unknown storage URL scheme {scheme or url!r}; use memory://, redis://, rediss://, "
        "unix:// or fakeredis://"
    )
