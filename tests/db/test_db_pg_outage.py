"""A real PostgreSQL outage: stop the server mid-run, then start it again.

It stops the *shared* server, so it runs only when ``TARENTO_PG_CTL`` is set and never under
pytest-xdist (other workers' tests would see the outage); run it in a separate invocation:
``pytest -p no:xdist tests/db/test_db_pg_outage.py``. The server is started again in ``finally``,
whatever happens.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import uuid

import pytest
from sqlalchemy import text

from tarento_lib.clock import FakeClock
from tarento_lib.db import ConnectionManager, DatabaseUnavailable
from tarento_lib.retry import RetryPolicy, stop_after_attempt, wait_exponential
from tests.backends import (
    DATABASE_REPLICA_URLS,
    DATABASE_URL,
    PG_CTL,
    needs_pg_ctl,
    needs_postgres,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    needs_postgres,
    needs_pg_ctl,
    pytest.mark.skipif(
        bool(os.environ.get("PYTEST_XDIST_WORKER")),
        reason="stops the shared PostgreSQL: run without xdist",
    ),
]


def pg_ctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*shlex.split(PG_CTL), *args], capture_output=True, text=True, timeout=120
    )


async def count_rows(manager: ConnectionManager, table: str) -> list[int]:
    async with manager.session() as session:
        return list((await session.execute(text(f"SELECT id FROM {table} ORDER BY id"))).scalars())


@pytest.mark.asyncio
async def test_an_outage_fails_fast_with_a_clear_error_and_the_manager_recovers_after_restart() -> (
    None
):
    clock, table = FakeClock(), f"t_outage_{uuid.uuid4().hex[:10]}"
    policy = RetryPolicy(stop=stop_after_attempt(4), wait=wait_exponential(0.5, maximum=4))
    replicas = DATABASE_REPLICA_URLS
    manager = ConnectionManager(
        DATABASE_URL,
        replicas,
        clock=clock,
        retry=policy,
        failure_threshold=3,
        reset_timeout=30,
        health_interval=None,
        connect_timeout=20,
    )
    try:
        async with manager.session() as session:
            await session.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)"))
            await session.execute(text(f"INSERT INTO {table} VALUES (1)"))
            await session.commit()
        stopped = pg_ctl("stop", "-m", "fast")
        assert stopped.returncode == 0, stopped.stderr
        try:
            for read_only in (False, True):
                with pytest.raises(
                    DatabaseUnavailable, match=r"database unavailable: .* failed after 4 attempts"
                ) as caught:
                    async with manager.session(read_only=read_only):
                        pytest.fail("the block must not run during the outage")
                assert caught.value.attempts == 4
            assert clock.sleeps[:3] == [
                0.5,
                1.0,
                2.0,
            ]  # bounded, backed off, and on the injected clock
            report = await manager.health()
            assert report.http_status == 503 and not any(report.summary().values())
        finally:
            started = pg_ctl("start")
        assert started.returncode == 0, started.stderr
        clock.advance(30)  # the breakers' cool-down: the next attempt is a half-open trial
        assert await count_rows(manager, table) == [1]  # nothing committed was lost
        async with manager.session() as session:
            await session.execute(text(f"INSERT INTO {table} VALUES (2)"))
            await session.commit()
        assert await count_rows(manager, table) == [1, 2]
        assert (await manager.health()).status == "healthy"
    finally:
        if pg_ctl("status").returncode != 0:
            pg_ctl("start")
        async with manager.primary.engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        await manager.close()
