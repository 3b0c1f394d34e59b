"""Bad configuration is refused early, with a message naming the argument and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tarento_lib.db import ConfigurationError, ConnectionManager
from tarento_lib.db.nodes import PoolOptions


def file_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"


@pytest.mark.parametrize(
    ("url", "got"),
    [
        ("sqlite:///x.db", "got sqlite://"),
        ("postgresql://u@127.0.0.1/db", "got postgresql://"),
        ("mysql+aiomysql://u@127.0.0.1/db", "got mysql\\+aiomysql://"),
        ("not a url", "got text that is not a URL"),
    ],
)
def test_unusable_urls_are_a_configuration_error(url: str, got: str) -> None:
    with pytest.raises(ConfigurationError, match=f"must be sqlite\\+aiosqlite://.*, {got}"):
        ConnectionManager(url)


@pytest.mark.asyncio
async def test_in_memory_sqlite_is_one_database_shared_by_every_session() -> None:
    async with ConnectionManager("sqlite+aiosqlite://", health_interval=None) as manager:
        async with manager.session() as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
            await session.commit()
        async with manager.session() as session:
            assert (await session.execute(text("SELECT x FROM t"))).scalar_one() == 1


def test_every_url_is_checked_before_any_engine_is_built(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="got sqlite://"):
        ConnectionManager(file_url(tmp_path), [file_url(tmp_path), "sqlite:///r.db"])


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"pool_size": 0}, ValueError, "pool size must be an int >= 1"),
        ({"max_overflow": -1}, ValueError, "pool overflow must be an int >= 0"),
        ({"pool_timeout": 0}, ValueError, "pool timeout must be a finite number > 0, got 0"),
        (
            {"pool_recycle": float("inf")},
            ValueError,
            "pool recycle must be a finite number > 0, got inf",
        ),
        ({"pool_size": 2.5}, TypeError, "pool size must be an int, got float"),
        ({"pool_timeout": "30"}, TypeError, "pool timeout must be a number, got str"),
        ({"pool_pre_ping": "yes"}, TypeError, "pool pre_ping must be a bool"),
        ({"retry": 3}, TypeError, "retry must be a policy"),
        ({"connect_timeout": 0}, ValueError, "connect_timeout must be a finite number > 0"),
        ({"health_interval": -5}, ValueError, "health_interval must be a finite number > 0"),
        ({"failure_threshold": 0}, ValueError, "failure_threshold must be an int >= 1, got 0"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ConnectionManager(file_url(tmp_path), **options)


def test_one_string_of_replicas_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="replica_urls must be a list of URLs, not one string"):
        ConnectionManager(file_url(tmp_path), file_url(tmp_path))


@pytest.mark.asyncio
async def test_read_only_must_be_a_bool_and_unknown_nodes_are_a_key_error(tmp_path: Path) -> None:
    async with ConnectionManager(file_url(tmp_path)) as manager:
        with pytest.raises(TypeError, match="read_only must be a bool"):
            async with manager.session(read_only="yes"):
                pass
        with pytest.raises(KeyError, match="no node named 'replica9'; nodes: primary"):
            manager.faults("replica9")
        assert repr(manager).startswith("ConnectionManager(primary='sqlite+aiosqlite:///")


def test_pool_defaults() -> None:
    assert PoolOptions().size == 5


@pytest.mark.asyncio
async def test_a_manager_from_the_environment(tmp_path: Path) -> None:
    env = {
        "TARENTO_DATABASE_URL": file_url(tmp_path),
        "TARENTO_DATABASE_REPLICA_URLS": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
    }
    async with ConnectionManager.from_env(env, health_interval=None) as manager:
        assert [node.name for node in manager.nodes] == ["primary", "replica1"]
    with pytest.raises(ConfigurationError, match="TARENTO_DATABASE_URL is not set"):
        ConnectionManager.from_env({})
