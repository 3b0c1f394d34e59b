"""The public read is an ordinary FastAPI route: its parameters are declared, so FastAPI
validates them, documents them and answers the same 422 as every other route."""

from __future__ import annotations

import httpx
import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.content import create_app
from tarento_lib.content.cache import CachedRead, ReadCache


@pytest.mark.asyncio
async def test_the_public_read_declares_its_parameters(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"]["/contents/{content_key}"]["get"]
    declared = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert declared == {
        ("path", "content_key"),
        ("query", "lang"),
        ("header", "accept-language"),
        ("header", "if-none-match"),
    }
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/LocalizedContent"}


@pytest.mark.parametrize(
    ("path", "params", "where"),
    [
        ("/contents/homepage.welcome", {"lang": "xx"}, ["query", "lang"]),
        ("/contents/NOT A KEY", {}, ["path", "content_key"]),
    ],
)
@pytest.mark.asyncio
async def test_bad_parameters_are_a_declared_422(
    client: httpx.AsyncClient, path: str, params: dict[str, str], where: list[str]
) -> None:
    reply = await client.get(path, params=params)
    assert reply.status_code == 422
    assert [error["loc"] for error in reply.json()["detail"]] == [where]


def test_the_read_cache_expires_and_forgets_one_content() -> None:
    clock = FakeClock()
    cache = ReadCache(5, max_entries=2, clock=clock)
    read = CachedRead(b"{}", {"ETag": '"x"'})
    cache.put("a", ("hi",), read)
    cache.put("a", ("en",), read)
    assert cache.get("a", ("hi",)) is read and cache.hits == 1
    cache.put("b", ("hi",), read)  # evicts the least recently used entry, ("a", "en")
    assert cache.get("a", ("en",)) is None and len(cache) == 2
    cache.invalidate("a")
    assert cache.get("a", ("hi",)) is None and cache.get("b", ("hi",)) is read
    clock.advance(5)
    assert cache.get("b", ("hi",)) is None and cache.misses == 3


@pytest.mark.parametrize("bad", [0, -1.0])
def test_the_read_cache_refuses_a_bad_ttl(bad: float) -> None:
    with pytest.raises(ValueError, match="ttl"):
        ReadCache(bad)


def test_the_app_builds_no_cache_without_a_ttl() -> None:
    assert create_app("sqlite+aiosqlite://").state.read_cache is None
