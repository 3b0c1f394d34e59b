"""The shared configuration: variable names, reading at call time, one error, one URL rule."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tarento_lib import config
from tarento_lib.config import ConfigurationError, Settings, async_engine, settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_tarento_variable_in_the_library_is_named_in_config_only() -> None:
    names = {
        getattr(config, constant)
        for constant in config.__all__
        if isinstance(getattr(config, constant), str)
    }
    assert all(name.startswith("TARENTO_") for name in names)
    assert set(config.SERVICE_VARIABLES) <= names
    for path in sorted((ROOT / "tarento_lib").rglob("*.py")):
        if path.name == "config.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            # docstrings and messages may mention a variable; a quoted name is a second copy
            assert '"TARENTO_' not in code and "'TARENTO_" not in code, f"{path}: {line.strip()}"


def test_settings_read_the_environment_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    auth = (config.AUTH_SECRET, config.AUTH_AUDIENCE, config.ENVIRONMENT)
    for name in (*config.SERVICE_VARIABLES, config.PG_CTL, config.CHROMIUM, *auth):
        monkeypatch.delenv(name, raising=False)
    assert settings() == Settings()
    monkeypatch.setenv(config.REDIS_URL, "redis://127.0.0.1:1/0")
    monkeypatch.setenv(config.DATABASE_REPLICA_URLS, " a , b ,")
    monkeypatch.setenv(config.S3_ENDPOINT, "   ")  # blank counts as unset
    now = settings()
    assert now.redis_url == "redis://127.0.0.1:1/0"
    assert now.database_replica_urls == ("a", "b")
    assert now.s3_endpoint is None and not now.real_s3


def test_settings_from_a_mapping_and_frozen() -> None:
    env = {config.S3_ENDPOINT: "http://127.0.0.1:9000", config.S3_BUCKET: "b"}
    read = Settings.from_env(env)
    assert read.real_s3 and read.database_url is None
    with pytest.raises(AttributeError):
        read.s3_bucket = "other"


def test_factories_read_the_environment_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    from tarento_lib.lab.catalog import backends
    from tarento_lib.ratelimit.storage import redis_from_env

    monkeypatch.delenv(config.REDIS_URL, raising=False)
    assert type(redis_from_env()).__module__.startswith("fakeredis")
    assert backends()[0].in_use == "embedded"
    monkeypatch.setenv(config.REDIS_URL, "redis://127.0.0.1:1/0")  # after every import
    assert type(redis_from_env()).__module__ == "redis.client"  # no connection made yet
    assert backends()[0].in_use == "real"


PACKAGE_ERRORS = [
    "tarento_lib.content.errors",
    "tarento_lib.db.errors",
    "tarento_lib.ratelimit.errors",
    "tarento_lib.uploads.errors",
]


@pytest.mark.parametrize("module", PACKAGE_ERRORS)
def test_every_package_configuration_error_is_the_shared_one(module: str) -> None:
    error = importlib.import_module(module).ConfigurationError
    assert issubclass(error, ConfigurationError) and issubclass(ConfigurationError, ValueError)
    with pytest.raises(ConfigurationError):
        raise error("bad")


def test_package_errors_still_derive_from_their_own_base() -> None:
    from tarento_lib.content.errors import ConfigurationError as ContentConfigurationError
    from tarento_lib.content.errors import ContentError
    from tarento_lib.uploads.errors import ConfigurationError as UploadConfigurationError
    from tarento_lib.uploads.errors import UploadError

    assert issubclass(ContentConfigurationError, ContentError)
    assert issubclass(UploadConfigurationError, UploadError)


def _content(url: str) -> AsyncEngine:
    from tarento_lib.content import Database

    return Database(url).engine


def _db(url: str) -> AsyncEngine:
    from tarento_lib.db import ConnectionManager

    return ConnectionManager(url, health_interval=None).primary.engine


def _patterns(url: str) -> AsyncEngine:
    from tarento_lib.patterns.engine import create_engine

    return create_engine(url)


FACTORIES: list[Any] = [
    pytest.param(async_engine, id="config"),
    pytest.param(_content, id="content"),
    pytest.param(_db, id="db"),
    pytest.param(_patterns, id="patterns"),
]

GOOD_URLS = [
    "sqlite+aiosqlite://",
    "sqlite+aiosqlite:///:memory:",
    "sqlite+aiosqlite:///some/file.db",
    "postgresql+asyncpg://user:pw@127.0.0.1:1/db",
]

BAD_URLS = [
    ("sqlite:///x.db", "got sqlite://..."),
    ("postgresql://u@127.0.0.1/db", "got postgresql://..."),
    ("postgresql+psycopg://u@127.0.0.1/db", "got postgresql+psycopg://..."),
    ("mysql+aiomysql://admin:s3cret@127.0.0.1/db", "got mysql+aiomysql://..."),
    ("::s3cret::", "got text that is not a URL"),
]


def _dispose(engine: AsyncEngine) -> None:
    asyncio.run(engine.dispose())


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("url", GOOD_URLS)
def test_every_package_accepts_the_same_urls(
    factory: Callable[[str], AsyncEngine], url: str
) -> None:
    engine = factory(url)  # builds the engine; nothing connects yet
    assert engine.url.drivername in config.DATABASE_URL_SCHEMES
    _dispose(engine)


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize(("url", "got"), BAD_URLS)
def test_every_package_refuses_the_same_urls_with_the_same_message(
    factory: Callable[[str], AsyncEngine], url: str, got: str
) -> None:
    expected = "database URL must be sqlite+aiosqlite://... or postgresql+asyncpg://..., " + got
    with pytest.raises(ConfigurationError) as caught:
        factory(url)
    assert str(caught.value) == expected
    assert "s3cret" not in str(caught.value)  # a URL may carry a password: never echoed


def test_a_url_must_be_text() -> None:
    with pytest.raises(TypeError, match="database URL must be a str"):
        async_engine(5)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"pool_size": 0}, ValueError, "pool_size must be an int >= 1, got 0"),
        ({"max_overflow": -1}, ValueError, "max_overflow must be an int >= 0, got -1"),
        ({"pool_timeout": "5"}, TypeError, "pool_timeout must be a number, got str"),
        ({"pool_pre_ping": 1}, TypeError, "pool_pre_ping must be a bool, got int"),
    ],
)
def test_pool_options_are_checked(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        async_engine("sqlite+aiosqlite://", **options)


@pytest.mark.parametrize("url", ["sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"])
def test_in_memory_sqlite_is_one_connection_every_session_shares(url: str) -> None:
    engine = async_engine(url, pool_size=10, max_overflow=5, pool_timeout=0.01)
    assert engine.pool.size() == 1

    async def main() -> int:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (7)"))
            with pytest.raises(sqlalchemy.exc.TimeoutError):
                await engine.connect().start()  # no second (empty) database: callers take turns
        async with engine.connect() as conn:
            value = (await conn.execute(text("SELECT x FROM t"))).scalar_one()
        await engine.dispose()
        return value

    assert asyncio.run(main()) == 7


def test_file_sqlite_keeps_the_callers_pool(tmp_path: Path) -> None:
    engine = async_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", pool_size=3)
    assert engine.pool.size() == 3
    _dispose(engine)
