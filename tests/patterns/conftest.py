"""Database fixtures for the patterns tests: SQLite always,
PostgreSQL when TARENTO_DATABASE_URL is set."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tarento_lib.patterns.demo import Base
from tarento_lib.patterns.engine import create_engine, session_factory
from tests.backends import DATABASE_BACKENDS, DATABASE_URL


@pytest_asyncio.fixture(params=DATABASE_BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A fresh database per test: a SQLite file, or a private schema on the real PostgreSQL."""
    if request.param == "sqlite":
        built = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'patterns.db'}")
        async with built.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        yield built
        await built.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(DATABASE_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    built = create_engine(DATABASE_URL).execution_options(schema_translate_map={None: schema})
    async with built.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield built
    await built.dispose()
    async with admin.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)
