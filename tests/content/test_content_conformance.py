"""The content_api suite: the reference passes, broken candidates fail exactly their cases."""

# No ``from __future__ import annotations`` here: the candidates below are sent to the grader's
# process by value, and FastAPI must find the names their route annotations use.

from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import select

from tarento_lib.content import LANGUAGES, LanguageCode
from tarento_lib.content.conformance import ROUTE, reference_languages_endpoint
from tarento_lib.content.dependencies import SessionDep
from tarento_lib.content.models import Content, Translation
from tarento_lib.lab import get_suite, run_suite


def failing(card: Any) -> set[str]:
    return {result.name for result in card.failed}


def test_reference_passes_every_case() -> None:
    card = run_suite(reference_languages_endpoint, "content_api")
    assert card.ok, card.render()
    assert len(card.results) == len(get_suite("content_api").cases) == 6


def test_empty_stub_fails_every_case() -> None:
    def stub(app: FastAPI) -> None:
        return None

    assert run_suite(stub, "content_api").passed == 0


def test_candidate_listing_drafts_fails_the_draft_cases() -> None:
    def with_drafts(app: FastAPI) -> None:
        @app.get(ROUTE)
        async def languages(content_key: str, session: SessionDep) -> list[dict[str, str]]:
            from tarento_lib.content import service

            content = await service.get_content(session, content_key=content_key)
            if content is None:
                raise HTTPException(404, "no such content")
            return [
                {
                    "code": t.language,
                    "name": LANGUAGES[LanguageCode(t.language)].name,
                    "native_name": LANGUAGES[LanguageCode(t.language)].native_name,
                }
                for t in content.translations
            ]

    card = run_suite(with_drafts, "content_api")
    assert failing(card) == {"published languages with native names", "drafts are not listed"}


def test_candidate_with_a_query_per_language_fails_only_the_statement_count() -> None:
    def n_plus_one(app: FastAPI) -> None:
        @app.get(ROUTE)
        async def languages(content_key: str, session: SessionDep) -> list[dict[str, str]]:
            query = select(Content.id).where(
                Content.content_key == content_key, Content.deleted_at.is_(None)
            )
            content_id = (await session.execute(query)).scalar_one_or_none()
            if content_id is None:
                raise HTTPException(404, "no such content")
            found = []
            for code in sorted(LanguageCode):
                status = (
                    await session.execute(
                        select(Translation.status).where(
                            Translation.content_id == content_id, Translation.language == code
                        )
                    )
                ).scalar_one_or_none()
                if status == "published":
                    info = LANGUAGES[code]
                    found.append(
                        {"code": str(code), "name": info.name, "native_name": info.native_name}
                    )
            return found

    assert failing(run_suite(n_plus_one, "content_api")) == {"at most 2 SQL statements"}


def test_plain_500_candidate_fails_the_404_cases() -> None:
    def crashes_on_missing(app: FastAPI) -> None:
        @app.get(ROUTE)
        async def languages(content_key: str, session: SessionDep) -> list[dict[str, str]]:
            from tarento_lib.content import service

            content = await service.get_content(session, content_key=content_key)
            if content is None:
                return [{"code": "??"}]
            return [
                {
                    "code": c,
                    "name": LANGUAGES[LanguageCode(c)].name,
                    "native_name": LANGUAGES[LanguageCode(c)].native_name,
                }
                for c in sorted(t.language for t in content.translations if t.status == "published")
            ]

    assert failing(run_suite(crashes_on_missing, "content_api")) == {
        "unknown key is a JSON 404",
        "soft-deleted content is a 404",
    }


def test_cli_grades_a_solution_file(tmp_path: Any, capsys: Any) -> None:
    from tarento_lib.cli import main

    solution = tmp_path / "q06_solution.py"
    solution.write_text(
        "from fastapi import FastAPI\n"
        "from tarento_lib.content.conformance import reference_languages_endpoint\n\n\n"
        "def add_languages_endpoint(app: FastAPI) -> None:\n"
        "    reference_languages_endpoint(app)\n"
    )
    assert main(["check", "q06", str(solution)]) == 0
    assert "content_api: 6/6 cases pass" in capsys.readouterr().out
