"""The API keeps its contract: documented statuses, one text rule, the same search everywhere."""

from __future__ import annotations

import unicodedata
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tarento_lib.auth import Role, TokenAuthority
from tarento_lib.content.schemas import (
    FORMAT_CHARACTERS,
    Body,
    SearchText,
    Title,
    TranslationUpdate,
)
from tests.content.conftest import client_for, translation

# --- every status a route returns is in the OpenAPI document, and every documented one is reached


JSON = {"content-type": "application/json"}
KEY = "/contents/{content_key}"
ONE = "/contents/{content_key}/translations/{language}"

# (method, path template, concrete path, keyword arguments of the request, expected status);
# sent as the admin unless the arguments name another development identity as "role" (None: no
# token at all, "forged": a token signed with another key)
SCENARIOS: list[tuple[str, str, str, dict[str, Any], int]] = [
    (
        "POST",
        "/contents",
        "/contents",
        {"json": {"content_key": "b", "translations": [translation("en", "T", "B")]}},
        201,
    ),
    (
        "POST",
        "/contents",
        "/contents",
        {"json": {"content_key": "a", "translations": [translation("en", "T", "B")]}},
        409,
    ),
    ("POST", "/contents", "/contents", {"json": {"content_key": "a"}}, 422),
    ("POST", "/contents", "/contents", {"content": b"\xff\xfe{", "headers": JSON}, 400),
    ("GET", "/contents", "/contents", {}, 200),
    ("GET", "/contents", "/contents", {"params": {"limit": 0}}, 422),
    ("GET", "/contents/search", "/contents/search", {"params": {"lang": "en", "q": "t"}}, 200),
    ("GET", "/contents/search", "/contents/search", {"params": {"lang": "xx", "q": "t"}}, 422),
    ("GET", KEY, "/contents/a", {}, 200),
    ("GET", KEY, "/contents/a", {"headers": {"if-none-match": "*"}}, 304),
    ("GET", KEY, "/contents/nope", {}, 404),
    ("GET", KEY, "/contents/A!", {}, 422),
    ("GET", f"{KEY}/translations", "/contents/a/translations", {}, 200),
    ("GET", f"{KEY}/translations", "/contents/nope/translations", {}, 404),
    ("GET", f"{KEY}/translations", "/contents/A!/translations", {}, 422),
    ("PUT", ONE, "/contents/a/translations/en", {"json": {"title": "T2", "body": "B2"}}, 200),
    ("PUT", ONE, "/contents/a/translations/hi", {"json": {"title": "T", "body": "B"}}, 201),
    ("PUT", ONE, "/contents/nope/translations/hi", {"json": {"title": "T", "body": "B"}}, 404),
    ("PUT", ONE, "/contents/a/translations/hi", {"json": {"title": "\x1e", "body": "B"}}, 422),
    ("PUT", ONE, "/contents/a/translations/hi", {"content": b"\xff{", "headers": JSON}, 400),
    ("POST", f"{ONE}/publish", "/contents/a/translations/hi/publish", {}, 200),
    ("POST", f"{ONE}/publish", "/contents/a/translations/ta/publish", {}, 404),
    ("POST", f"{ONE}/publish", "/contents/a/translations/xx/publish", {}, 422),
    ("POST", f"{ONE}/unpublish", "/contents/a/translations/hi/unpublish", {}, 200),
    ("POST", f"{ONE}/unpublish", "/contents/a/translations/ta/unpublish", {}, 404),
    ("POST", f"{ONE}/unpublish", "/contents/a/translations/xx/unpublish", {}, 422),
    ("DELETE", KEY, "/contents/b", {}, 204),
    ("DELETE", KEY, "/contents/b", {}, 404),
    ("DELETE", KEY, "/contents/A!", {}, 422),
    # who may do what: 401 without a (valid) identity, 403 without the role or against four-eyes
    ("POST", "/contents", "/contents", {"role": None, "json": {}}, 401),
    ("POST", "/contents", "/contents", {"role": "reader", "json": {}}, 403),
    (
        "POST",
        "/contents",
        "/contents",
        {
            "role": "editor",
            "json": {"content_key": "c", "translations": [translation("en", "T", "B")]},
        },
        403,
    ),
    ("GET", f"{KEY}/translations", "/contents/a/translations", {"role": "forged"}, 401),
    ("GET", f"{KEY}/translations", "/contents/a/translations", {"role": "reader"}, 403),
    ("PUT", ONE, "/contents/a/translations/hi", {"role": None, "json": {}}, 401),
    ("PUT", ONE, "/contents/a/translations/hi", {"role": "reader", "json": {}}, 403),
    (
        "PUT",
        ONE,
        "/contents/a/translations/en",
        {"role": "reviewer", "json": {"title": "R", "body": "B"}},
        200,
    ),
    ("POST", f"{ONE}/publish", "/contents/a/translations/en/publish", {"role": "reviewer"}, 403),
    ("POST", f"{ONE}/publish", "/contents/a/translations/en/publish", {"role": "editor"}, 403),
    ("POST", f"{ONE}/publish", "/contents/a/translations/en/publish", {"role": None}, 401),
    ("POST", f"{ONE}/unpublish", "/contents/a/translations/en/unpublish", {"role": "editor"}, 403),
    ("POST", f"{ONE}/unpublish", "/contents/a/translations/en/unpublish", {"role": None}, 401),
    ("DELETE", KEY, "/contents/a", {"role": "reviewer"}, 403),
    ("DELETE", KEY, "/contents/a", {"role": None}, 401),
]


def _forged_client(app: FastAPI) -> httpx.AsyncClient:
    other = TokenAuthority("another secret, another signer: " + "x" * 32)
    token = other.issue("dev-admin", [Role.ADMIN])
    client = client_for(app, None)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.mark.asyncio
async def test_every_status_returned_is_documented_and_every_documented_one_is_returned(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await client.post(
        "/contents", json={"content_key": "a", "translations": [translation("en", "T", "B")]}
    )
    assert created.status_code == 201
    observed: dict[tuple[str, str], set[int]] = {}
    clients = {role: client_for(app, role) for role in ("reader", "editor", "reviewer", None)}
    clients |= {"admin": client, "forged": _forged_client(app)}
    for method, template, path, arguments, expected in SCENARIOS:
        request = dict(arguments)
        sender = clients[request.pop("role", "admin")]
        response = await sender.request(method, path, **request)
        assert response.status_code == expected, (method, path, arguments, response.text)
        observed.setdefault((method, template), set()).add(response.status_code)
    documented = {
        (method.upper(), path): {int(code) for code in operation["responses"]}
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    }
    assert observed == documented
    for other in clients.values():
        await other.aclose()


@pytest.mark.asyncio
async def test_documented_error_bodies_are_json_with_a_detail(client: httpx.AsyncClient) -> None:
    response = await client.put("/contents/a/translations/hi", content=b"\xff{", headers=JSON)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


# --- one rule for every text a client sends: no control characters, something visible


TITLE, BODY, SEARCH = TypeAdapter(Title), TypeAdapter(Body), TypeAdapter(SearchText)


def _visible(char: str) -> bool:
    category = unicodedata.category(char)
    return category not in ("Cc", "Zs", "Zl", "Zp") and char not in FORMAT_CHARACTERS


def model_accepts(text: str, *, newlines: bool) -> bool:
    """The rule in plain Python: no control character (but tab and newlines in a body), no NUL,
    and at least one character that is neither a space, a control nor a format character."""
    allowed = "\t\n\r" if newlines else ""
    no_control = all(unicodedata.category(c) != "Cc" or c in allowed for c in text)
    return no_control and any(_visible(c) for c in text)


# What a title loses at its edges first (Unicode's White_Space, as pydantic's strip_whitespace).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)


def accepts(adapter: TypeAdapter[str], text: str) -> bool:
    try:
        adapter.validate_python(text)
    except ValidationError:
        return False
    return True


invisible = st.sampled_from([*sorted(FORMAT_CHARACTERS), " ", "\xa0", "\u3000", "\x1e", "\t"])
texts = st.one_of(
    st.text(max_size=30),
    st.text(invisible, min_size=1, max_size=5),
    st.tuples(st.text(invisible, max_size=3), st.text(max_size=3)).map("".join),
)


@given(texts)
@example("\x1e")
@example("\u200b")
@example("\u200d\u200c")
@example("a\x07b")
@example("0\r")
@example("\x1e0")
@example("नमस्\u200dते")
@example("\ufeff")
@example(" ")
def test_one_rule_decides_titles_bodies_and_search_text(text: str) -> None:
    assert accepts(TITLE, text) == model_accepts(text.strip(WHITE_SPACE), newlines=False)
    assert accepts(SEARCH, text) == model_accepts(text, newlines=False)
    assert accepts(BODY, text) == model_accepts(text, newlines=True)


def test_the_format_characters_are_unicodes_cf_category() -> None:
    """Every Cf character of this Python's Unicode; the rest are Cf in a later version."""
    every_cf = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert every_cf <= FORMAT_CHARACTERS
    assert {unicodedata.category(c) for c in FORMAT_CHARACTERS - every_cf} <= {"Cn"}


def test_the_documented_schema_carries_the_rule() -> None:
    schema = TranslationUpdate.model_json_schema()["properties"]["title"]
    assert schema["pattern"] == TITLE.json_schema()["pattern"]
    assert accepts(TITLE, "नमस्\u200dते")  # a joiner inside Indic text is kept


@pytest.mark.asyncio
@pytest.mark.parametrize("title", ["\x1e", "\u200b", "\u200b\u200c\ufeff", "a\x07b", "\x85"])
async def test_a_refused_title_never_reaches_the_database(
    client: httpx.AsyncClient, title: str
) -> None:
    await client.post(
        "/contents", json={"content_key": "a", "translations": [translation("en", "T", "B")]}
    )
    response = await client.put("/contents/a/translations/hi", json={"title": title, "body": "B"})
    assert response.status_code == 422
    assert "hi" not in (await client.get("/contents/a/translations")).json()["translations"]


# --- case-insensitive search is the same on SQLite and PostgreSQL, for any script


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "stored, query",
    [
        ("CAFÉ au lait", "café"),
        ("café au lait", "CAFÉ"),
        ("Straße", "STRASSE"),
        ("ΟΔΥΣΣΕΥΣ", "οδυσσευς"),
        ("Привет, МИР", "мир"),
        ("İstanbul", "i̇stanbul"),
        ("Ｆｕｌｌｗｉｄｔｈ", "ｆｕｌｌ"),
    ],
)
async def test_search_folds_case_for_every_script(
    client: httpx.AsyncClient, stored: str, query: str
) -> None:
    body = {"content_key": "a", "translations": [translation("en", stored, f"Body: {stored}")]}
    assert (await client.post("/contents", json=body)).status_code == 201
    hits = (await client.get("/contents/search", params={"lang": "en", "q": query})).json()["hits"]
    assert [hit["title"] for hit in hits] == [stored]


@pytest.mark.asyncio
async def test_search_still_escapes_wildcards_after_folding(client: httpx.AsyncClient) -> None:
    body = {"content_key": "a", "translations": [translation("en", "100% ÉCOLE_A", "b")]}
    await client.post("/contents", json=body)
    for query, found in (("100% école_a", 1), ("100_", 0), ("%", 1), ("é%a", 0)):
        hits = (await client.get("/contents/search", params={"lang": "en", "q": query})).json()
        assert len(hits["hits"]) == found, query
