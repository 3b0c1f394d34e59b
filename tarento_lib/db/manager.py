"""The connection manager: pooled async engines, retry on connect, replica reads, breakers, health.

``async with manager.session() as s`` hands out a session on the primary;
``manager.session(read_only=True)`` one on a healthy replica, taking turns, falling back to the
primary. Only *getting the connection* is retried: the session connects (and the pool pre-pings)
inside the retry loop, and the caller's block runs once, after it, outside the loop. An error
raised by that block propagates unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib._validate import require_bool, require_number
from tarento_lib.clock import Clock, MonotonicClock
from tarento_lib.config import DATABASE_URL, parse_database_url, settings
from tarento_lib.db.breaker import CircuitBreaker
from tarento_lib.db.errors import CircuitOpenError, ConfigurationError, DatabaseUnavailable
from tarento_lib.db.faults import Faults
from tarento_lib.db.health import HealthReport, probe
from tarento_lib.db.nodes import Node, PoolOptions, make_engine
from tarento_lib.db.retry import default_retry_policy
from tarento_lib.retry import Attempt, Policy, RetryError, aretry_call

__all__ = ["ConnectEvent", "ConnectionManager"]


@dataclass(frozen=True)
class ConnectEvent:
    """One connection attempt on one node, as the manager saw it (kept for lessons and tests)."""

    at: float
    node: str
    ok: bool
    error: str | None = None


def _replica_list(replica_urls: Iterable[str] | None) -> list[str]:
    if replica_urls is None:
        return []
    if isinstance(replica_urls, (str, bytes)):
        raise TypeError(
            "replica_urls must be a list of URLs, not one string (it would be read letter by "
            "letter)"
        )
    return list(replica_urls)


class ConnectionManager:
    """Pooled connections to one primary and any number of read replicas (none is fine).

    ``retry`` is any :mod:`tarento_lib.retry` policy; the default, :func:`default_retry_policy`,
    retries transient errors only. A policy of your own retries what its ``retry`` predicate
    accepts: pass ``retry=is_transient`` to keep that rule.
    """

    def __init__(
        self,
        primary_url: str,
        replica_urls: Iterable[str] | None = (),
        *,
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_timeout: float = 30.0,
        pool_recycle: float = 1800.0,
        pool_pre_ping: bool = True,
        retry: Policy | None = None,
        clock: Clock | None = None,
        seed: int = 0,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        health_interval: float | None = 30.0,
        engine_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.pool = PoolOptions(pool_size, max_overflow, pool_timeout, pool_recycle, pool_pre_ping)
        self.retry = retry if retry is not None else default_retry_policy()
        if not callable(self.retry):
            raise TypeError(f"retry must be a policy (state -> seconds | None), got {retry!r}")
        self.clock = clock or MonotonicClock()
        self.connect_timeout = require_number(
            connect_timeout, "connect_timeout", minimum=0, min_inclusive=False
        )
        self.health_interval = (
            None
            if health_interval is None
            else require_number(health_interval, "health_interval", minimum=0, min_inclusive=False)
        )
        urls = [("primary", "primary", primary_url)]
        urls += [
            (f"replica{i}", "replica", url)
            for i, url in enumerate(_replica_list(replica_urls), start=1)
        ]
        parsed = [
            (name, role, parse_database_url(url)) for name, role, url in urls
        ]  # every URL checked before any engine

        def breaker() -> CircuitBreaker:
            return CircuitBreaker(failure_threshold, reset_timeout, clock=self.clock)

        self.nodes: tuple[Node, ...] = tuple(
            Node(
                name,
                role,
                url,
                make_engine(url, self.pool, **dict(engine_options or {})),
                breaker(),
                Faults(name, clock=self.clock, seed=seed + i),
            )
            for i, (name, role, url) in enumerate(parsed)
        )
        self._rng = random.Random(seed)
        self._turn = itertools.count()
        self._last_health = self.clock.now()
        self.events: deque[ConnectEvent] = deque(maxlen=500)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **options: Any
    ) -> ConnectionManager:
        """A manager for ``TARENTO_DATABASE_URL`` and ``TARENTO_DATABASE_REPLICA_URLS``."""
        env = settings(environ)
        if env.database_url is None:
            raise ConfigurationError(f"{DATABASE_URL} is not set")
        return cls(env.database_url, env.database_replica_urls, **options)

    # --- nodes -------------------------------------------------------------------------------

    @property
    def primary(self) -> Node:
        return self.nodes[0]

    @property
    def replicas(self) -> tuple[Node, ...]:
        return self.nodes[1:]

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node named {name!r}; nodes: {', '.join(n.name for n in self.nodes)}")

    def faults(self, name: str) -> Faults:
        """The fault switches of node ``name`` (``"primary"``, ``"replica1"``, ...)."""
        return self.node(name).faults

    def _candidates(self, read_only: bool) -> list[Node]:
        if not read_only or not self.replicas:
            return [self.primary]
        turn = next(self._turn) % len(self.replicas)
        return [*self.replicas[turn:], *self.replicas[:turn], self.primary]

    # --- sessions ----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def session(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session on the primary (or, ``read_only=True``, a replica); closed when the block ends.

        Commit inside the block to keep writes; whatever is not committed is rolled back.
        ``session.info["node"]`` names the node that served it.
        """
        require_bool(read_only, "read_only")
        await self._refresh_health_if_due()
        node, session = await self._acquire(read_only)
        try:
            yield session
        except BaseException as error:
            if isinstance(error, DBAPIError) and error.connection_invalidated:
                node.breaker.record_failure()
            with contextlib.suppress(Exception):  # never let cleanup hide the caller's own error
                await session.close()
            raise
        await session.close()

    def dependency(self, *, read_only: bool = False) -> Callable[[], AsyncIterator[AsyncSession]]:
        """A FastAPI dependency with no parameters, so a client can never choose the node."""

        async def get_session() -> AsyncIterator[AsyncSession]:
            async with self.session(read_only=read_only) as session:
                yield session

        get_session.__name__ = "get_read_session" if read_only else "get_write_session"
        return get_session

    async def _acquire(
        self, read_only: bool, record: list[Attempt] | None = None
    ) -> tuple[Node, AsyncSession]:
        what = "connecting for a read" if read_only else "connecting to the primary"
        try:
            return await aretry_call(
                lambda: self._connect_once(read_only),
                self.retry,
                clock=self.clock,
                rng=self._rng,
                record=record,
                what=what,
            )
        except RetryError as error:
            raise DatabaseUnavailable(
                f"database unavailable: {error}",
                attempts=error.attempts,
                elapsed=error.elapsed,
                last_error=error.last_error,
            ) from error.last_error

    async def _connect_once(self, read_only: bool) -> tuple[Node, AsyncSession]:
        """One attempt: try each candidate node in turn
        (failover); raise the last error if none answers."""
        errors: list[Exception] = []
        for node in self._candidates(read_only):
            if not node.breaker.allow():
                errors.append(CircuitOpenError(node.name, node.breaker.retry_after()))
                continue
            try:
                session = await self._open_on(node)
            except BaseException as error:
                node.breaker.record_failure()
                self.events.append(
                    ConnectEvent(self.clock.now(), node.name, False, type(error).__name__)
                )
                if not isinstance(error, Exception):
                    raise
                errors.append(error)
                continue
            node.breaker.record_success()
            node.served += 1
            self.events.append(ConnectEvent(self.clock.now(), node.name, True))
            return node, session
        real = [e for e in errors if not isinstance(e, CircuitOpenError)]
        raise (real or errors)[-1]

    async def _open_on(self, node: Node) -> AsyncSession:
        node.faults.check()
        session = AsyncSession(node.engine, expire_on_commit=False, info={"node": node.name})
        try:
            async with asyncio.timeout(self.connect_timeout):
                await session.connection()  # check out (pre-ping) now, inside the retry loop
        except BaseException:
            with contextlib.suppress(Exception):
                await session.close()
            raise
        return session

    # --- health and lifecycle ------------------------------------------------------------------

    async def health(self) -> HealthReport:
        """Ping every node (``SELECT 1``) and report each
        one's state and latency; feeds the breakers."""
        self._last_health = self.clock.now()
        results = await asyncio.gather(
            *(probe(node, self.clock, self.connect_timeout) for node in self.nodes)
        )
        return HealthReport(tuple(results))

    async def _refresh_health_if_due(self) -> None:
        if (
            self.health_interval is not None
            and self.clock.now() - self._last_health >= self.health_interval
        ):
            await self.health()

    async def close(self) -> None:
        """Close every pooled connection of every node."""
        for node in self.nodes:
            await node.engine.dispose()

    async def __aenter__(self) -> ConnectionManager:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return (
            f"ConnectionManager(primary={self.primary.describe()!r}, replicas={len(self.replicas)})"
        )
