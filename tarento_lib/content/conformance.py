"""The "your turn" suite of Q6: add ``GET /contents/{content_key}/languages`` to the app.

The candidate is a function ``add_languages_endpoint(app)`` that registers the route on a
:func:`create_app` application. The endpoint answers the published languages of one content,
in code order, as ``[{"code": "en", "name": "English", "native_name": "English"}, ...]``;
404 with a JSON ``detail`` for an unknown or deleted key; and at most 2 SQL statements.

``INTERVIEWS`` stages the mock interview on the same interface: the function registers more
routes as the follow-ups come (the fallback chain, the two 404s, a page per language, an
``ETag``). The reference routes are in :mod:`tarento_lib.content.exercise_routes`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy import event

from tarento_lib.auth import TokenAuthority
from tarento_lib.content.app import create_app
from tarento_lib.content.exercise_routes import (
    CONTENTS_IN_ROUTE,
    ROUTE,
    SERVED_ROUTE,
    reference_contents_in_language,
    reference_interview_endpoints,
    reference_languages_endpoint,
    reference_served_language,
)
from tarento_lib.grading import Case, Steps, Suite, between, rule
from tarento_lib.interview.plan import Interview, Stage

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CONTENTS_IN_ROUTE",
    "INTERVIEWS",
    "ROUTE",
    "SERVED_ROUTE",
    "SUITES",
    "reference_contents_in_language",
    "reference_interview_endpoints",
    "reference_languages_endpoint",
    "reference_served_language",
]

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


@contextmanager
def _statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    statements: list[str] = []
    engine = app.state.database.engine.sync_engine

    def listener(*args: Any) -> None:  # (conn, cursor, statement, ...)
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


_AT_MOST_TWO = between(0, 2, "at most 2 SQL statements per request")


def _case_statements(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, app: FastAPI) -> None:
        await _seed(client, steps)
        with _statements(app) as statements:
            response = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect(response.status_code, "status")
        steps.note(f"SQL statements: {len(statements)}")
        steps.expect(len(statements), "SQL statements for one request", _AT_MOST_TWO)

    _drive(candidate, steps, script)


REGISTERED = Case(
    "route is registered", _case_route, f"decorate an async function with @app.get({ROUTE!r})"
)
PUBLISHED = Case(
    "published languages with native names",
    _case_published,
    "select the live content's translations with status 'published'; names from LANGUAGES",
)
DRAFTS = Case(
    "drafts are not listed",
    _case_drafts,
    "keep published translations only; an empty list is still a 200",
)
MISSING = Case(
    "unknown key is a JSON 404",
    _case_missing,
    "no live content with that key: raise HTTPException(404, ...)",
)
DELETED = Case(
    "soft-deleted content is a 404",
    _case_deleted,
    "a content whose deleted_at is set is gone: filter on deleted_at IS NULL",
)
STATEMENTS = Case(
    "at most 2 SQL statements",
    _case_statements,
    "one statement joining the content and its translations; no query per translation",
)
_CASES = (REGISTERED, PUBLISHED, DRAFTS, MISSING, DELETED, STATEMENTS)

SUITES: dict[str, Suite] = {
    "content_api": Suite(
        "content_api",
        "Q6: GET /contents/{content_key}/languages",
        _CASES,
        kind="function",
        reference=lambda: reference_languages_endpoint,
    ),
}


# The mock interview: the exercise's route, then the follow-ups in the order they come.


async def _post(
    client: httpx.AsyncClient, steps: Steps, key: str, languages: dict[str, str]
) -> None:
    """Create content ``key`` with one translation per language, in the status given."""
    translations = [
        {"language": code, "title": f"{key} ({code})", "body": "text", "status": status}
        for code, status in languages.items()
    ]
    body = {"content_key": key, "category": "help", "translations": translations}
    response = await client.post("/contents", json=body)
    shown = ", ".join(f"{code} {status}" for code, status in languages.items())
    steps.note(f"POST /contents {key} ({shown}) -> {response.status_code}")


async def _delete(client: httpx.AsyncClient, steps: Steps, key: str) -> None:
    response = await client.delete(f"/contents/{key}")
    steps.note(f"DELETE /contents/{key} -> {response.status_code}")


async def _answers(client: httpx.AsyncClient, steps: Steps, paths: list[str]) -> list[Any]:
    """Status and JSON body of a GET of each path."""
    seen = []
    for path in paths:
        response = await _get(client, steps, path)
        seen.append((response.status_code, response.json()))
    return seen


def _case_served_direct(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        paths = [f"/contents/faq.refund/languages/{code}" for code in ("hi", "en")]
        steps.expect(await _answers(client, steps, paths), "a language that is published")

    _drive(candidate, steps, script)


def _case_served_fallback(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        steps.note("fallback chains: mai -> hi -> en, kok -> mr -> hi -> en, ta -> en")
        for code, why in (
            ("mai", "Maithili is missing: Hindi, the next in its chain"),
            ("kok", "Konkani and Marathi are missing: Hindi"),
            ("ta", "Tamil is only a draft: English"),
        ):
            paths = [f"/contents/faq.refund/languages/{code}"]
            steps.expect(await _answers(client, steps, paths), why)

    _drive(candidate, steps, script)


def _case_served_statements(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, app: FastAPI) -> None:
        await _seed(client, steps)
        with _statements(app) as statements:
            response = await _get(client, steps, "/contents/faq.refund/languages/kok")
        steps.expect(response.status_code, "status")
        steps.note(f"SQL statements: {len(statements)}")
        steps.expect(len(statements), "SQL statements for a chain of 4 languages", _AT_MOST_TWO)

    _drive(candidate, steps, script)


def _case_unknown_code(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        for code in ("xx", "hindi"):
            response = await _get(client, steps, f"/contents/faq.refund/languages/{code}")
            body = response.json()
            steps.expect(response.status_code, f"status for the code {code!r}")
            steps.expect_true(
                type(body) is dict and "detail" in body, f"a JSON 'detail' for {code!r}"
            )

    _drive(candidate, steps, script)


def _detail(response: httpx.Response) -> Any:
    body = response.json()
    return body.get("detail") if type(body) is dict else None


def _case_two_404s(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _post(client, steps, "only.tamil", {"ta": "published", "en": "draft"})
        served = await _get(client, steps, "/contents/only.tamil/languages/ta")
        steps.expect(served.status_code, "status when the asked language is published")
        nothing = await _get(client, steps, "/contents/only.tamil/languages/mai")
        steps.expect(nothing.status_code, "status when nothing in mai -> hi -> en is published")
        unknown = await _get(client, steps, "/contents/no.such.key/languages/mai")
        steps.expect(unknown.status_code, "status for an unknown key")
        details = (_detail(nothing), _detail(unknown))
        steps.expect_true(
            all(type(d) is str for d in details) and details[0] != details[1],
            "each 404 has a JSON 'detail', and the two say different things",
        )

    _drive(candidate, steps, script)


def _case_served_deleted(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        before = await _get(client, steps, "/contents/faq.refund/languages/hi")
        steps.expect(before.status_code, "status before the delete")
        await _delete(client, steps, "faq.refund")
        after = await _get(client, steps, "/contents/faq.refund/languages/hi")
        steps.expect(after.status_code, "status for a soft-deleted key")

    _drive(candidate, steps, script)


async def _seed_library(client: httpx.AsyncClient, steps: Steps) -> None:
    """Six contents in no order; four readable in Hindi (one is a draft, one deleted)."""
    for key, languages in (
        ("e.five", {"hi": "published"}),
        ("a.one", {"hi": "published"}),
        ("f.six", {"hi": "published", "en": "published"}),
        ("c.three", {"hi": "published", "ta": "draft"}),
        ("b.two", {"hi": "draft", "en": "published"}),
        ("d.four", {"hi": "published"}),
    ):
        await _post(client, steps, key, languages)
    await _delete(client, steps, "d.four")


def _case_pages(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed_library(client, steps)
        paths = [
            "/languages/hi/contents?limit=2",
            "/languages/hi/contents?offset=2&limit=2",
            "/languages/hi/contents?offset=4&limit=2",
            "/languages/hi/contents",
            "/languages/en/contents",
            "/languages/ta/contents",
        ]
        for path, seen in zip(paths, await _answers(client, steps, paths), strict=True):
            steps.expect(seen, f"GET {path}")

    _drive(candidate, steps, script)


def _case_page_bounds(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed_library(client, steps)
        for query in ("/hi/contents?limit=0", "/hi/contents?limit=101", "/hi/contents?offset=-1"):
            response = await _get(client, steps, "/languages" + query)
            steps.expect(response.status_code, f"status of GET /languages{query}")
        response = await _get(client, steps, "/languages/xx/contents")
        steps.expect(response.status_code, "status for an unknown language")

    _drive(candidate, steps, script)


def _case_page_statements(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, app: FastAPI) -> None:
        await _seed_library(client, steps)
        for limit in (1, 4):
            with _statements(app) as statements:
                response = await _get(client, steps, f"/languages/hi/contents?limit={limit}")
            steps.expect(response.status_code, "status")
            steps.note(f"SQL statements: {len(statements)}")
            steps.expect(len(statements), f"SQL statements for a page of {limit}", _AT_MOST_TWO)

    _drive(candidate, steps, script)


@rule("an entity tag: a quoted string, optionally W/ before it")
def _is_etag(value: Any) -> bool:
    return type(value) is str and re.fullmatch(r'(W/)?"[\x21\x23-\x7e]*"', value) is not None


async def _conditional(
    client: httpx.AsyncClient, steps: Steps, if_none_match: str
) -> httpx.Response:
    response = await client.get(
        "/contents/faq.refund/languages", headers={"If-None-Match": if_none_match}
    )
    steps.note(
        f"GET /contents/faq.refund/languages, If-None-Match: {if_none_match}"
        f" -> {response.status_code} {response.text[:120]}"
    )
    return response


def _case_etag_304(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        first = await _get(client, steps, "/contents/faq.refund/languages")
        etag = first.headers.get("ETag")
        steps.expect(etag, "the ETag header", _is_etag)
        again = await _get(client, steps, "/contents/faq.refund/languages")
        steps.expect_true(again.headers.get("ETag") == etag, "the same list, the same ETag")
        cached = await _conditional(client, steps, str(etag))
        steps.expect((cached.status_code, cached.text), "status and body: the client has it")
        steps.expect_true(cached.headers.get("ETag") == etag, "the 304 repeats the ETag")

    _drive(candidate, steps, script)


def _case_etag_list(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        etag = str(
            (await _get(client, steps, "/contents/faq.refund/languages")).headers.get("ETag")
        )
        other = await _conditional(client, steps, '"not-this-one"')
        steps.expect((other.status_code, other.json()), "another tag: the full answer")
        listed = await _conditional(client, steps, f'"not-this-one", {etag}')
        steps.expect(listed.status_code, "status when the list of tags includes the current one")

    _drive(candidate, steps, script)


def _case_etag_changes(candidate: Any, steps: Steps) -> None:
    async def script(client: httpx.AsyncClient, _app: FastAPI) -> None:
        await _seed(client, steps)
        etag = (await _get(client, steps, "/contents/faq.refund/languages")).headers.get("ETag")
        text = {"title": "వాపసు", "body": "ఐదు రోజులు.", "status": "published"}
        put = await client.put("/contents/faq.refund/translations/te", json=text)
        steps.note(f"PUT /contents/faq.refund/translations/te (published) -> {put.status_code}")
        fresh = await _conditional(client, steps, str(etag))
        steps.expect((fresh.status_code, fresh.json()), "after a change: the new list")
        steps.expect_true(fresh.headers.get("ETag") != etag, "a new list, a new ETag")

    _drive(candidate, steps, script)


_STUB = '''"""Q6 · Multilingual content API. Stage 1: the published languages of one content."""

from fastapi import FastAPI


def add_languages_endpoint(app: FastAPI) -> None:
    """Register GET /contents/{content_key}/languages on ``app`` (made by create_app)."""
    raise NotImplementedError
'''

INTERVIEWS = {
    "q06": Interview(
        number="q06",
        brief=(
            "We run a content API that stores each page in English and the 22 scheduled "
            "languages of India. Readers ask for a language; editors write drafts and publish "
            "them. You get the running app and its tables: add the read endpoints readers need."
        ),
        clarifications=(
            "Write add_languages_endpoint(app): it registers your routes on an app made by "
            "tarento_lib.content.create_app. Take a session with SessionDep from "
            "tarento_lib.content.dependencies.",
            "The models are Content (content_key, deleted_at: set means soft-deleted) and "
            "Translation (language, title, status 'draft' or 'published'), in "
            "tarento_lib.content.models. tarento_lib.content.service.get_content loads one live "
            "content with its translations.",
            "Readers only ever see published text of live content; anything else is a 404 "
            "with a JSON 'detail'.",
            "tarento_lib.content.languages has LanguageCode (the 23 codes), LANGUAGES (each "
            "one's name and native_name) and fallback_chain(code).",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "the published languages of one content",
                "Add GET /contents/{content_key}/languages: the published languages of one "
                'content in code order, each {"code", "name", "native_name"}; a JSON 404 for an '
                "unknown or soft-deleted key; at most 2 SQL statements per request.",
                _CASES,
                (
                    "Declare the route with @app.get and take content_key and a SessionDep.",
                    "service.get_content(session, content_key=...) gives the live content with "
                    "its translations, or None: that None is your 404.",
                    "Keep the translations whose status is 'published', sort their codes, and "
                    "look each up in LANGUAGES[LanguageCode(code)].",
                ),
                9,
                "The model answer to the exercise",
            ),
            Stage(
                "the fallback chain",
                "A Maithili reader opens this page, and there is no Maithili text yet. Add GET "
                "/contents/{content_key}/languages/{lang}: the first published language in "
                'fallback_chain(lang), as {"requested", "language", "fallback_used", "title"}. '
                "One SQL statement or two, however long the chain.",
                (
                    Case(
                        "serves the language asked for when it is published",
                        _case_served_direct,
                        "the first code of fallback_chain(lang) is lang itself",
                    ),
                    Case(
                        "falls back along the chain, skipping drafts",
                        _case_served_fallback,
                        "walk fallback_chain(lang) and take the first published translation",
                    ),
                    Case(
                        "at most 2 SQL statements for any chain",
                        _case_served_statements,
                        "load the content and its translations once, then walk the chain",
                    ),
                ),
                (
                    "fallback_chain('mai') is (mai, hi, en): the order to try.",
                    "Load the translations once (service.get_content) and pick in Python, or "
                    "let the database rank them: ORDER BY CASE language ... LIMIT 1.",
                    "fallback_used is language != requested; a draft never counts as found.",
                ),
                7,
                "Which language each reader gets",
            ),
            Stage(
                "bad codes and the two kinds of 404",
                "What does a client get for /contents/faq.refund/languages/xx, or for a content "
                "that exists but has nothing published in the chain? An unknown code is a 422, "
                "like any invalid parameter. No such content and no text in the chain are both "
                "404s, but with different details: one means a bad link, the other a missing "
                "translation.",
                (
                    Case(
                        "an unknown language code is a 422",
                        _case_unknown_code,
                        "declare lang: LanguageCode and FastAPI validates it",
                    ),
                    Case(
                        "no content and no text in the chain are different 404s",
                        _case_two_404s,
                        "raise HTTPException(404, ...) with a different detail for each",
                    ),
                    Case(
                        "a soft-deleted content is a 404 in every language",
                        _case_served_deleted,
                        "only live content: deleted_at IS NULL",
                    ),
                ),
                (
                    "Type the path parameter as LanguageCode, not str: FastAPI answers 422 "
                    "for anything else, with a JSON detail.",
                    "Tell 'the content is not there' from 'it is there, but nothing in the "
                    "chain is published' before you pick a language.",
                ),
                5,
                "The interview answer",
            ),
            Stage(
                "a page of contents per language",
                "The Hindi home page lists what a Hindi reader can read. Add GET "
                "/languages/{lang}/contents?offset=0&limit=20: the live contents with a "
                "published text in lang, by content_key, each {content_key, title}, as "
                "{items, total, offset, limit}. limit is 1 to 100, offset at least 0, anything "
                "else a 422; at most 2 SQL statements whatever the page size.",
                (
                    Case(
                        "pages through the contents readable in a language",
                        _case_pages,
                        "join the published translations in lang, skip deleted content, "
                        "order by content_key, then offset and limit",
                    ),
                    Case(
                        "offset and limit are validated",
                        _case_page_bounds,
                        "Annotated[int, Query(ge=1, le=100)] for limit, Query(ge=0) for offset",
                    ),
                    Case(
                        "at most 2 SQL statements for any page",
                        _case_page_statements,
                        "one count, one page query: no query per item",
                    ),
                ),
                (
                    "One query for the total (a count over the same join) and one for the page.",
                    "Select Content.content_key and Translation.title from a join on the "
                    "published translation in lang, where deleted_at IS NULL.",
                    "Order by content_key before offset/limit, or pages overlap.",
                ),
                7,
                "Statements per page",
            ),
            Stage(
                "an ETag and 304 Not Modified",
                "Clients fetch the languages list on every page view. Give the response of "
                "GET /contents/{content_key}/languages an ETag, and answer 304 with no body "
                "(and the same ETag) when If-None-Match names it; a change to the list changes "
                "the ETag.",
                (
                    Case(
                        "an ETag, and 304 when If-None-Match matches",
                        _case_etag_304,
                        "hash the bytes you send; compare with If-None-Match first",
                    ),
                    Case(
                        "If-None-Match may list several tags",
                        _case_etag_list,
                        "split If-None-Match on commas; any tag that matches is a 304",
                    ),
                    Case(
                        "a change to the list changes the ETag",
                        _case_etag_changes,
                        "derive the tag from the content, not from the key",
                    ),
                ),
                (
                    "Take if_none_match: Annotated[str | None, Header()] = None and return a "
                    "Response yourself.",
                    "Serialise the list once (JSONResponse(...).body), hash those bytes into "
                    "a quoted tag such as '\"' + sha256(body).hexdigest()[:32] + '\"'.",
                    "If the header lists that tag, return Response(status_code=304, "
                    "headers={'ETag': tag}); otherwise send the body with the ETag header.",
                ),
                5,
                "The ETag and 304",
            ),
        ),
        no_probe=(
            "A request costs its database round trips, and the stages count its SQL "
            "statements: that count, not the time per call, is what a careless answer grows."
        ),
        reference=lambda: reference_interview_endpoints,
    )
}
