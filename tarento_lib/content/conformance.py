"""The "your turn" suite of Q6: add ``GET /contents/{content_key}/languages`` to the app.

The candidate is a function ``add_languages_endpoint(app)`` that registers the route on a
:func:`create_app` application. The endpoint answers the published languages of one content,
in code order, as ``[{"code": "en", "name": "English", "native_name": "English"}, ...]``;
404 with a JSON ``detail`` for an unknown or deleted key; and at most 2 SQL statements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import event

from tarento_lib.auth import TokenAuthority
from tarento_lib.content import service
from tarento_lib.content.app import create_app
from tarento_lib.content.dependencies import SessionDep
from tarento_lib.content.languages import LANGUAGES, LanguageCode
from tarento_lib.content.schemas import Status
from tarento_lib.grading import Case, Steps, Suite, between

if TYPE_CHECKING:
    import httpx

__all__ = ["ROUTE", "SUITES", "reference_languages_endpoint"]

ROUTE = "/contents/{content_key}/languages"
_SEED = {
    "content_key": "faq.refund",
    "category": "help",
    "translations": [
        {
            "language": "en",
            "title": "Refunds",
            "body": "Refunds take five days.",
            "status": "published",
        },
        {
            "language": "hi",
            "title": "धनवापसी",
            "body": "धनवापसी में पाँच दिन लगते हैं।",
            "status": "published",
        },
        {
            "language": "ta",
            "title": "பணத்தைத் திரும்பப் பெறுதல்",
            "body": "ஐந்து நாட்கள் ஆகும்.",
            "status": "draft",
        },
    ],
}


def reference_languages_endpoint(app: FastAPI) -> None:
    """The reference answer: one read of the content (one joined statement), published only."""

    @app.get(ROUTE, tags=["contents"])
    async def published_languages(content_key: str, session: SessionDep) -> list[dict[str, str]]:
        content = await service.get_content(session, content_key=content_key)
        if content is None:
            raise HTTPException(404, f"no content {content_key!r}")
        codes = sorted(t.language for t in content.translations if t.status == Status.PUBLISHED)
        return [
            {
                "code": c,
                "name": LANGUAGES[LanguageCode(c)].name,
                "native_name": LANGUAGES[LanguageCode(c)].native_name,
            }
            for c in codes
        ]


def _drive(candidate: Callable[[FastAPI], Any], steps: Steps, script: Callable[..., Any]) -> Any:
    """A fresh in-memory app with the candidate's route added; runs ``script(client, app)``
    (the client sends the admin's development token, to seed content)."""
    app = create_app("sqlite+aiosqlite://", auth=TokenAuthority.development(), production=False)
    steps.note("app = create_app(); add_languages_endpoint(app)")
    candidate(app)
    seeder = {"Authorization": f"Bearer {app.state.token_authority.issue_for('admin')}"}

    import httpx  # here, not at import: httpx's own CLI module loads pygments

    async def main() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://lab", headers=seeder
        ) as client:
            try:
                return await script(client, app)
            finally:
                await app.state.database.dispose()

    return asyncio.run(main())


async def _get(client: httpx.AsyncClient, steps: Steps, path: str) -> httpx.Response:
    response = await client.get(path)
    steps.note(f"GET {path} -> {response.status_code} {response.text[:120]}")
    return response


async def _seed(client: httpx.AsyncClient, steps: Steps, *, publish: bool = True) -> None:
    body = (
        _SEED
        if publish
        else {**_SEED, "translations": [{**t, "status": "draft"} for t in _SEED["translations"]]}
    )
    response = await client.post("/contents", json=body)
    steps.note(
        f"POST /contents faq.refund (en, hi{'' if publish else ' as drafts'}, ta draft)"
        f" -> {response.status_code}"
    )


def _case_route(candidate: Any, steps: Steps) -> None:
    app = create_app("sqlite+aiosqlite://", auth=TokenAuthority.development(), production=False)
    candidate(app)
    paths = [(getattr(r, "path", ""), sorted(getattr(r, "methods", ()) or ())) for r in app.routes]
    steps.note(f"routes added: {[p for p, _ in paths if p.endswith('/languages')]}")
    steps.expect(any(p == ROUTE and "GET" in m for p, m in paths), f"GET {ROUTE} is registered")


def _case_published(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        response = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(response.status_code, "status")
        steps.expect(response.json(), "published languages in code order, with native names")

    _drive(candidate, steps, script)


def _case_drafts(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps, publish=False)
        response = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(
            (response.status_code, response.json()), "drafts only: the status and the list"
        )

    _drive(candidate, steps, script)


def _case_missing(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        known = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(known.status_code, "status for a known key")
        response = await _get(client, steps, "/contents/no.such.key/languages")
        steps.expect(response.status_code, "status for an unknown key")
        body = response.json()
        steps.expect(type(body) is dict and "detail" in body, "the 404 has a JSON 'detail'")

    _drive(candidate, steps, script)


def _case_deleted(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        known = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(known.status_code, "status before the delete")
        deleted = await client.delete("/contents/faq.refund")
        steps.note(f"DELETE /contents/faq.refund -> {deleted.status_code}")
        response = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(response.status_code, "status for a soft-deleted key")

    _drive(candidate, steps, script)


def _case_statements(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, app: FastAPI) -> None:
        await _seed(client, steps)
        statements: list[str] = []
        engine = app.state.database.engine.sync_engine

        def listener(*args: Any) -> None:  # (conn, cursor, statement, ...)
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = await _get(client, steps, "/contents/faq.refund/languages")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        steps.expect(response.status_code, "status")
        steps.note(f"SQL statements: {len(statements)}")
        steps.expect(
            len(statements),
            "SQL statements for one request",
            between(0, 2, "at most 2 SQL statements per request"),
        )

    _drive(candidate, steps, script)


_CASES = (
    Case(
        "route is registered", _case_route, f"decorate an async function with @app.get({ROUTE!r})"
    ),
    Case(
        "published languages with native names",
        _case_published,
        "select the live content's translations with status 'published'; names from LANGUAGES",
    ),
    Case(
        "drafts are not listed",
        _case_drafts,
        "keep published translations only; an empty list is still a 200",
    ),
    Case(
        "unknown key is a JSON 404",
        _case_missing,
        "no live content with that key: raise HTTPException(404, ...)",
    ),
    Case(
        "soft-deleted content is a 404",
        _case_deleted,
        "a content whose deleted_at is set is gone: filter on deleted_at IS NULL",
    ),
    Case(
        "at most 2 SQL statements",
        _case_statements,
        "one statement joining the content and its translations; no query per translation",
    ),
)

SUITES: dict[str, Suite] = {
    "content_api": Suite(
        "content_api",
        "Q6: GET /contents/{content_key}/languages",
        _CASES,
        kind="function",
        reference=lambda: reference_languages_endpoint,
    ),
}
