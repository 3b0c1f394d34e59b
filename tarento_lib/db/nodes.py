"""Database nodes: a URL checked early, an async engine with a real pool, a breaker and faults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from tarento_lib.db.breaker import CircuitBreaker
from tarento_lib.db.errors import ConfigurationError
from tarento_lib.db.faults import Faults

__all__ = ["Node", "PoolOptions", "check_url", "make_engine", "urls_from_env"]

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


def check_url(url: str | URL) -> URL:
    """Parse a database URL and insist on an async driver and a real (file or server) database."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"not a database URL: {url!r} ({exc})") from exc
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in ASYNC_DRIVERS:
        raise ConfigurationError(
            f"unsupported database {backend!r}; use one of: {', '.join(ASYNC_DRIVERS)}"
        )
    if driver != ASYNC_DRIVERS[backend]:
        wanted = f"{backend}+{ASYNC_DRIVERS[backend]}://"
        raise ConfigurationError(
            f"{parsed.drivername!r} is not an async driver; write the URL as {wanted}..."
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ConfigurationError(
            "in-memory SQLite gives each pooled connection its own empty database; use a file path"
        )
    return parsed


@dataclass(frozen=True)
class PoolOptions:
    """Pool settings of every engine: ``size`` kept open,
    ``overflow`` extra, ``timeout`` to wait for one."""

    size: int = 5
    overflow: int = 10
    timeout: float = 30.0
    recycle: float = 1800.0
    pre_ping: bool = True

    def __post_init__(self) -> None:
        for name, low in (("size", 1), ("overflow", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"pool {name} must be an int >= {low}, got {value!r}")
        for name in ("timeout", "recycle"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 < value < float("inf")
            ):
                raise ValueError(f"pool {name} must be a number of seconds > 0, got {value!r}")
        if not isinstance(self.pre_ping, bool):
            raise TypeError(f"pool pre_ping must be a bool, got {type(self.pre_ping).__name__}")


def make_engine(url: URL, pool: PoolOptions, **engine_options: Any) -> AsyncEngine:
    """An async engine with the asyncio-compatible queue pool
    (never ``QueuePool``), pre-ping and recycle."""
    return create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout,
        pool_recycle=pool.recycle,
        pool_pre_ping=pool.pre_ping,
        **engine_options,
    )


@dataclass(eq=False)
class Node:
    """One database the manager can hand out: the primary or a replica."""

    name: str
    role: str
    url: URL
    engine: AsyncEngine
    breaker: CircuitBreaker
    faults: Faults
    served: int = field(default=0)  # sessions handed out, for lessons and tests

    def describe(self) -> str:
        """The URL without its password (safe to log or show)."""
        return self.url.render_as_string(hide_password=True)


def urls_from_env(environ: dict[str, str] | None = None) -> tuple[str, tuple[str, ...]] | None:
    """``(primary, replicas)`` from ``TARENTO_DATABASE_URL``
    / ``TARENTO_DATABASE_REPLICA_URLS``, else ``None``."""
    env = os.environ if environ is None else environ
    primary = env.get("TARENTO_DATABASE_URL", "").strip()
    if not primary:
        return None
    replicas = tuple(
        u.strip() for u in env.get("TARENTO_DATABASE_REPLICA_URLS", "").split(",") if u.strip()
    )
    return primary, replicas
