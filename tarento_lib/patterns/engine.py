"""Async SQLAlchemy engines and sessions for the patterns lesson (SQLite by default).

SQLite's Python driver opens transactions lazily and ignores ``SAVEPOINT`` bookkeeping, so
:func:`create_engine` takes over ``BEGIN`` itself, as the SQLAlchemy documentation advises;
then nested transactions (savepoints) behave as they do on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tarento_lib.config import async_engine

__all__ = ["DEFAULT_URL", "create_engine", "session_factory"]

DEFAULT_URL = "sqlite+aiosqlite:///:memory:"


def create_engine(url: str = DEFAULT_URL, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (:func:`tarento_lib.config.async_engine`'s rules and pool
    options); SQLite engines get working savepoints."""
    engine = async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _enable_sqlite_savepoints(engine)
    return engine


def _enable_sqlite_savepoints(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _emit_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (no surprise lazy loads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)
