"""The Redis store: every decision is one EVALSHA of the strategy's Lua script (one round trip,
atomic on the server). Scripts are loaded once per store and reloaded if Redis forgets them.

Which clock? By default (``time_source="auto"``) a limiter built without a ``clock`` gets
Redis's ``TIME``, read by the script itself: the one clock every app instance shares, read inside
the atomic step, so concurrent callers are ordered by the time they are decided at. A limiter
given a clock (a ``FakeClock`` in notebooks and tests) keeps it: its time is read before the
round trip, which is deterministic but can go stale under concurrent callers, so a clock passed
to a shared production limiter is a mistake. ``"server"`` uses ``TIME`` even then, ``"clock"``
always the limiter's clock.

The round trip itself skips redis-py's per-command pool checkout: with a plain ``ConnectionPool``
the store keeps its own idle connections (opened with the client's settings) and sends EVALSHA
on one directly. The checkout polls the socket for stray data before every command, and
profiling showed those system calls cost about as much client CPU as the EVALSHA exchange
itself. A connection is reused only after a complete reply; any failure mid-exchange closes it.
Other clients (cluster, sentinel, client-side caching, a bounded pool) go through ``evalsha``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
from redis.exceptions import NoScriptError, RedisError, ResponseError

from tarento_lib.ratelimit.decision import Decision, new_decision
from tarento_lib.ratelimit.errors import ConfigurationError, StorageError
from tarento_lib.ratelimit.storage.scripts import SCRIPTS

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["TIME_SOURCES", "RedisStore"]

TIME_SOURCES = ("auto", "clock", "server")
_ONE = (b"1", "1")  # a client built with decode_responses=True answers str


class RedisStore:
    """Limiter state in Redis, shared by every process that uses the same server."""

    blocking = True

    def __init__(self, client: Any, *, time_source: str = "auto") -> None:
        if time_source not in TIME_SOURCES:
            raise ConfigurationError(
                f"time_source must be one of {TIME_SOURCES}, got {time_source!r}"
            )
        if not callable(getattr(client, "evalsha", None)):
            raise TypeError(
                f"client must be a redis.Redis-like client, got {type(client).__name__}"
            )
        self.client = client
        self.time_source = time_source
        self._server_time = time_source == "server"
        self._auto_time = time_source == "auto"
        self._shas: dict[str, str] = {}
        self._connect = _connection_factory(client)
        self._idle: list[Any] = []  # list.pop/append are atomic: threads never share a connection
        self._pid = os.getpid()

    def supports(self, strategy: str) -> bool:
        return strategy in SCRIPTS

    def decide(self, limiter: RateLimiter, key: str, cost: int, consume: bool) -> Decision:
        server = self._server_time or (self._auto_time and not limiter.clock_given)
        now = "" if server else limiter.now()  # '': the script reads the server's TIME
        args = (now, cost, 1 if consume else 0, *limiter.script_args())
        allowed, remaining, retry, reset = self._run(limiter.name, key, args).split()
        return new_decision(
            (allowed in _ONE, limiter.limit, int(remaining), float(retry), float(reset), False)
        )

    def clear(self, key: str) -> None:
        try:
            self.client.delete(key)
        except RedisError as exc:
            raise StorageError(f"redis DEL failed: {exc}") from exc

    def _run(self, name: str, key: str, args: tuple[Any, ...]) -> Any:
        try:
            sha = self._shas.get(name) or self._load(name)
            try:
                return self._evalsha(sha, key, args)
            except NoScriptError:  # the server restarted or ran SCRIPT FLUSH: load again, once
                return self._evalsha(self._load(name), key, args)
        except RedisError as exc:
            raise StorageError(f"redis {name} script failed: {type(exc).__name__}: {exc}") from exc

    def _evalsha(self, sha: str, key: str, args: tuple[Any, ...]) -> Any:
        """One EVALSHA: one write, one reply."""
        if self._connect is None:
            return self.client.evalsha(sha, 1, key, *args)
        if self._pid != os.getpid():  # a forked child must never share its parent's sockets
            self._idle, self._pid = [], os.getpid()
        idle = self._idle
        try:
            conn = idle.pop()
        except IndexError:
            conn = self._connect()
        try:
            conn.send_command("EVALSHA", sha, 1, key, *args)
            reply = conn.read_response()
        except ResponseError:  # the server answered (NOSCRIPT included): the connection is clean
            idle.append(conn)
            raise
        except (
            BaseException
        ):  # cut mid-exchange (error, timeout, interrupt): never reuse this socket
            conn.disconnect()
            raise
        idle.append(conn)
        return reply

    def _load(self, name: str) -> str:
        sha = self.client.script_load(SCRIPTS[name])
        self._shas[name] = sha if isinstance(sha, str) else sha.decode()
        return self._shas[name]

    def __repr__(self) -> str:
        return f"RedisStore(time_source={self.time_source!r})"


def _connection_factory(client: Any) -> Callable[[], Any] | None:
    """How to open a connection configured like ``client``'s, or None to go through the client.

    Only for a plain, unbounded ``redis.ConnectionPool`` without client-side caching (what
    ``redis.Redis(...)``, ``Redis.from_url`` and fakeredis build); anything else keeps its own
    logic.
    """
    pool = getattr(client, "connection_pool", None)
    if type(pool) is not redis.ConnectionPool or getattr(pool, "cache", None) is not None:
        return None
    if pool.max_connections < 2**31:  # a bound set on purpose: our own connections would not count
        return None
    return functools.partial(pool.connection_class, **pool.connection_kwargs)
