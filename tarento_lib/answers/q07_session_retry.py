"""Q7 · Connection pooling with retry and failover: the answer to write in the interview.

* **Pooling** is the engine's job: ``pooled_engine(url)`` sets the pool's size, overflow, checkout
  timeout and recycle time, and ``pool_pre_ping`` checks a pooled connection before handing it
  out (the health check), so a connection the server dropped is replaced, not returned.
* **Retry** only what can heal: ``is_transient`` says yes to a refused or dropped connection and a
  timeout, no to a bug (``ValueError``) or a constraint violation, which would fail again.
* **Backoff** is a pure policy, ``retry_delay(state) -> seconds | None``: ``None`` after 6 attempts
  or 30 s, else ``jitter * min(8, 2 ** (attempt - 1))`` (exponential, capped, full jitter, so a
  crowd of clients does not retry in lockstep). The loop draws the jitter, asks, and sleeps.
* **Failover**: ``Database.session(readonly=True)`` tries the primary, then the replica, in each
  attempt; writes go to the primary only (a replica refuses them until it is promoted).
* Only *getting a connection* is retried. The block inside ``async with`` runs once: replaying a
  half-done transaction is the caller's decision (it must be idempotent).

Time: a healthy call costs one pool checkout (plus a ``SELECT 1`` pre-ping); an outage costs at
most 6 rounds and 30 s of waiting. Space: O(1) besides the pools.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

__all__ = ["Database"]

MAX_ATTEMPTS, DEADLINE, BASE, CAP = 6, 30.0, 1.0, 8.0


@dataclass(frozen=True)
class RetryState:
    """What the policy sees after attempt number ``attempt`` (from 1) failed with ``error``."""

    attempt: int
    elapsed: float  # seconds since the first attempt began
    error: BaseException
    jitter: float  # a uniform draw in [0, 1), made by the loop


def is_transient(error: BaseException) -> bool:
    """A connection problem that a later attempt may not have; a bug is never one."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error, OperationalError)
    return isinstance(error, (ConnectionError, TimeoutError, PoolTimeout))


def retry_delay(state: RetryState) -> float | None:
    """Seconds to wait before the next attempt, or ``None`` to give up."""
    if not is_transient(state.error):
        return None
    if state.attempt >= MAX_ATTEMPTS or state.elapsed >= DEADLINE:  # before 2 ** attempt
        return None
    return state.jitter * min(CAP, BASE * 2 ** (state.attempt - 1))


def pooled_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An engine whose pool checks connections before use and replaces old ones."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size // 2,  # a short burst over the steady size
        pool_timeout=5,  # wait at most 5 s for a free connection, then PoolTimeout
        pool_recycle=1800,  # replace connections before the server or a proxy drops them
        pool_pre_ping=True,
    )


class Database:
    """Sessions on a primary (and an optional read replica), with retry and failover."""

    def __init__(
        self,
        primary: AsyncEngine,
        replica: AsyncEngine | None = None,
        *,
        policy: Callable[[RetryState], float | None] = retry_delay,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.primary, self.replica, self.policy = primary, replica, policy
        self._sleep, self._now, self._rng = sleep, now, rng or random.Random()

    @asynccontextmanager
    async def session(self, *, readonly: bool = False) -> AsyncIterator[AsyncSession]:
        """A session on a healthy connection; reads may fail over to the replica."""
        engines = [self.primary]
        if readonly and self.replica is not None:
            engines.append(self.replica)
        connection = await self._connect(engines)
        try:
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session
        finally:
            await connection.close()  # back to its pool

    async def _connect(self, engines: list[AsyncEngine]) -> AsyncConnection:
        start, attempt = self._now(), 1
        while True:
            try:
                return await self._first_healthy(engines)
            except Exception as error:
                delay = self.policy(
                    RetryState(attempt, self._now() - start, error, self._rng.random())
                )
                if delay is None:
                    raise
            await self._sleep(delay)
            attempt += 1

    @staticmethod
    async def _first_healthy(engines: list[AsyncEngine]) -> AsyncConnection:
        """A connection from the first engine that gives one; the last error otherwise."""
        for engine in engines[:-1]:
            try:
                return await engine.connect()
            except Exception as error:
                if not is_transient(error):
                    raise
        return await engines[-1].connect()
