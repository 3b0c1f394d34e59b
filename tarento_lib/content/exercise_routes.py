"""The routes the Q6 exercise and its mock interview ask a candidate to add, as the grader's
reference.

Each is a function that registers its route on an app made by :func:`create_app`, the way the
candidate's ``add_languages_endpoint(app)`` does: the published languages of one content (with
an ``ETag`` in the interview's last stage), the language a reader of ``lang`` is served along
its fallback chain, and one page of the contents readable in a language.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Header, HTTPException, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import and_, func, select

from tarento_lib.content import service
from tarento_lib.content.dependencies import SessionDep
from tarento_lib.content.languages import LANGUAGES, LanguageCode, fallback_chain
from tarento_lib.content.models import Content, Translation
from tarento_lib.content.routes import etag_matches, etag_of
from tarento_lib.content.schemas import Status

__all__ = [
    "CONTENTS_IN_ROUTE",
    "ROUTE",
    "SERVED_ROUTE",
    "reference_contents_in_language",
    "reference_interview_endpoints",
    "reference_languages_endpoint",
    "reference_served_language",
]

ROUTE = "/contents/{content_key}/languages"
SERVED_ROUTE = ROUTE + "/{lang}"
CONTENTS_IN_ROUTE = "/languages/{lang}/contents"


def _published(content: Content) -> list[dict[str, str]]:
    """The published languages of ``content`` (translations loaded), in code order."""
    codes = sorted(t.language for t in content.translations if t.status == Status.PUBLISHED)
    return [
        {
            "code": c,
            "name": LANGUAGES[LanguageCode(c)].name,
            "native_name": LANGUAGES[LanguageCode(c)].native_name,
        }
        for c in codes
    ]


def reference_languages_endpoint(app: FastAPI) -> None:
    """The reference answer: one read of the content (one joined statement), published only."""

    @app.get(ROUTE, tags=["contents"])
    async def published_languages(content_key: str, session: SessionDep) -> list[dict[str, str]]:
        content = await service.get_content(session, content_key=content_key)
        if content is None:
            raise HTTPException(404, f"no content {content_key!r}")
        return _published(content)


class ServedLanguage(BaseModel):
    """Which language a reader who asked for ``requested`` is served, and its title."""

    requested: LanguageCode
    language: LanguageCode
    fallback_used: bool
    title: str


class ContentTitle(BaseModel):
    content_key: str
    title: str


class ContentTitlePage(BaseModel):
    items: list[ContentTitle]
    total: int
    offset: int
    limit: int


def _languages_with_etag(app: FastAPI) -> None:
    """The exercise's route, with an ``ETag`` and a ``304`` for a matching ``If-None-Match``."""

    @app.get(ROUTE, tags=["contents"])
    async def published_languages(
        content_key: str,
        session: SessionDep,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        content = await service.get_content(session, content_key=content_key)
        if content is None:
            raise HTTPException(404, f"no content {content_key!r}")
        listed = JSONResponse(_published(content))
        etag = etag_of(bytes(listed.body))
        if etag_matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag})
        listed.headers["ETag"] = etag
        return listed


def reference_served_language(app: FastAPI) -> None:
    """``GET /contents/{content_key}/languages/{lang}``: the chain resolved in one statement."""

    @app.get(SERVED_ROUTE, tags=["contents"])
    async def served_language(
        content_key: str, lang: LanguageCode, session: SessionDep
    ) -> ServedLanguage:
        chain = fallback_chain(lang)
        result = await session.execute(
            service.localized_statement(len(chain)), service.localized_params(content_key, chain)
        )
        row = result.first()
        if row is None:
            raise HTTPException(404, f"no content {content_key!r}")
        if row.language is None:
            raise HTTPException(404, f"{content_key!r} has no published text in {', '.join(chain)}")
        return ServedLanguage(
            requested=lang,
            language=row.language,
            fallback_used=row.language != lang,
            title=row.title,
        )


def reference_contents_in_language(app: FastAPI) -> None:
    """``GET /languages/{lang}/contents``: a page of the live contents readable in ``lang``."""

    @app.get(CONTENTS_IN_ROUTE, tags=["contents"])
    async def contents_in_language(
        lang: LanguageCode,
        session: SessionDep,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> ContentTitlePage:
        readable = and_(
            Translation.content_id == Content.id,
            Translation.language == lang,
            Translation.status == Status.PUBLISHED,
        )
        rows = select(Content).join(Translation, readable).where(Content.deleted_at.is_(None))
        total = await session.scalar(select(func.count()).select_from(rows.subquery()))
        page = await session.execute(
            rows.with_only_columns(Content.content_key, Translation.title)
            .order_by(Content.content_key)
            .offset(offset)
            .limit(limit)
        )
        items = [ContentTitle(content_key=key, title=title) for key, title in page]
        return ContentTitlePage(items=items, total=total or 0, offset=offset, limit=limit)


def reference_interview_endpoints(app: FastAPI) -> None:
    """Every stage of the interview: the languages (with an ETag), the served one, a page."""
    _languages_with_etag(app)
    reference_served_language(app)
    reference_contents_in_language(app)
