"""The free list behind the PostgreSQL public read: bounded,
fair to waiters, never reuses a failed connection."""

from __future__ import annotations

import asyncio

import pytest

from tarento_lib.content.database import ReadConnections

pytestmark = pytest.mark.asyncio


class FakeConnection:
    """Answers ``fetchrow`` after a short await; raises when told to; records being terminated."""

    def __init__(self, number: int) -> None:
        self.number, self.busy, self.terminated, self.closed = number, False, False, False
        self.fail_next = False

    async def fetchrow(self, sql: str, *args: object) -> tuple:
        assert not self.busy, "one query at a time per connection"
        self.busy = True
        try:
            await asyncio.sleep(0.001)
            if "pg_sleep" in sql:
                await asyncio.Event().wait()
            if self.fail_next:
                self.fail_next = False
                raise ConnectionResetError("server closed the connection")
            return (self.number, sql, args)
        finally:
            self.busy = False

    def terminate(self) -> None:
        self.terminated = True

    async def close(self) -> None:
        self.closed = True

    def add_query_logger(self, _callback: object) -> None: ...

    def remove_query_logger(self, _callback: object) -> None: ...


def factory() -> tuple[list[FakeConnection], object]:
    made: list[FakeConnection] = []

    async def connect() -> FakeConnection:
        await asyncio.sleep(0)
        made.append(FakeConnection(len(made)))
        return made[-1]

    return made, connect


async def test_at_most_size_connections_and_every_caller_served() -> None:
    made, connect = factory()
    readers = ReadConnections(connect, size=3)
    rows = await asyncio.gather(*(readers.fetchrow("SELECT $1", [i]) for i in range(40)))
    assert [row[2] for row in rows] == [(i,) for i in range(40)]
    assert len(made) == 3 and readers.opened == 3
    await readers.close()
    assert all(c.closed for c in made) and readers.opened == 0


async def test_a_failed_connection_is_dropped_and_replaced() -> None:
    made, connect = factory()
    readers = ReadConnections(connect, size=1)
    await readers.fetchrow("SELECT 1", [])
    made[0].fail_next = True
    waiting = asyncio.gather(
        readers.fetchrow("SELECT 1", []), readers.fetchrow("SELECT 2", []), return_exceptions=True
    )
    first, second = await waiting
    assert isinstance(first, ConnectionResetError) and made[0].terminated
    assert (
        second[0] == 1 and len(made) == 2 and readers.opened == 1
    )  # the waiter opened a fresh one
    await readers.close()


async def test_a_cancelled_waiter_leaves_nothing_behind() -> None:
    made, connect = factory()
    readers = ReadConnections(connect, size=1)
    holder = asyncio.create_task(readers.fetchrow("SELECT 1", []))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(readers.fetchrow("SELECT 2", []))
    await asyncio.sleep(0)
    waiter.cancel()
    assert (await holder)[0] == 0
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert (
        (await readers.fetchrow("SELECT 3", []))[0] == 0
        and len(made) == 1
        and not made[0].terminated
    )
    await readers.close()


async def test_a_query_cancelled_midway_closes_its_connection() -> None:
    made, connect = factory()
    readers = ReadConnections(connect, size=2)
    task = asyncio.create_task(readers.fetchrow("SELECT pg_sleep(1)", []))
    while not (made and made[0].busy):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert made[0].terminated and readers.opened == 0
    assert (await readers.fetchrow("SELECT 1", []))[0] == 1
    await readers.close()
