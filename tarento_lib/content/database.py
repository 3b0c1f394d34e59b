"""Engines and sessions from a URL: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) on demand.

Nothing connects until the first request, and nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from tarento_lib.content.errors import ConfigurationError
from tarento_lib.content.models import Base

__all__ = ["Database", "resolve_url", "DEFAULT_URL", "ENV_VAR"]

ENV_VAR = "TARENTO_DATABASE_URL"
DEFAULT_URL = "sqlite+aiosqlite://"  # in memory: one connection, kept for the app's lifetime
_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def resolve_url(database_url: str | None) -> str:
    """``database_url``, else ``$TARENTO_DATABASE_URL``, else in-memory SQLite; async drivers only."""
    raw = database_url or os.environ.get(ENV_VAR) or DEFAULT_URL
    try:
        url = make_url(raw)
    except ArgumentError:
        # The text is not echoed: a URL may carry a password.
        raise ConfigurationError("database_url is not a database URL (dialect+driver://user@host/db)") from None
    expected = _DRIVERS.get(url.get_backend_name())
    if expected is None or url.drivername != expected:
        allowed = " or ".join(f"{d}://..." for d in _DRIVERS.values())
        raise ConfigurationError(f"database_url must use {allowed}, got {url.drivername}://...")
    return raw


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """One async engine and its session factory, plus lazy creation of the tables.

    ``schema`` (PostgreSQL only) puts the tables in their own schema, so parallel test
    workers sharing one database never see each other's rows.
    """

    def __init__(self, url: str | None = None, *, schema: str | None = None,
                 now: Callable[[], datetime] = _utcnow, echo: bool = False) -> None:
        self.url = resolve_url(url)
        backend = make_url(self.url).get_backend_name()
        if schema is not None and (backend != "postgresql" or not _SCHEMA_NAME.match(schema)):
            raise ConfigurationError(f"schema must be a lower-case SQL identifier on PostgreSQL, got {schema!r}")
        if not callable(now):
            raise TypeError(f"now must be a callable returning a datetime, got {type(now).__name__}")
        self.backend, self.schema, self.now = backend, schema, now
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **self._engine_options())
        if backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads of one statement need no transaction: on PostgreSQL autocommit saves the BEGIN and
        # ROLLBACK round trips. (pysqlite never opens one for a SELECT, and resetting its isolation
        # level costs an extra PRAGMA, so SQLite reads use the ordinary sessions.)
        reader = self.engine.execution_options(isolation_level="AUTOCOMMIT") if backend == "postgresql" else self.engine
        self.read_sessions = async_sessionmaker(reader, expire_on_commit=False)
        self._ready = False
        self._lock = asyncio.Lock()

    def _engine_options(self) -> dict[str, Any]:
        url = make_url(self.url)
        if self.backend == "sqlite" and url.database in (None, "", ":memory:"):
            # A private in-memory database lives as long as its one connection: keep exactly one.
            return {"poolclass": AsyncAdaptedQueuePool, "pool_size": 1, "max_overflow": 0, "pool_recycle": -1}
        # No pool_pre_ping: it costs a round trip per request; dead connections are Q7's job.
        options: dict[str, Any] = {"pool_recycle": 1800}
        if self.schema:
            options["execution_options"] = {"schema_translate_map": {None: self.schema}}
        return options

    async def create_tables(self) -> None:
        """Create the schema (if any) and the tables once; later calls return at once."""
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            async with self.engine.begin() as conn:
                if self.schema:
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                await conn.run_sync(Base.metadata.create_all)
            self._ready = True

    async def drop_schema(self) -> None:
        """Drop the private schema and everything in it (PostgreSQL test clean-up)."""
        if self.schema:
            async with self.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            self._ready = False

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session on a ready database, rolled back if the block raises."""
        await self.create_tables()
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only, in autocommit mode (each statement sees committed data)."""
        await self.create_tables()
        async with self.read_sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
