"""Fixtures of the content API tests: one app per test, on SQLite always and PostgreSQL when set.

On PostgreSQL every test gets its own schema (dropped afterwards), so parallel xdist workers
sharing one database never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from tarento_lib.clock import FakeClock
from tarento_lib.content import create_app
from tests.backends import DATABASE_BACKENDS, DATABASE_URL, POSTGRES

BACKENDS = DATABASE_BACKENDS
# Races need a database shared by several connections: a SQLite file, not the in-memory one.
RACE_BACKENDS = [pytest.param("sqlite-file", id="sqlite-file"), POSTGRES]


class TickingClock(FakeClock):
    """A fake clock that moves one second before each date it tells: timestamps that are
    deterministic and strictly increasing, from 2026-01-26 09:00 UTC."""

    def __init__(self) -> None:
        super().__init__(datetime(2026, 1, 26, 9, 0, tzinfo=UTC).timestamp())

    def wall(self) -> datetime:
        self.advance(1)
        return super().wall()


def make_app(backend: str, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    if backend == "sqlite":
        return create_app("sqlite+aiosqlite://", clock=TickingClock())
    if backend == "sqlite-file":
        path = tmp_path_factory.mktemp("content") / "content.db"
        return create_app(f"sqlite+aiosqlite:///{path}", clock=TickingClock())
    return create_app(DATABASE_URL, schema=f"t_{uuid.uuid4().hex[:16]}", clock=TickingClock())


async def close_app(app: FastAPI) -> None:
    database = app.state.database
    await database.drop_schema()
    await database.dispose()


@pytest_asyncio.fixture(params=BACKENDS)
async def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    application = make_app(request.param, tmp_path_factory)
    yield application
    await close_app(application)


@pytest_asyncio.fixture(params=RACE_BACKENDS)
async def race_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    application = make_app(request.param, tmp_path_factory)
    yield application
    await close_app(application)


def bearer(application: FastAPI, role: str) -> dict[str, str]:
    """The ``Authorization`` header of one of the development identities (``admin``, ...)."""
    return {"Authorization": f"Bearer {application.state.token_authority.issue_for(role)}"}


def client_for(application: FastAPI, role: str | None = "admin") -> httpx.AsyncClient:
    """A client of ``application`` that sends ``role``'s token (``None``: no token at all).

    The admin by default: the tests of what the API does are not about who may do it (those are
    in ``test_content_auth.py``), and an admin may also publish text it wrote.
    """
    headers = bearer(application, role) if role else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://test", headers=headers
    )


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


def translation(
    language: str, title: str, body: str, status: str = "published", **extra: object
) -> dict:
    return {"language": language, "title": title, "body": body, "status": status, **extra}


WELCOME = {
    "content_key": "homepage.welcome",
    "category": "home",
    "translations": [
        translation("en", "Welcome", "Welcome to the portal. 100% of services_online."),
        translation("hi", "स्वागत है", "पोर्टल पर आपका स्वागत है। सभी सेवाएँ ऑनलाइन हैं।"),
        translation("ta", "வரவேற்கிறோம்", "இணையதளத்திற்கு வரவேற்கிறோம்.", status="draft"),
    ],
}


@pytest.fixture
def welcome() -> dict:
    return WELCOME


Seeder = Callable[..., object]
