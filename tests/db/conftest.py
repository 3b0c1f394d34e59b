"""Fixtures of the db tests: database URLs for the embedded default
(SQLite files) and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tarento_lib.clock import FakeClock
from tarento_lib.db import ConnectionManager
from tests.backends import DATABASE_BACKENDS, DATABASE_REPLICA_URLS, DATABASE_URL


def sqlite_urls(directory: Path, replicas: int = 2) -> list[str]:
    names = ["primary", *(f"replica{i}" for i in range(1, replicas + 1))]
    return [f"sqlite+aiosqlite:///{directory / name}.db" for name in names]


@pytest.fixture(params=DATABASE_BACKENDS)
def db_urls(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """``[primary, replica1, replica2]`` on the backend under test."""
    if request.param == "sqlite":
        return sqlite_urls(tmp_path)
    if len(DATABASE_REPLICA_URLS) < 2:
        pytest.skip("TARENTO_DATABASE_REPLICA_URLS needs two URLs")
    return [DATABASE_URL, *DATABASE_REPLICA_URLS[:2]]


@pytest.fixture
def table() -> str:
    """A table name no other test (or xdist worker, or the content API's tests) uses."""
    return f"t_db_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_manager(db_urls: list[str], table: str) -> Callable[..., Any]:
    """``async with make_manager(replicas=2, **options)
    as m``: a manager with ``table`` on every node."""

    @asynccontextmanager
    async def build(replicas: int = 2, **options: Any) -> AsyncIterator[ConnectionManager]:
        options.setdefault("clock", FakeClock())
        options.setdefault("health_interval", None)
        manager = ConnectionManager(db_urls[0], db_urls[1 : 1 + replicas], **options)
        try:
            for node in manager.nodes:
                async with node.engine.begin() as conn:
                    await conn.execute(
                        text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(50))")
                    )
            yield manager
        finally:
            for node in manager.nodes:
                node.faults.clear()
                node.breaker.reset()
                async with node.engine.begin() as conn:
                    await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
            await manager.close()

    return build
