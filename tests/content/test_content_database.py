"""Database-level guarantees: N+1-free reads, the unique constraint, races, configuration."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from tarento_lib.content import ConfigurationError, Database, create_app, resolve_url
from tarento_lib.content.models import TRANSLATION_UNIQUE, Content, Translation
from tests.content.conftest import WELCOME, client_for, translation


def count_statements(app: FastAPI) -> AbstractAsyncContextManager[list[str]]:
    """Every statement the driver sends inside the block (ORM, Core, or the driver directly)."""
    return app.state.database.statement_log()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/contents/homepage.welcome?lang=mai", 1),
        ("/contents/homepage.welcome/translations", 1),
        ("/contents/homepage.welcome?lang=ur", 1),
    ],
)
async def test_one_content_read_is_at_most_two_statements(
    app: FastAPI, client: httpx.AsyncClient, path: str, expected: int
) -> None:
    many = {
        **WELCOME,
        "translations": [
            translation(code, "t", "b") for code in ("as", "bn", "en", "hi", "ta", "te")
        ],
    }
    assert (await client.post("/contents", json=many)).status_code == 201
    async with count_statements(app) as statements:
        response = await client.get(path)
    assert response.status_code == 200
    assert len(statements) == expected <= 2, statements


@pytest.mark.asyncio
async def test_the_statement_log_sees_every_layer(app: FastAPI, client: httpx.AsyncClient) -> None:
    """The counter above is not blind: ORM writes, ORM reads and driver-level reads all show up."""
    async with count_statements(app) as writes:
        assert (await client.post("/contents", json=WELCOME)).status_code == 201
    async with count_statements(app) as orm_read:
        assert (await client.get("/contents/homepage.welcome/translations")).status_code == 200
    async with count_statements(app) as public_reads:
        assert (
            await client.get("/contents/homepage.welcome", params={"lang": "hi"})
        ).status_code == 200
        assert (await client.get("/contents/nope", params={"lang": "hi"})).status_code == 404
    assert len(writes) >= 2 and len(orm_read) == 1 and len(public_reads) == 2, (
        writes,
        orm_read,
        public_reads,
    )
    async with count_statements(app) as nothing:
        pass
    assert nothing == []


@pytest.mark.asyncio
async def test_unique_translation_per_language_is_a_database_constraint(app: FastAPI) -> None:
    """Q6-8: bypass the API and insert a second 'en' row: the database refuses it."""
    database = app.state.database
    await database.create_tables()
    async with database.engine.connect() as conn:
        constraints = await conn.run_sync(
            lambda sync: inspect(sync).get_unique_constraints(
                "content_translations", schema=database.schema
            )
        )
    assert {(c["name"], tuple(c["column_names"])) for c in constraints} >= {
        (TRANSLATION_UNIQUE, ("content_id", "language"))
    }
    now = datetime(2026, 1, 1, tzinfo=UTC)
    row = dict(
        language="en",
        title="t",
        body="b",
        keywords=[],
        status="draft",
        created_at=now,
        updated_at=now,
        edited_by="dev-editor",
    )
    async with database.session() as session:
        session.add(
            Content(
                content_key="k",
                category="c",
                created_by="dev-editor",
                created_at=now,
                updated_at=now,
                translations=[Translation(**row)],
            )
        )
        await session.commit()
        content_id = (await session.execute(Content.__table__.select())).first().id
        session.add(Translation(content_id=content_id, **row))
        with pytest.raises(IntegrityError):
            await session.commit()


@pytest.mark.asyncio
async def test_concurrent_creates_one_wins_one_conflicts(race_app: FastAPI) -> None:
    """Q6-10: no check-then-insert: the database decides, the loser gets 409 (never 500)."""
    async with client_for(race_app) as client:
        await client.get("/contents")  # create the tables before the race
        body = {"content_key": "race.key", "translations": [translation("en", "t", "b")]}
        responses = await asyncio.gather(*(client.post("/contents", json=body) for _ in range(4)))
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
        assert (await client.get("/contents")).json()["total"] == 1


@pytest.mark.asyncio
async def test_concurrent_upserts_of_one_language_leave_one_row(race_app: FastAPI) -> None:
    async with client_for(race_app) as client:
        assert (await client.post("/contents", json=WELCOME)).status_code == 201
        bodies = [{"title": f"t{i}", "body": f"b{i}"} for i in range(4)]
        responses = await asyncio.gather(
            *(client.put("/contents/homepage.welcome/translations/mr", json=b) for b in bodies)
        )
        assert sorted(r.status_code for r in responses)[0] in (200, 201)
        assert all(r.status_code in (200, 201) for r in responses)
        assert [r.status_code for r in responses].count(201) == 1
        final = (await client.get("/contents/homepage.welcome/translations")).json()[
            "translations"
        ]["mr"]
        assert final["revision"] == 4


def test_no_engine_or_connection_before_first_request(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "lazy.db"
    app = create_app(f"sqlite+aiosqlite:///{path}")
    assert isinstance(app, FastAPI) and not path.exists()
    asyncio.run(app.state.database.dispose())


def test_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARENTO_DATABASE_URL", raising=False)
    assert resolve_url(None) == "sqlite+aiosqlite://"
    monkeypatch.setenv("TARENTO_DATABASE_URL", "postgresql+asyncpg://u@127.0.0.1:1/db")
    assert resolve_url(None).startswith("postgresql+asyncpg://")
    assert resolve_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


@pytest.mark.parametrize(
    "url", ["sqlite:///x.db", "postgresql://u@h/db", "mysql+aiomysql://h/db", "not a url"]
)
def test_sync_or_unknown_drivers_are_rejected(url: str) -> None:
    with pytest.raises(ConfigurationError, match="database URL must be sqlite"):
        resolve_url(url)


def test_bad_options_are_rejected() -> None:
    with pytest.raises(ConfigurationError, match="schema"):
        Database("sqlite+aiosqlite://", schema="t_1")
    with pytest.raises(ConfigurationError, match="schema"):
        Database("postgresql+asyncpg://u@127.0.0.1:1/db", schema="Robert'); DROP")
    with pytest.raises(TypeError, match="clock must be a DatedClock, got builtin_function"):
        create_app("sqlite+aiosqlite://", clock=time.monotonic)  # no dates, only seconds


def test_configuration_errors_never_echo_a_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_url("mysql+aiomysql://admin:s3cret@127.0.0.1/db")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        resolve_url("::s3cret::")
    assert "s3cret" not in str(caught.value)
