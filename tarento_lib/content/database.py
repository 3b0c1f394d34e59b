"""Engines and sessions from a URL: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) on demand.

Nothing connects until the first request, and nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import collections
import enum
import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util import await_, greenlet_spawn

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


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """One async engine and its session factory, plus lazy creation of the tables.

    ``READ_POOL_SIZE``: at most that many PostgreSQL connections for :meth:`fetch_first`, on top
    of the engine's pool (SQLAlchemy's default: 5, plus 10 overflow).

    ``schema`` (PostgreSQL only) puts the tables in their own schema, so parallel test
    workers sharing one database never see each other's rows.
    """

    READ_POOL_SIZE = 10

    def __init__(
        self,
        url: str | None = None,
        *,
        schema: str | None = None,
        now: Callable[[], datetime] = _utcnow,
        echo: bool = False,
    ) -> None:
        self.url = resolve_url(url)
        backend = make_url(self.url).get_backend_name()
        if schema is not None and (backend != "postgresql" or not _SCHEMA_NAME.match(schema)):
            raise ConfigurationError(
                f"schema must be a lower-case SQL identifier on PostgreSQL, got {schema!r}"
            )
        if not callable(now):
            raise TypeError(
                f"now must be a callable returning a datetime, got {type(now).__name__}"
            )
        self.backend, self.schema, self.now = backend, schema, now
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
        self._compiled: dict[Select[Any], tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        self._read_pool: ReadConnections | None = None  # fetch_first's connections on PostgreSQL
        self._query_loggers: set[Callable[[Any], None]] = set()
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
            # (compiled once, see fetch_first) then finds the tables with no per-statement
            # rewriting.
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

    async def fetch_first(
        self, statement: Select[Any], params: Mapping[str, Any]
    ) -> Sequence[Any] | None:
        """The first row of a read-only Core ``statement`` (raw driver values), sent by the driver.

        The hot read path. The statement is compiled for this dialect once; each call then sends
        the SQL text and its positional values straight through the driver: no session, no
        identity map, no result objects. On PostgreSQL it runs, with no greenlet, on asyncpg
        connections
        of its own (:class:`ReadConnections`), in autocommit, prepared once per connection; on
        SQLite on a connection of the engine's pool (the in-memory database has only one), with
        one aiosqlite thread hop. JSON columns come back as text. :meth:`statement_log` sees
        these statements too.
        """
        if not self._ready:
            await self.create_tables()
        compiled = self._compiled.get(statement)
        if compiled is None:
            compiled = self._compiled[statement] = _compile(statement, self.engine.dialect)
        sql, names, defaults = compiled
        args = [params[name] if name in params else defaults[name] for name in names]
        if self.backend == "postgresql":
            readers = self._read_pool or await self._reader()
            return await readers.fetchrow(sql, args, self._query_loggers)
        fairy = await greenlet_spawn(self.engine.sync_engine.pool.connect)
        try:
            rows = await fairy.driver_connection.execute_fetchall(sql, args)
        except BaseException as error:
            await greenlet_spawn(fairy.invalidate, error if isinstance(error, Exception) else None)
            raise
        finally:
            await greenlet_spawn(fairy.close)
        return rows[0] if rows else None

    async def _reader(self) -> ReadConnections:
        """The connections of :meth:`fetch_first` on PostgreSQL:
        the engine's server and credentials.
        """
        async with self._lock:
            if self._read_pool is None:
                import asyncpg  # the PostgreSQL driver, already required by the engine

                _args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
                for option in ("prepared_statement_cache_size", "prepared_statement_name_func"):
                    kwargs.pop(option, None)  # SQLAlchemy's own options, not asyncpg's
                if self.schema:
                    kwargs["server_settings"] = {"search_path": self.schema}
                self._read_pool = ReadConnections(
                    functools.partial(asyncpg.connect, **kwargs), self.READ_POOL_SIZE
                )
        return self._read_pool

    @asynccontextmanager
    async def statement_log(self) -> AsyncIterator[list[str]]:
        """Every SQL statement sent to the database inside the block, whichever layer sent it.

        Counted on each connection checked out during the block: SQLAlchemy's cursor events (ORM
        and Core) plus asyncpg's query logger (statements sent on the driver directly) on
        PostgreSQL; SQLite's own trace callback (every statement it runs) on SQLite. The list is
        complete when the block ends. For tests and demonstrations.
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
            self._query_loggers.add(on_query)  # fetch_first's own connections
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
                self._query_loggers.discard(on_query)
            for driver in touched.values():
                if postgres:
                    driver.remove_query_logger(on_query)
                else:
                    await driver.set_trace_callback(None)

    async def dispose(self) -> None:
        readers, self._read_pool = self._read_pool, None
        if readers is not None:
            await readers.close()
        await self.engine.dispose()


class ReadConnections:
    """A free list of asyncpg connections for :meth:`Database.fetch_first`.

    One SELECT at a time on each.

    Why not SQLAlchemy's pool: a checkout and a checkin there cost two greenlet switches and the
    pool's bookkeeping, more CPU than the SELECT itself. Why not asyncpg's pool: per checkout it
    makes a proxy object, arms and cancels an idle timer and, on release, sends a reset
    (``RESET ALL; UNLISTEN *; …``, a round trip). These connections only ever run a single
    SELECT outside any transaction and change no session state, so checking one out is popping
    it off a list. At most ``size`` connections open, on demand; a caller that finds none idle
    waits for the next one handed back. A connection whose query fails or is cancelled is closed
    instead of reused (its state is unknown), which also drops connections the server has cut.
    """

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect, self.size = connect, size
        self._loop = asyncio.get_running_loop()
        self._idle: list[Any] = []
        self._waiters: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.opened = 0

    async def fetchrow(
        self, sql: str, args: Sequence[Any], loggers: Collection[Callable[[Any], None]] = ()
    ) -> Any:
        conn = self._idle.pop() if self._idle else await self._checkout()
        try:
            if not loggers:
                row = await conn.fetchrow(sql, *args)
            else:  # a statement_log block is open
                for logger in loggers:
                    conn.add_query_logger(logger)
                try:
                    row = await conn.fetchrow(sql, *args)
                finally:  # the record is already scheduled for the loggers by now
                    for logger in loggers:
                        conn.remove_query_logger(logger)
        except BaseException:
            self._discard(conn)
            raise
        self._checkin(conn)
        return row

    async def _checkout(self) -> Any:
        while True:
            if self.opened < self.size:
                self.opened += 1
                try:
                    return await self._connect()
                except BaseException:
                    self.opened -= 1
                    self._wake(None)
                    raise
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self._checkin(waiter.result())  # handed a connection just as the caller gave up
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                raise
            if conn is not None:  # None: a slot opened up, go round and connect
                return conn

    def _checkin(self, conn: Any) -> None:
        if not self._wake(conn):
            self._idle.append(conn)

    def _discard(self, conn: Any) -> None:
        conn.terminate()
        self.opened -= 1
        self._wake(None)

    def _wake(self, conn: Any) -> bool:
        """Hand ``conn`` (or, with None, a free slot) to the first caller still waiting."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for waiter in self._waiters:
            waiter.cancel()
        same_loop = self._loop is asyncio.get_running_loop()
        for conn in idle:
            if same_loop:
                await conn.close()
            else:  # opened on another event loop (maybe closed by now): drop the sockets at once
                conn.terminate()
        self.opened -= len(idle)


def _compile(statement: Select[Any], dialect: Any) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """The SQL text of ``statement`` for ``dialect``, its positional names and defaults."""
    compiled = statement.compile(dialect=dialect)
    defaults = {
        name: (value.value if isinstance(value, enum.Enum) else value)
        for name, value in compiled.construct_params(_check=False).items()
    }
    return compiled.string, tuple(compiled.positiontup or ()), defaults


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
