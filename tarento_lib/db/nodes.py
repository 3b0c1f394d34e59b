"""Database nodes: an async engine with a real pool, a breaker and faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from tarento_lib._validate import require_bool, require_int, require_number
from tarento_lib.config import async_engine
from tarento_lib.db.breaker import CircuitBreaker
from tarento_lib.db.faults import Faults

__all__ = ["Node", "PoolOptions", "make_engine"]


@dataclass(frozen=True)
class PoolOptions:
    """Pool settings of every engine: ``size`` kept open,
    ``overflow`` extra, ``timeout`` to wait.
    """

    size: int = 5
    overflow: int = 10
    timeout: float = 30.0
    recycle: float = 1800.0
    pre_ping: bool = True

    def __post_init__(self) -> None:
        require_int(self.size, "pool size", minimum=1)
        require_int(self.overflow, "pool overflow", minimum=0)
        require_number(self.timeout, "pool timeout", minimum=0, min_inclusive=False)
        require_number(self.recycle, "pool recycle", minimum=0, min_inclusive=False)
        require_bool(self.pre_ping, "pool pre_ping")


def make_engine(url: URL, pool: PoolOptions, **engine_options: Any) -> AsyncEngine:
    """An engine from :func:`tarento_lib.config.async_engine` with this lesson's pool options."""
    return async_engine(
        url,
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
