"""Who may write: every write route × every role, bad tokens, four-eyes publishing, audit fields."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tarento_lib.auth import DEVELOPMENT_SECRET, Role, TokenAuthority
from tarento_lib.clock import FakeClock
from tarento_lib.content import create_app
from tarento_lib.content.models import Content, Translation
from tests.content.conftest import client_for, translation

pytestmark = pytest.mark.asyncio

KEY = "notice.water"
DRAFT = {"title": "पानी", "body": "पानी की आपूर्ति बुधवार को बंद रहेगी।"}


async def seed(app: FastAPI) -> None:
    """Published English by the admin, a Hindi draft written by a second editor."""
    async with client_for(app, "admin") as admin, client_for(app, "editor2") as editor2:
        body = {"content_key": KEY, "translations": [translation("en", "Water", "Off Wednesday.")]}
        assert (await admin.post("/contents", json=body)).status_code == 201
        assert (
            await editor2.put(f"/contents/{KEY}/translations/hi", json=DRAFT)
        ).status_code == 201


# (name, method, path, body, the least role that may do it, its success status)
WRITES: list[tuple[str, str, str, dict[str, Any] | None, Role, int]] = [
    (
        "create",
        "POST",
        "/contents",
        {"content_key": "notice.new", "translations": [translation("en", "N", "B", "draft")]},
        Role.EDITOR,
        201,
    ),
    ("edit", "PUT", f"/contents/{KEY}/translations/hi", DRAFT, Role.EDITOR, 200),
    ("editor view", "GET", f"/contents/{KEY}/translations", None, Role.EDITOR, 200),
    ("publish", "POST", f"/contents/{KEY}/translations/hi/publish", None, Role.REVIEWER, 200),
    ("unpublish", "POST", f"/contents/{KEY}/translations/en/unpublish", None, Role.REVIEWER, 200),
    ("delete", "DELETE", f"/contents/{KEY}", None, Role.ADMIN, 204),
]
ROLES = [None, "reader", "editor", "reviewer", "admin"]


@pytest.mark.parametrize("role", ROLES, ids=[str(role) for role in ROLES])
@pytest.mark.parametrize("write", WRITES, ids=[write[0] for write in WRITES])
async def test_every_write_route_for_every_role(
    app: FastAPI, write: tuple[str, str, str, dict[str, Any] | None, Role, int], role: str | None
) -> None:
    """Allowed: its success status; a valid identity without the role: 403; no token: 401."""
    _name, method, path, body, least, success = write
    await seed(app)
    async with client_for(app, role) as client:
        response = await client.request(method, path, json=body)
    allowed = role is not None and Role(role).rank >= least.rank
    expected = 401 if role is None else (success if allowed else 403)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert isinstance(response.json()["detail"], str)


async def test_reads_of_published_text_need_no_token(app: FastAPI) -> None:
    await seed(app)
    async with client_for(app, None) as anonymous:
        assert (await anonymous.get(f"/contents/{KEY}", params={"lang": "en"})).status_code == 200
        assert (await anonymous.get("/contents")).status_code == 200
        found = await anonymous.get("/contents/search", params={"lang": "en", "q": "water"})
        assert found.status_code == 200 and found.json()["hits"]


# --- tokens that prove nothing: 401 with a Bearer challenge and the usual error body


def _tampered(token: str) -> str:
    """The same signature over a payload that now claims the admin role."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _bad_tokens(app: FastAPI) -> dict[str, str]:
    authority: TokenAuthority = app.state.token_authority
    elsewhere = TokenAuthority(DEVELOPMENT_SECRET, audience="another-api")
    other_key = TokenAuthority("a key that is not this application's key " * 2)
    return {
        "tampered": f"Bearer {_tampered(authority.issue_for('reader'))}",
        "wrong audience": f"Bearer {elsewhere.issue('dev-admin', [Role.ADMIN])}",
        "other key": f"Bearer {other_key.issue('dev-admin', [Role.ADMIN])}",
        "not a token": "Bearer abc",
        "basic": "Basic ZGV2LWFkbWluOmFkbWlu",
        "empty": "Bearer ",
    }


@pytest.mark.parametrize(
    "kind",
    ["tampered", "wrong audience", "other key", "not a token", "basic", "empty"],
)
async def test_bad_tokens_are_401_with_a_challenge(app: FastAPI, kind: str) -> None:
    header = _bad_tokens(app)[kind]
    async with client_for(app, None) as client:
        response = await client.delete(f"/contents/{KEY}", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="tarento"')
    assert set(response.json()) == {"detail"} and isinstance(response.json()["detail"], str)


async def test_a_token_with_a_role_nobody_has_is_401(app: FastAPI) -> None:
    now = app.state.token_authority.now()  # the app's clock: January 2026 in these tests
    claims = {"sub": "x", "roles": ["root"], "aud": "tarento-lab", "iat": now}
    token = jwt.encode(claims | {"exp": now + timedelta(hours=1)}, DEVELOPMENT_SECRET)
    async with client_for(app, None) as client:
        response = await client.delete(
            f"/contents/{KEY}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 401 and "roles" in response.json()["detail"]


async def test_a_token_expires_on_the_injected_clock() -> None:
    """No waiting: the app's clock is a FakeClock, moved past the token's lifetime."""
    clock = FakeClock(start=1_800_000_000.0)
    app = create_app("sqlite+aiosqlite://", clock=clock)
    token = app.state.token_authority.issue_for("editor", lifetime=60)
    body = {"content_key": "a", "translations": [translation("en", "T", "B", "draft")]}
    async with client_for(app, None) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        clock.advance(59)
        assert (await client.post("/contents", json=body)).status_code == 201
        clock.advance(1)
        expired = await client.get("/contents/a/translations")
    await app.state.database.dispose()
    assert expired.status_code == 401
    assert expired.json() == {"detail": "the token has expired"}
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]


async def test_authentication_comes_before_validation(app: FastAPI) -> None:
    """A stranger learns nothing about the body rules: 401, not 422."""
    async with client_for(app, None) as client:
        response = await client.put(f"/contents/{KEY}/translations/xx", json={"nonsense": 1})
    assert response.status_code == 401


# --- four eyes: nobody publishes text they wrote themselves


async def test_a_reviewer_cannot_publish_their_own_edit(app: FastAPI) -> None:
    await seed(app)
    async with client_for(app, "reviewer") as reviewer, client_for(app, "reviewer2") as second:
        edited = await reviewer.put(f"/contents/{KEY}/translations/hi", json=DRAFT)
        assert edited.json()["edited_by"] == "dev-reviewer"
        refused = await reviewer.post(f"/contents/{KEY}/translations/hi/publish")
        assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
        view = (await reviewer.get(f"/contents/{KEY}/translations")).json()["translations"]["hi"]
        assert (view["status"], view["published_by"]) == ("draft", None)
        published = await second.post(f"/contents/{KEY}/translations/hi/publish")
    assert published.status_code == 200
    body = published.json()
    assert (body["status"], body["edited_by"], body["published_by"]) == (
        "published",
        "dev-reviewer",
        "dev-reviewer-2",
    )


@pytest.mark.parametrize("role", ["editor", "reviewer"])
async def test_publishing_through_a_write_body_is_four_eyes_too(app: FastAPI, role: str) -> None:
    await seed(app)
    live = {**DRAFT, "status": "published"}
    new = {"content_key": "notice.new", "translations": [translation("en", "N", "B")]}
    async with client_for(app, role) as client:
        assert (await client.put(f"/contents/{KEY}/translations/hi", json=live)).status_code == 403
        assert (await client.post("/contents", json=new)).status_code == 403
        view = (await client.get(f"/contents/{KEY}/translations")).json()["translations"]
        assert (await client.get("/contents/notice.new/translations")).status_code == 404
    assert (view["hi"]["status"], view["hi"]["edited_by"]) == ("draft", "dev-editor-2")


async def test_an_edit_of_published_text_is_a_draft_until_reviewed(app: FastAPI) -> None:
    """Nobody serves unreviewed text: an editor's change of published English takes it offline."""
    await seed(app)
    async with client_for(app, "editor") as editor, client_for(app, None) as public:
        before = await public.get(f"/contents/{KEY}", params={"lang": "en"})
        change = {"title": "Water", "body": "Back on Thursday."}
        edited = (await editor.put(f"/contents/{KEY}/translations/en", json=change)).json()
        after = await public.get(f"/contents/{KEY}", params={"lang": "en"})
    assert before.status_code == 200
    assert (edited["status"], edited["edited_by"], edited["published_by"]) == (
        "draft",
        "dev-editor",
        None,
    )
    assert after.status_code == 404


async def test_an_admin_may_publish_its_own_text_and_is_recorded(app: FastAPI) -> None:
    async with client_for(app, "admin") as admin:
        body = {"content_key": "a", "translations": [translation("en", "T", "B")]}
        created = (await admin.post("/contents", json=body)).json()
    assert created["created_by"] == "dev-admin"
    en = created["translations"]["en"]
    assert (en["status"], en["edited_by"], en["published_by"]) == (
        "published",
        "dev-admin",
        "dev-admin",
    )


# --- who did what comes from the token, never from the body

AUDIT_FIELDS = [
    {"reviewed_by": "mallory"},
    {"published_by": "mallory"},
    {"edited_by": "mallory"},
    {"created_by": "mallory"},
]


@pytest.mark.parametrize("sneaky", AUDIT_FIELDS, ids=[next(iter(s)) for s in AUDIT_FIELDS])
async def test_audit_fields_in_a_body_are_422_and_never_stored(
    app: FastAPI, sneaky: dict[str, str]
) -> None:
    await seed(app)
    async with client_for(app, "editor") as editor:
        put = await editor.put(f"/contents/{KEY}/translations/hi", json={**DRAFT, **sneaky})
        item = translation("en", "T", "B", "draft", **sneaky)
        created = await editor.post("/contents", json={"content_key": "b", "translations": [item]})
        top = await editor.post(
            "/contents",
            json={
                "content_key": "c",
                "translations": [translation("en", "T", "B", "draft")],
                **sneaky,
            },
        )
    assert (put.status_code, created.status_code, top.status_code) == (422, 422, 422)
    async with app.state.database.session() as session:
        rows = (
            await session.execute(select(Translation.edited_by, Translation.published_by))
        ).all()
        creators = (await session.execute(select(Content.content_key, Content.created_by))).all()
    assert "mallory" not in {name for row in rows for name in row}
    assert creators == [(KEY, "dev-admin")]


async def test_the_audit_columns_record_every_writer(app: FastAPI) -> None:
    await seed(app)
    async with client_for(app, "reviewer") as reviewer, client_for(app, "admin") as admin:
        assert (await reviewer.post(f"/contents/{KEY}/translations/hi/publish")).status_code == 200
        assert (await admin.delete(f"/contents/{KEY}")).status_code == 204
    async with app.state.database.session() as session:
        content = (await session.execute(select(Content))).scalar_one()
        hindi = (
            await session.execute(select(Translation).where(Translation.language == "hi"))
        ).scalar_one()
    assert (content.created_by, content.deleted_by) == ("dev-admin", "dev-admin")
    assert (hindi.edited_by, hindi.published_by) == ("dev-editor-2", "dev-reviewer")


async def test_openapi_declares_the_scheme_and_each_protected_route(app: FastAPI) -> None:
    spec = app.openapi()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    protected = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == [{"bearer": []}]
    }
    expected = {(method, path) for _name, method, path, *_ in WRITES}
    templated = {
        ("POST", "/contents"),
        ("PUT", "/contents/{content_key}/translations/{language}"),
        ("GET", "/contents/{content_key}/translations"),
        ("POST", "/contents/{content_key}/translations/{language}/publish"),
        ("POST", "/contents/{content_key}/translations/{language}/unpublish"),
        ("DELETE", "/contents/{content_key}"),
    }
    assert len(expected) == len(templated) and protected == templated
    for method, path in protected:
        responses = spec["paths"][path][method.lower()]["responses"]
        assert {"401", "403"} <= responses.keys()
        assert "WWW-Authenticate" in responses["401"]["headers"]
