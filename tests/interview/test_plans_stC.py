"""The interview plans of Q6 (content API) and Q7 (retry and failover), stage by stage.

A candidate that misses one follow-up passes every stage before it and fails exactly that
stage's new cases. (That the reference passes every stage, the interview answer stage 1, and
that the stub fails stage 1 cleanly is checked for every question in ``test_plans.py``.)
"""

# No ``from __future__ import annotations``: the Q6 candidates below are sent to the grader's
# process by value, and FastAPI must find the names their route annotations use.

from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from sqlalchemy import select

from tarento_lib.answers.q07_session_retry import Database, RetryState, retry_delay
from tarento_lib.content import service
from tarento_lib.content.conformance import (
    ROUTE,
    reference_contents_in_language,
    reference_languages_endpoint,
    reference_served_language,
)
from tarento_lib.content.dependencies import SessionDep
from tarento_lib.content.languages import LANGUAGES, LanguageCode, fallback_chain
from tarento_lib.content.models import Content, Translation
from tarento_lib.grading import run_suite
from tarento_lib.interview.plan import interview_plan


def failing(card: Any) -> set[str]:
    return {result.name for result in card.failed}


def new_cases(number: str, stage: int) -> set[str]:
    return {case.name for case in interview_plan(number).stages[stage - 1].cases}


def fails_exactly_stage(number: str, candidate: Any, stage: int) -> set[str]:
    """Grade ``candidate`` at ``stage - 1`` (all green) and ``stage``; return what failed."""
    plan = interview_plan(number)
    if stage > 1:
        before = run_suite(candidate, plan.stage_suite(stage - 1))
        assert before.ok, before.render()
    card = run_suite(candidate, plan.stage_suite(stage))
    assert not card.ok
    assert failing(card) <= new_cases(number, stage), card.render()
    return failing(card)


# Q7: Database.session() with retry, backoff and failover. The broken classes reuse the
# interview answer with one thing changed.


def fixed_wait(state: RetryState) -> float | None:
    """Six attempts, one second apart: bounded, but no backoff, no jitter, no deadline."""
    if retry_delay(RetryState(1, 0.0, state.error, 0.0)) is None or state.attempt >= 6:
        return None
    return 1.0


def retry_everything(state: RetryState) -> float | None:
    return retry_delay(RetryState(state.attempt, state.elapsed, ConnectionError(), state.jitter))


class FixedWait(Database):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, policy=fixed_wait, **kwargs)


class NoFailover(Database):
    def __init__(self, primary: Any, replica: Any = None, **kwargs: Any) -> None:
        super().__init__(primary, None, **kwargs)


class RetriesEverything(Database):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, policy=retry_everything, **kwargs)


class FailsOverOnAnything(Database):
    """Retries only transient errors, but its failover walk hides a bug on the primary."""

    @staticmethod
    async def _first_healthy(engines: list[Any]) -> Any:
        for engine in engines[:-1]:
            try:
                return await engine.connect()
            except Exception:
                continue
        return await engines[-1].connect()


class RaisesTheFirstError(Database):
    """Everything right, except that giving up raises the first error seen."""

    async def _connect(self, engines: list[Any]) -> Any:
        start, errors = self._now(), []
        for attempt in range(1, 7):
            try:
                return await self._first_healthy(engines)
            except (ConnectionError, TimeoutError) as error:
                errors.append(error)
            if attempt == 6 or self._now() - start >= 30:
                break
            await self._sleep(self._rng.random() * min(8, 2 ** (attempt - 1)))
        raise errors[0]


def test_q07_a_fixed_wait_fails_the_backoff_stage() -> None:
    assert fails_exactly_stage("q07", FixedWait, 2) == new_cases("q07", 2)


def test_q07_no_failover_fails_the_replica_stage() -> None:
    assert fails_exactly_stage("q07", NoFailover, 3) == {
        "reads fail over to the replica",
        "both down: every attempt tries both, then it gives up",
    }


def test_q07_retrying_everything_fails_the_transient_stage() -> None:
    assert fails_exactly_stage("q07", RetriesEverything, 4) == {
        "does not retry a bug",
        "a PermissionError is not retried",
        "a bug on the primary is not failed over",
    }


def test_q07_failing_over_on_a_bug_fails_only_that_case() -> None:
    assert fails_exactly_stage("q07", FailsOverOnAnything, 4) == {
        "a bug on the primary is not failed over"
    }


def test_q07_raising_the_first_error_fails_only_that_case() -> None:
    assert fails_exactly_stage("q07", RaisesTheFirstError, 4) == {
        "gives up with the last error, not the first"
    }


# Q6: routes added to the content app, one follow-up at a time. Each broken candidate reuses
# the reference for the stages before its own and gets its own stage wrong.


def test_q06_no_fallback_fails_the_chain_stage() -> None:
    def exact_language_only(app: FastAPI) -> None:
        reference_languages_endpoint(app)

        @app.get(ROUTE + "/{lang}")
        async def served(content_key: str, lang: LanguageCode, session: SessionDep) -> dict:
            content = await service.get_content(session, content_key=content_key)
            found = [
                t
                for t in (content.translations if content else [])
                if t.language == lang and t.status == "published"
            ]
            if not found:
                raise HTTPException(404, "not found")
            return {
                "requested": lang,
                "language": lang,
                "fallback_used": False,
                "title": found[0].title,
            }

    assert fails_exactly_stage("q06", exact_language_only, 2) == {
        "falls back along the chain, skipping drafts",
        "at most 2 SQL statements for any chain",  # it checks the status of a fallback too
    }


def test_q06_unchecked_codes_and_one_404_fail_the_validation_stage() -> None:
    def unchecked(app: FastAPI) -> None:
        reference_languages_endpoint(app)

        @app.get(ROUTE + "/{lang}")
        async def served(content_key: str, lang: str, session: SessionDep) -> dict:
            content = await service.get_content(session, content_key=content_key)
            published = {
                t.language: t.title
                for t in (content.translations if content else [])
                if t.status == "published"
            }
            for code in fallback_chain(lang):  # ValueError for an unknown code: a 500
                if code in published:
                    return {
                        "requested": lang,
                        "language": code,
                        "fallback_used": code != lang,
                        "title": published[code],
                    }
            raise HTTPException(404, "not found")

    assert fails_exactly_stage("q06", unchecked, 3) == {
        "an unknown language code is a 422",
        "no content and no text in the chain are different 404s",
    }


def test_q06_unbounded_page_fails_the_list_stage() -> None:
    def unbounded(app: FastAPI) -> None:
        reference_languages_endpoint(app)
        reference_served_language(app)

        @app.get("/languages/{lang}/contents")
        async def page(
            lang: LanguageCode, session: SessionDep, offset: int = 0, limit: int = 20
        ) -> dict:
            readable = (
                select(Content.content_key, Translation.title)
                .join(Translation, Translation.content_id == Content.id)
                .where(
                    Translation.language == lang,
                    Translation.status == "published",
                    Content.deleted_at.is_(None),
                )
                .order_by(Content.content_key)
            )
            rows = (await session.execute(readable)).all()  # every row, sliced in Python
            items = [{"content_key": k, "title": t} for k, t in rows[offset : offset + limit]]
            return {"items": items, "total": len(rows), "offset": offset, "limit": limit}

    assert fails_exactly_stage("q06", unbounded, 4) == {"offset and limit are validated"}


def test_q06_a_query_per_item_fails_only_the_statement_count() -> None:
    def n_plus_one(app: FastAPI) -> None:
        reference_languages_endpoint(app)
        reference_served_language(app)

        @app.get("/languages/{lang}/contents")
        async def page(
            lang: LanguageCode,
            session: SessionDep,
            offset: Annotated[int, Query(ge=0)] = 0,
            limit: Annotated[int, Query(ge=1, le=100)] = 20,
        ) -> dict:
            ids = select(Translation.content_id).where(
                Translation.language == lang, Translation.status == "published"
            )
            live = select(Content).where(Content.id.in_(ids), Content.deleted_at.is_(None))
            contents = (await session.scalars(live.order_by(Content.content_key))).all()
            items = []
            for content in contents[offset : offset + limit]:
                title = await session.scalar(
                    select(Translation.title).where(
                        Translation.content_id == content.id, Translation.language == lang
                    )
                )
                items.append({"content_key": content.content_key, "title": title})
            return {"items": items, "total": len(contents), "offset": offset, "limit": limit}

    assert fails_exactly_stage("q06", n_plus_one, 4) == {"at most 2 SQL statements for any page"}


def test_q06_no_etag_fails_the_caching_stage() -> None:
    def no_etag(app: FastAPI) -> None:
        reference_languages_endpoint(app)
        reference_served_language(app)
        reference_contents_in_language(app)

    assert fails_exactly_stage("q06", no_etag, 5) == new_cases("q06", 5)


def test_q06_comparing_the_whole_header_fails_only_the_list_of_tags() -> None:
    def exact_header(app: FastAPI) -> None:
        import hashlib

        from fastapi import Header, Response
        from fastapi.responses import JSONResponse

        reference_served_language(app)
        reference_contents_in_language(app)

        @app.get(ROUTE)
        async def languages(
            content_key: str,
            session: SessionDep,
            if_none_match: Annotated[str | None, Header()] = None,
        ) -> Response:
            content = await service.get_content(session, content_key=content_key)
            if content is None:
                raise HTTPException(404, "no such content")
            published = sorted(t.language for t in content.translations if t.status == "published")
            listed = JSONResponse(
                [
                    {"code": c, "name": i.name, "native_name": i.native_name}
                    for c, i in ((c, LANGUAGES[LanguageCode(c)]) for c in published)
                ]
            )
            etag = '"' + hashlib.sha256(listed.body).hexdigest() + '"'
            if if_none_match == etag:
                return Response(status_code=304, headers={"ETag": etag})
            listed.headers["ETag"] = etag
            return listed

    assert fails_exactly_stage("q06", exact_header, 5) == {"If-None-Match may list several tags"}
