"""One test per Q7 pitfall of the typical answer: tarento_lib does the right thing instead."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import sqlalchemy.exc
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

from tarento_lib.clock import FakeClock
from tarento_lib.db import ConnectionManager, DatabaseUnavailable
from tarento_lib.db.demo import User, create_schema, create_users_app
from tarento_lib.retry import RetryPolicy, stop_after_attempt, wait_fixed


def sqlite_urls(directory: Path, replicas: int = 2) -> list[str]:
    return [
        f"sqlite+aiosqlite:///{directory / name}.db"
        for name in ["primary", *(f"replica{i}" for i in range(1, replicas + 1))]
    ]


@pytest_asyncio.fixture
async def manager(tmp_path: Path) -> AsyncIterator[ConnectionManager]:
    urls = sqlite_urls(tmp_path)
    manager = ConnectionManager(urls[0], urls[1:], clock=FakeClock(), health_interval=None)
    await create_schema(manager)
    yield manager
    await manager.close()


@pytest_asyncio.fixture
async def client(manager: ConnectionManager) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_users_app(manager))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def names_per_node(manager: ConnectionManager, name: str) -> dict[str, int]:
    counts = {}
    for node in manager.nodes:
        async with node.engine.connect() as conn:
            counts[node.name] = (
                await conn.execute(select(func.count()).where(User.name == name))
            ).scalar_one()
    return counts


@pytest.mark.asyncio
async def test_q7_1_engines_use_the_asyncio_queue_pool(tmp_path: Path) -> None:
    with pytest.raises(
        sqlalchemy.exc.ArgumentError, match="QueuePool cannot be used with asyncio engine"
    ):
        create_async_engine(
            sqlite_urls(tmp_path)[0], poolclass=QueuePool
        )  # the guide's construction
    manager = ConnectionManager(sqlite_urls(tmp_path)[0], pool_size=3, max_overflow=2)
    assert isinstance(manager.primary.engine.pool, AsyncAdaptedQueuePool)
    assert manager.primary.engine.pool.size() == 3
    await manager.close()


@pytest.mark.asyncio
async def test_q7_2_no_replicas_is_a_valid_configuration(tmp_path: Path) -> None:
    for replicas in ((), None, []):
        manager = ConnectionManager(sqlite_urls(tmp_path)[0], replicas, health_interval=None)
        async with manager.session(read_only=True) as session:
            assert session.info["node"] == "primary"
        await manager.close()


@pytest.mark.asyncio
async def test_q7_3_health_of_two_reachable_sqlite_databases_is_true(tmp_path: Path) -> None:
    urls = sqlite_urls(tmp_path, replicas=1)
    async with ConnectionManager(urls[0], urls[1:]) as manager:
        assert (await manager.health()).summary() == {"primary": True, "replica1": True}


@pytest.mark.asyncio
async def test_q7_3_the_endpoint_answers_200_with_per_node_detail(
    client: httpx.AsyncClient, manager
) -> None:
    response = await client.get("/health/database")
    assert response.status_code == 200 and response.json()["status"] == "healthy"
    assert [node["name"] for node in response.json()["nodes"]] == [
        "primary",
        "replica1",
        "replica2",
    ]
    manager.faults("primary").down()
    response = await client.get("/health/database")
    assert response.status_code == 503 and response.json()["status"] == "down"


@pytest.mark.asyncio
async def test_q7_4_the_callers_exception_propagates_unchanged_at_once(
    manager: ConnectionManager,
) -> None:
    clock = manager.clock
    with pytest.raises(ValueError, match="user not found") as caught:
        async with manager.session():
            raise ValueError("user not found")
    assert type(caught.value) is ValueError and clock.sleeps == []
    assert manager.primary.engine.pool.checkedout() == 0


@pytest.mark.asyncio
async def test_q7_4_an_http_404_from_the_route_stays_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/999")
    assert response.status_code == 404 and response.json() == {"detail": "user not found"}


@pytest.mark.asyncio
async def test_q7_5_connecting_happens_inside_the_retry_loop() -> None:
    unreachable = (
        "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"  # loopback port 1: refused at once
    )
    clock = FakeClock()
    policy = RetryPolicy(stop=stop_after_attempt(3), wait=wait_fixed(1))
    ran = []
    async with ConnectionManager(
        unreachable, clock=clock, retry=policy, health_interval=None
    ) as manager:
        with pytest.raises(DatabaseUnavailable, match="after 3 attempts") as caught:
            async with manager.session():
                ran.append("body")
    assert ran == [] and clock.sleeps == [1, 1]
    assert isinstance(caught.value.__cause__, ConnectionRefusedError)


@pytest.mark.asyncio
async def test_q7_6_reads_get_a_real_session_bound_to_a_replica(
    client: httpx.AsyncClient, manager
) -> None:
    for node in manager.replicas:  # stand-in replicas: copy the row by hand
        async with node.engine.begin() as conn:
            await conn.execute(User.__table__.insert().values(id=1, name="asha", is_admin=False))
    response = await client.get("/users/1")
    assert response.status_code == 200 and response.json() == {
        "id": 1,
        "name": "asha",
        "is_admin": False,
    }
    assert response.headers["X-Served-By"] == "replica1"


@pytest.mark.asyncio
async def test_q7_7_writes_always_go_to_the_primary(client: httpx.AsyncClient, manager) -> None:
    spec = (await client.get("/openapi.json")).json()
    parameters = spec["paths"]["/users"]["post"].get("parameters", [])
    assert parameters == []
    response = await client.post("/users?read_only=true", json={"name": "bob"})
    assert response.status_code == 201 and response.headers["X-Served-By"] == "primary"
    assert await names_per_node(manager, "bob") == {"primary": 1, "replica1": 0, "replica2": 0}


@pytest.mark.parametrize(
    "body",
    [{"name": "eve", "is_admin": True}, {"nme": "typo"}, {"name": "eve", "id": 5}, {"name": ""}],
)
@pytest.mark.asyncio
async def test_q7_8_privileged_or_unknown_fields_are_a_422(
    client: httpx.AsyncClient, manager, body: dict
) -> None:
    response = await client.post("/users", json=body)
    assert response.status_code == 422 and "detail" in response.json()
    assert await names_per_node(manager, "eve") == {"primary": 0, "replica1": 0, "replica2": 0}


@pytest.mark.asyncio
async def test_q7_9_reads_are_spread_and_an_unhealthy_primary_is_not_handed_out(
    manager: ConnectionManager,
) -> None:
    nodes = []
    for _ in range(6):
        async with manager.session(read_only=True) as session:
            nodes.append(session.info["node"])
    assert nodes == ["replica1", "replica2"] * 3
    for _ in range(manager.primary.breaker.failure_threshold):
        manager.primary.breaker.record_failure()  # the primary is known to be unhealthy
    manager.retry = RetryPolicy(stop=stop_after_attempt(2), wait=wait_fixed(0.1))
    with pytest.raises(DatabaseUnavailable, match="circuit of 'primary' is open"):
        async with manager.session():
            pass


def test_q7_10_the_modules_import_and_build_nothing_at_import_time() -> None:
    code = (
        "import tarento_lib.db, tarento_lib.db.demo, tarento_lib.db.manager, "
        "tarento_lib.db.health; "
        "from sqlalchemy.ext.asyncio import AsyncEngine; from fastapi import FastAPI; "
        "mods = [tarento_lib.db, tarento_lib.db.demo, tarento_lib.db.manager, "
        "tarento_lib.db.health]; "
        "built = [n for m in mods for n, v in vars(m).items() if isinstance(v, (AsyncEngine, "
        "FastAPI, tarento_lib.db.ConnectionManager))]; "
        "print(built)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]" and result.stderr == ""
    assert AsyncEngine  # the type the check looks for


class _ClosingManager(ConnectionManager):
    closed = 0

    async def close(self) -> None:
        self.closed += 1
        await super().close()


@pytest.mark.asyncio
async def test_the_apps_lifespan_closes_the_manager_on_shutdown(tmp_path: Path) -> None:
    manager = _ClosingManager(sqlite_urls(tmp_path, replicas=0)[0], health_interval=None)
    app = create_users_app(manager)
    async with app.router.lifespan_context(app):
        assert manager.closed == 0
    assert manager.closed == 1
