"""The optional read cache: hits skip the database,
writes invalidate, other writers wait for the TTL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from tarento_lib.clock import FakeClock
from tarento_lib.content import create_app
from tarento_lib.content.cache import CachedRead, ReadCache
from tarento_lib.content.models import Translation
from tests.content.conftest import WELCOME, bearer, client_for
from tests.content.test_content_database import count_statements


@asynccontextmanager
async def _disposing(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await app.state.database.dispose()


def test_entries_expire_on_the_injected_clock() -> None:
    clock = FakeClock()
    cache = ReadCache(2.0, clock=clock)
    cache.put("k", ("hi",), CachedRead(b"x", {}))
    assert cache.get("k", ("hi",)) == CachedRead(b"x", {})
    clock.advance(2.0)
    assert cache.get("k", ("hi",)) is None and len(cache) == 0
    assert (cache.hits, cache.misses) == (1, 1)


def test_least_recently_used_entry_is_evicted_and_invalidate_is_per_key() -> None:
    cache = ReadCache(60, max_entries=2, clock=FakeClock())
    for variant in ("a", "b"):
        cache.put("k", variant, CachedRead(variant.encode(), {}))
    cache.get("k", "a")
    cache.put("other", "c", CachedRead(b"c", {}))
    assert cache.get("k", "b") is None and cache.get("k", "a") is not None
    cache.invalidate("k")
    assert cache.get("k", "a") is None and cache.get("other", "c") is not None


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ttl": 0}, ValueError),
        ({"ttl": -1}, ValueError),
        ({"ttl": "1"}, TypeError),
        ({"ttl": 1, "max_entries": 0}, ValueError),
        ({"ttl": 1, "max_entries": 2.5}, TypeError),
    ],
)
def test_bad_arguments(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"ttl|max_entries"):
        ReadCache(**kwargs)


def test_cache_is_off_by_default() -> None:
    assert create_app("sqlite+aiosqlite://").state.read_cache is None


@pytest.mark.asyncio
async def test_hits_skip_sql_and_writes_invalidate_at_once() -> None:
    clock = FakeClock()
    app = create_app("sqlite+aiosqlite://", read_cache_ttl=30, clock=clock)
    async with client_for(app) as client, _disposing(app):
        assert (await client.post("/contents", json=WELCOME)).status_code == 201
        first = await client.get("/contents/homepage.welcome", params={"lang": "hi"})
        async with count_statements(app) as statements:
            again = await client.get("/contents/homepage.welcome", params={"lang": "hi"})
            not_modified = await client.get(
                "/contents/homepage.welcome",
                params={"lang": "hi"},
                headers={"If-None-Match": first.headers["etag"]},
            )
        assert (
            statements == [] and again.content == first.content and not_modified.status_code == 304
        )
        await client.put(
            "/contents/homepage.welcome/translations/hi", json={"title": "नया", "body": "पाठ"}
        )
        assert (await client.get("/contents/homepage.welcome", params={"lang": "hi"})).json()[
            "title"
        ] == "नया"
        await client.delete("/contents/homepage.welcome")
        assert (
            await client.get("/contents/homepage.welcome", params={"lang": "hi"})
        ).status_code == 404


@pytest.mark.asyncio
async def test_a_write_elsewhere_shows_after_the_ttl() -> None:
    clock = FakeClock()
    app = create_app("sqlite+aiosqlite://", read_cache_ttl=5, clock=clock)
    async with client_for(app) as client, _disposing(app):
        await client.post("/contents", json=WELCOME)
        assert (await client.get("/contents/homepage.welcome", params={"lang": "en"})).json()[
            "title"
        ] == "Welcome"
        async with (
            app.state.database.session() as session
        ):  # another worker process, as far as this one knows
            await session.execute(
                update(Translation).where(Translation.language == "en").values(title="Hello")
            )
            await session.commit()
        assert (await client.get("/contents/homepage.welcome", params={"lang": "en"})).json()[
            "title"
        ] == "Welcome"
        clock.advance(5)
        assert (await client.get("/contents/homepage.welcome", params={"lang": "en"})).json()[
            "title"
        ] == "Hello"


@pytest.mark.asyncio
async def test_setting_the_wall_clock_neither_expires_nor_prolongs_cached_reads() -> None:
    """One clock, two readings: rows are stamped with ``wall()`` and cached reads age on the
    monotonic ``now()``, so an NTP step moves the dates but not the expiry."""
    clock = FakeClock(datetime(2026, 1, 26, 9, 0, tzinfo=UTC).timestamp())
    app = create_app("sqlite+aiosqlite://", read_cache_ttl=5, clock=clock)
    async with client_for(app) as client, _disposing(app):
        created = (await client.post("/contents", json=WELCOME)).json()
        assert created["created_at"] == "2026-01-26T09:00:00+00:00"
        await client.get("/contents/homepage.welcome", params={"lang": "en"})
        clock.step_wall(3600)  # an hour forward: the cached read is still fresh
        async with count_statements(app) as statements:
            await client.get("/contents/homepage.welcome", params={"lang": "en"})
        assert statements == []
        async with app.state.database.session() as session:  # another worker process
            await session.execute(
                update(Translation).where(Translation.language == "en").values(title="Hello")
            )
            await session.commit()
        clock.step_wall(-7200)  # two hours back: the read is not kept two hours longer
        clock.advance(5)
        fresh = await client.get("/contents/homepage.welcome", params={"lang": "en"})
        assert fresh.json()["title"] == "Hello"
        # Dates follow the wall clock: a token issued at 09:00 is from the future at 08:00.
        client.headers.update(bearer(app, "admin"))
        await client.put(
            "/contents/homepage.welcome/translations/hi", json={"title": "नया", "body": "पाठ"}
        )
        edited = (await client.get("/contents/homepage.welcome/translations")).json()
        assert edited["updated_at"] == "2026-01-26T08:00:05+00:00"
