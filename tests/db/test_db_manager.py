"""ConnectionManager on SQLite files always, and on PostgreSQL when TARENTO_DATABASE_URL is set."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from tarento_lib.clock import FakeClock
from tarento_lib.db import (
    BreakerState,
    CircuitOpenError,
    ConnectionManager,
    DatabaseUnavailable,
    InjectedFault,
)
from tarento_lib.retry import RetryPolicy, stop_after_attempt, wait_fixed

pytestmark = pytest.mark.asyncio


async def served(manager: ConnectionManager, n: int, *, read_only: bool) -> list[str]:
    names = []
    for _ in range(n):
        async with manager.session(read_only=read_only) as session:
            names.append(session.info["node"])
    return names


async def test_writes_go_to_the_primary_and_reads_take_turns_over_replicas(make_manager) -> None:
    async with make_manager() as manager:
        assert await served(manager, 3, read_only=False) == ["primary"] * 3
        assert await served(manager, 4, read_only=True) == [
            "replica1",
            "replica2",
            "replica1",
            "replica2",
        ]


async def test_without_replicas_reads_use_the_primary(make_manager) -> None:
    async with make_manager(replicas=0) as manager:
        assert manager.replicas == ()
        assert await served(manager, 2, read_only=True) == ["primary", "primary"]


async def test_a_dead_replica_is_skipped_within_the_same_attempt(make_manager) -> None:
    clock = FakeClock()
    async with make_manager(clock=clock) as manager:
        manager.faults("replica1").down()
        assert await served(manager, 4, read_only=True) == ["replica2"] * 4
        assert clock.sleeps == []  # failover needed no backoff
        manager.faults("replica2").down()
        assert await served(manager, 2, read_only=True) == ["primary", "primary"]


async def test_a_dead_primary_fails_writes_after_the_bounded_retry_but_reads_still_work(
    make_manager,
) -> None:
    clock = FakeClock()
    policy = RetryPolicy(stop=stop_after_attempt(4), wait=wait_fixed(0.5))
    async with make_manager(clock=clock, retry=policy) as manager:
        manager.faults("primary").down()
        ran = []
        with pytest.raises(DatabaseUnavailable) as caught:
            async with manager.session():
                ran.append("body")
        assert ran == []
        assert caught.value.attempts == 4 and isinstance(caught.value.__cause__, InjectedFault)
        assert clock.sleeps == [0.5, 0.5, 0.5]
        assert await served(manager, 2, read_only=True) == ["replica1", "replica2"]


async def test_the_callers_error_propagates_unchanged_at_once_and_the_session_is_closed(
    make_manager,
) -> None:
    clock = FakeClock()
    async with make_manager(clock=clock) as manager:
        error = ValueError("user not found")
        runs = []
        with pytest.raises(ValueError) as caught:
            async with manager.session():
                runs.append(1)
                raise error
        assert caught.value is error and runs == [1]
        assert clock.sleeps == []
        assert manager.primary.engine.pool.checkedout() == 0


async def test_the_block_runs_once_even_when_connecting_needed_retries(
    make_manager, table: str
) -> None:
    clock = FakeClock()
    async with make_manager(
        clock=clock, retry=RetryPolicy(stop=stop_after_attempt(5), wait=wait_fixed(1))
    ) as manager:
        manager.faults("primary").fail_next(2)
        runs = 0
        async with manager.session() as session:
            runs += 1
            await session.execute(text(f"INSERT INTO {table} (id, name) VALUES (1, 'once')"))
            await session.commit()
        assert runs == 1 and clock.sleeps == [1, 1]
        assert [e.ok for e in manager.events] == [False, False, True]
        async with manager.session() as session:
            assert (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one() == 1


async def test_committed_rows_stay_and_uncommitted_ones_are_rolled_back(
    make_manager, table: str
) -> None:
    async with make_manager() as manager:
        async with manager.session() as session:
            await session.execute(text(f"INSERT INTO {table} (id, name) VALUES (1, 'kept')"))
            await session.commit()
            await session.execute(text(f"INSERT INTO {table} (id, name) VALUES (2, 'dropped')"))
        async with manager.session() as session:
            rows = (await session.execute(text(f"SELECT name FROM {table}"))).scalars().all()
        assert rows == ["kept"]


async def test_a_full_pool_raises_the_pool_timeout_once_without_retrying(make_manager) -> None:
    clock = FakeClock()
    async with make_manager(clock=clock, pool_size=1, max_overflow=0, pool_timeout=0.05) as manager:
        async with manager.session():
            with pytest.raises(
                sqlalchemy.exc.TimeoutError, match="QueuePool limit of size 1 overflow 0 reached"
            ):
                async with manager.session():
                    pass
        assert clock.sleeps == []


async def test_concurrent_sessions_share_a_small_pool(make_manager) -> None:
    async with make_manager(pool_size=2, max_overflow=1) as manager:

        async def use() -> str:
            async with manager.session(read_only=True) as session:
                await session.execute(text("SELECT 1"))
                await asyncio.sleep(0)
                return session.info["node"]

        names = await asyncio.gather(*(use() for _ in range(20)))
        assert sorted(set(names)) == ["replica1", "replica2"] and len(names) == 20
        assert all(node.engine.pool.checkedout() == 0 for node in manager.nodes)


async def test_the_breaker_opens_fails_fast_and_recovers_after_the_cool_down(make_manager) -> None:
    clock = FakeClock()
    once = RetryPolicy(stop=stop_after_attempt(1))
    async with make_manager(
        replicas=0, clock=clock, retry=once, failure_threshold=2, reset_timeout=10
    ) as manager:
        manager.faults("primary").down()
        for _ in range(2):
            with pytest.raises(DatabaseUnavailable):
                async with manager.session():
                    pass
        assert manager.primary.breaker.state is BreakerState.OPEN
        manager.faults("primary").clear()
        with pytest.raises(DatabaseUnavailable) as caught:
            async with manager.session():
                pass
        assert isinstance(caught.value.__cause__, CircuitOpenError)
        clock.advance(10)
        assert manager.primary.breaker.state is BreakerState.HALF_OPEN
        assert await served(manager, 1, read_only=False) == ["primary"]
        assert manager.primary.breaker.state is BreakerState.CLOSED


async def test_the_manager_recovers_from_an_outage_without_a_restart(
    make_manager, table: str
) -> None:
    clock = FakeClock()
    async with make_manager(clock=clock, failure_threshold=1, reset_timeout=5) as manager:
        manager.faults("primary").fail_for(60)
        with pytest.raises(DatabaseUnavailable):
            async with manager.session():
                pass
        clock.advance(60)
        async with manager.session() as session:
            await session.execute(text(f"INSERT INTO {table} (id, name) VALUES (7, 'back')"))
            await session.commit()
        assert session.info["node"] == "primary"


async def test_health_reports_every_node_with_its_latency(make_manager) -> None:
    async with make_manager() as manager:
        report = await manager.health()
        assert report.summary() == {"primary": True, "replica1": True, "replica2": True}
        assert report.status == "healthy" and report.http_status == 200
        assert all(node.latency_ms >= 0 for node in report.nodes)
        manager.faults("replica2").down()
        report = await manager.health()
        assert report.status == "degraded" and report.http_status == 200
        assert report.nodes[2].error == "InjectedFault: injected fault on 'replica2': node down"
        manager.faults("primary").down()
        assert (await manager.health()).http_status == 503


async def test_health_is_refreshed_periodically_on_the_request_path(make_manager) -> None:
    clock = FakeClock()
    async with make_manager(clock=clock, health_interval=10) as manager:
        manager.faults("replica1").down()
        await served(manager, 1, read_only=False)
        assert manager.node("replica1").breaker.failures == 0
        clock.advance(10)
        await served(manager, 1, read_only=False)
        assert manager.node("replica1").breaker.failures == 1
