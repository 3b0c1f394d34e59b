"""Engines and sessions from a URL: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) on demand.

Nothing connects until the first request, and nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util import await_

from tarento_lib import config
from tarento_lib.content.errors import ConfigurationError
from tarento_lib.content.models import Base

__all__ = ["DEFAULT_URL", "Database", "resolve_url"]

DEFAULT_URL = "sqlite+aiosqlite://"  # in memory: one connection, kept for the app's lifetime
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def resolve_url(database_url: str | None) -> str:
    """``database_url``, else ``$TARENTO_DATABASE_URL``, else in-memory SQLite (async drivers)."""
    raw = database_url or config.settings().database_url or DEFAULT_URL
    try:
        config.parse_database_url(raw)
    except config.ConfigurationError as error:
        raise ConfigurationError(str(error)) from None
    return raw


class Database:
    """One async engine and its session factory, plus lazy creation of the tables.

    ``schema`` (PostgreSQL only) puts the tables in their own schema, so parallel test
    workers sharing one database never see each other's rows.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        schema: str | None = None,
        echo: bool = False,
    ) -> None:
        self.url = resolve_url(url)
        backend = make_url(self.url).get_backend_name()
        if schema is not None and (backend != "postgresql" or not _SCHEMA_NAME.match(schema)):
            raise ConfigurationError(
                f"schema must be a lower-case SQL identifier on PostgreSQL, got {schema!r}"
            )
        self.backend, self.schema = backend, schema
        self.engine: AsyncEngine = config.async_engine(
            self.url, echo=echo, **self._engine_options()
        )
        if backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads of one statement need no transaction: on PostgreSQL autocommit saves the BEGIN and
        # ROLLBACK round trips. (pysqlite never opens one for a SELECT, and resetting its isolation
        # level costs an extra PRAGMA, so SQLite reads use the ordinary sessions.)
        reader = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if backend == "postgresql"
            else self.engine
        )
        self.read_sessions = async_sessionmaker(reader, expire_on_commit=False)
        self._ready = False
        self._lock = asyncio.Lock()

    def _engine_options(self) -> dict[str, Any]:
        # In-memory SQLite gets its single connection from config.async_engine, whatever we ask.
        # No pool_pre_ping: it costs a round trip per request; dead connections are Q7's job.
        # pool_size=15, no overflow: the same ceiling as SQLAlchemy's default (5 + 10 overflow), but
        # a connection, once opened, stays open. With overflow, every checkin beyond five closes a
        # connection that the next burst opens again (on PostgreSQL a new server process and
        # SQLAlchemy's type introspection; on SQLite a new thread), which under steady concurrency
        # costs more than the queries.
        options: dict[str, Any] = {"pool_recycle": 1800, "pool_size": 15, "max_overflow": 0}
        if self.schema:
            # The schema is the connection's search_path, set once when it connects: unqualified SQL
            # then finds the tables with no per-statement rewriting.
            options["connect_args"] = {"server_settings": {"search_path": self.schema}}
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

    @asynccontextmanager
    async def statement_log(self) -> AsyncIterator[list[str]]:
        """Every SQL statement sent to the database inside the block, whichever layer sent it.

        Counted on each connection checked out during the block: SQLAlchemy's cursor events (ORM
        and Core) plus asyncpg's query logger on PostgreSQL; SQLite's own trace callback (every
        statement it runs) on SQLite. The list is complete when the block ends. For tests and
        demonstrations.
        """
        seen: list[str] = []
        engine, pool, postgres = (
            self.engine.sync_engine,
            self.engine.sync_engine.pool,
            self.backend == "postgresql",
        )
        touched: dict[int, Any] = {}

        def on_cursor(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            seen.append(statement)

        def on_query(record: Any) -> None:
            seen.append(record.query)

        def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            driver = dbapi_connection.driver_connection
            if (
                id(driver) not in touched
            ):  # checkouts run inside a greenlet, so await_ may wait here
                touched[id(driver)] = driver
                if postgres:
                    driver.add_query_logger(on_query)
                else:
                    await_(driver.set_trace_callback(seen.append))

        if (
            postgres
        ):  # asyncpg's logger misses prepared statements, which is how SQLAlchemy sends them
            event.listen(engine, "before_cursor_execute", on_cursor)
        event.listen(pool, "checkout", on_checkout)
        try:
            yield seen
        finally:
            for _ in range(
                2
            ):  # asyncpg hands each logged query to its callbacks on the next loop turn
                await asyncio.sleep(0)
            event.remove(pool, "checkout", on_checkout)
            if postgres:
                event.remove(engine, "before_cursor_execute", on_cursor)
            for driver in touched.values():
                if postgres:
                    driver.remove_query_logger(on_query)
                else:
                    await driver.set_trace_callback(None)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
