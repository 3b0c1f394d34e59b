"""The Redis stores: every decision is one EVALSHA of the strategy's Lua script (one round trip,
atomic on the server), sent through the client's own connection pool.

Each store registers the scripts once (``client.register_script``); redis-py's ``Script`` sends
EVALSHA and, if the server has forgotten the script (a restart, ``SCRIPT FLUSH``), loads it and
tries again. :class:`RedisStore` takes a ``redis.Redis`` client; :class:`AsyncRedisStore` takes a
``redis.asyncio.Redis`` client and serves ``await limiter.ahit(...)``, so an async web app
decides without a thread.

Which clock? By default (``time_source="auto"``) a limiter built without a ``clock`` gets
Redis's ``TIME``, read by the script itself: the one clock every app instance shares, read inside
the atomic step. A limiter given a clock (a ``FakeClock`` in notebooks and tests) keeps it: its
time is read before the round trip, deterministic but stale under concurrent callers, so a clock
passed to a shared production limiter is a mistake. ``"server"`` uses ``TIME`` even then,
``"clock"`` always the limiter's clock.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from tarento_lib.ratelimit.decision import Decision, new_decision
from tarento_lib.ratelimit.errors import ConfigurationError, StorageError
from tarento_lib.ratelimit.storage.scripts import SCRIPTS

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["TIME_SOURCES", "AsyncRedisStore", "RedisStore"]

TIME_SOURCES = ("auto", "clock", "server")
_ONE = (b"1", "1")  # a client built with decode_responses=True answers str


class _Scripts:
    """What both Redis stores share: the registered scripts, the arguments and the reply."""

    def __init__(self, client: Any, time_source: str) -> None:
        if time_source not in TIME_SOURCES:
            raise ConfigurationError(
                f"time_source must be one of {TIME_SOURCES}, got {time_source!r}"
            )
        if not callable(getattr(client, "register_script", None)):
            raise TypeError(
                f"client must be a redis.Redis-like client, got {type(client).__name__}"
            )
        self.client = client
        self.time_source = time_source
        self.scripts = {name: client.register_script(text) for name, text in SCRIPTS.items()}

    def supports(self, strategy: str) -> bool:
        return strategy in self.scripts

    def _args(self, limiter: RateLimiter, cost: int, consume: bool) -> list[Any]:
        server_time = self.time_source == "server" or (
            self.time_source == "auto" and not limiter.clock_given
        )
        now = "" if server_time else limiter.now()  # '': the script reads the server's TIME
        args = [now, cost, 1 if consume else 0, *limiter.script_args()]
        if limiter.unique_members:
            args.append(secrets.token_hex(8))
        return args

    @staticmethod
    def _decision(limiter: RateLimiter, reply: Any) -> Decision:
        allowed, remaining, retry, reset = reply.split()
        return new_decision(
            (allowed in _ONE, limiter.limit, int(remaining), float(retry), float(reset), False)
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(time_source={self.time_source!r})"


class RedisStore(_Scripts):
    """Limiter state in Redis, shared by every process that uses the same server."""

    blocking = True

    def __init__(self, client: Any, *, time_source: str = "auto") -> None:
        super().__init__(client, time_source)

    def decide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        args = self._args(limiter, cost, consume)
        try:
            reply = self.scripts[limiter.name](keys=[key], args=args)
        except RedisError as exc:
            raise StorageError(
                f"redis {limiter.name} script failed: {type(exc).__name__}: {exc}"
            ) from exc
        return self._decision(limiter, reply)

    def clear(self, key: str) -> None:
        try:
            self.client.delete(key)
        except RedisError as exc:
            raise StorageError(f"redis DEL failed: {type(exc).__name__}: {exc}") from exc


class AsyncRedisStore(_Scripts):
    """:class:`RedisStore` on ``redis.asyncio``: use ``await limiter.ahit(key)``."""

    blocking = True

    def __init__(self, client: Any, *, time_source: str = "auto") -> None:
        super().__init__(client, time_source)

    async def adecide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        args = self._args(limiter, cost, consume)
        try:
            reply = await self.scripts[limiter.name](keys=[key], args=args)
        except RedisError as exc:
            raise StorageError(
                f"redis {limiter.name} script failed: {type(exc).__name__}: {exc}"
            ) from exc
        return self._decision(limiter, reply)

    async def aclear(self, key: str) -> None:
        try:
            await self.client.delete(key)
        except RedisError as exc:
            raise StorageError(f"redis DEL failed: {type(exc).__name__}: {exc}") from exc

    def decide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        raise TypeError("AsyncRedisStore decides asynchronously: use `await limiter.ahit(key)`")

    def clear(self, key: str) -> None:
        raise TypeError("AsyncRedisStore clears asynchronously: use `await limiter.areset(key)`")
