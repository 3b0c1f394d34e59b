"""HTTP routes: the only layer that knows about status codes and headers.

Reads of published text are public; every other route names the role it needs (``EditorDep``,
``ReviewerDep``, ``AdminDep``), records the caller as the author of what it changes, and
documents its 401 and 403.

Order matters: ``/contents/search`` is declared before ``/contents/{content_key}``, or the
path parameter would capture ``search`` and the search route could never be reached.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib.auth import Identity, Role, auth_responses
from tarento_lib.content import service
from tarento_lib.content.cache import CachedRead, ReadCache
from tarento_lib.content.dependencies import (
    AdminDep,
    EditorDep,
    NowDep,
    ReadCacheDep,
    ReadSessionDep,
    ReviewerDep,
    SessionDep,
)
from tarento_lib.content.errors import DuplicateContentError, FourEyesError
from tarento_lib.content.languages import LanguageCode, resolution_order
from tarento_lib.content.models import Content
from tarento_lib.content.schemas import (
    ContentCreate,
    ContentOut,
    ContentPage,
    ContentSummary,
    ErrorBody,
    LocalizedContent,
    SearchHit,
    SearchResults,
    SearchText,
    Status,
    TranslationOut,
    TranslationUpdate,
)

__all__ = [
    "content_out",
    "etag_matches",
    "etag_of",
    "render_public_read",
    "router",
]

router = APIRouter(prefix="/contents", tags=["contents"])

KeyPath = Annotated[
    str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$", description="e.g. homepage.welcome")
]
CategoryQuery = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}
# FastAPI answers 400 (not 422) for a body it cannot even decode, e.g. bytes that are not UTF-8.
_UNPARSABLE: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be parsed"}
}
_AUTH = auth_responses(ErrorBody)


def content_out(content: Content) -> ContentOut:
    """The editor's view of ``content`` (translations must be loaded)."""
    return ContentOut(
        id=content.id,
        content_key=content.content_key,
        category=content.category,
        created_at=content.created_at,
        updated_at=content.updated_at,
        created_by=content.created_by,
        translations={
            LanguageCode(t.language): TranslationOut.model_validate(t) for t in content.translations
        },
    )


def _not_found(content_key: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no content {content_key!r}")


def _self_publish(identity: Identity) -> bool:
    """Whether ``identity`` may publish text it wrote itself: admins only (audited all the same)."""
    return identity.holds(Role.ADMIN)


def _four_eyes(error: FourEyesError) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, str(error))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**_UNPARSABLE, **_AUTH, 409: {"model": ErrorBody}},
)
async def create_content(
    data: ContentCreate, editor: EditorDep, session: SessionDep, now: NowDep, response: Response
) -> ContentOut:
    """Create content with its translations (one per language). Needs the editor role."""
    try:
        content = await service.create_content(
            session, data=data, now=now, actor=editor.subject, self_publish=_self_publish(editor)
        )
    except DuplicateContentError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    except FourEyesError as error:
        raise _four_eyes(error) from None
    response.headers["Location"] = f"/contents/{content.content_key}"
    return content_out(content)


@router.get("")
async def list_contents(
    session: ReadSessionDep,
    category: CategoryQuery = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ContentPage:
    """One page of live contents, optionally of one category."""
    rows, total = await service.list_contents(
        session, category=category, offset=offset, limit=limit
    )
    items = [
        ContentSummary(
            content_key=c.content_key,
            category=c.category,
            published_languages=[
                LanguageCode(t.language) for t in c.translations if t.status == Status.PUBLISHED
            ],
        )
        for c in rows
    ]
    return ContentPage(items=items, total=total, offset=offset, limit=limit)


@router.get("/search")
async def search_contents(
    session: ReadSessionDep,
    lang: LanguageCode,
    q: Annotated[SearchText, Query()],
    category: CategoryQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResults:
    """Published text in ``lang`` containing ``q`` literally (``%`` and ``_`` are not wildcards)."""
    rows = await service.search_contents(
        session, query=q, language=lang, category=category, limit=limit
    )
    hits = [
        SearchHit(
            content_key=c.content_key,
            category=c.category,
            language=lang,
            title=t.title,
            snippet=service.snippet(t.body, q),
        )
        for t, c in rows
    ]
    return SearchResults(query=q, language=lang, hits=hits)


def etag_of(payload: bytes) -> str:
    """A strong validator: a digest of exactly the bytes that would be sent."""
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, ``*`` included)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


async def render_public_read(
    session: AsyncSession, content_key: str, order: tuple[LanguageCode, ...]
) -> CachedRead:
    """The public read of ``content_key``: one SQL statement, then bytes and headers, or a 404."""
    result = await session.execute(
        service.localized_statement(len(order)), service.localized_params(content_key, order)
    )
    row = result.first()
    if row is None:
        raise _not_found(content_key)
    key, category, language, title, body, meta_description, keywords, revision = row
    if language is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"{content_key!r} has no published translation in {', '.join(order)}",
        )
    read = LocalizedContent(
        content_key=key,
        category=category,
        language=language,
        requested_language=order[0],
        fallback_used=language != order[0],
        tried=list(order[: order.index(language) + 1]),
        title=title,
        body=body,
        summary=service.summarize(body),
        meta_description=meta_description,
        keywords=keywords,
        revision=revision,
    )
    payload = read.model_dump_json().encode()  # serialised once: hashed for the ETag and sent
    headers = {"ETag": etag_of(payload), "Content-Language": language, "Vary": "Accept-Language"}
    return CachedRead(payload, headers)


@router.get(
    "/{content_key}",
    response_model=LocalizedContent,
    responses={**_ERRORS, 304: {"description": "Not modified (ETag matched)"}},
)
async def get_localized(
    content_key: KeyPath,
    session: ReadSessionDep,
    cache: ReadCacheDep,
    lang: LanguageCode | None = None,
    accept_language: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The published text in the best language: ``lang``,
    then ``Accept-Language``, then fallbacks."""
    order = resolution_order(lang, accept_language)
    read = cache.get(content_key, order) if cache is not None else None
    if read is None:
        read = await render_public_read(session, content_key, order)
        if cache is not None:
            cache.put(content_key, order, read)
    if etag_matches(if_none_match, read.headers["ETag"]):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=read.headers)
    return Response(read.payload, media_type="application/json", headers=read.headers)


def _forget(cache: ReadCache | None, content_key: str) -> None:
    if cache is not None:
        cache.invalidate(content_key)


@router.get("/{content_key}/translations", responses={**_ERRORS, **_AUTH})
async def get_all_translations(
    content_key: KeyPath, _editor: EditorDep, session: ReadSessionDep
) -> ContentOut:
    """The editor's view: every translation, drafts included, with who wrote and published it.
    Needs the editor role (drafts are not public)."""
    content = await service.get_content(session, content_key=content_key)
    if content is None:
        raise _not_found(content_key)
    return content_out(content)


@router.put(
    "/{content_key}/translations/{language}",
    responses={
        **_ERRORS,
        **_UNPARSABLE,
        **_AUTH,
        201: {"model": TranslationOut, "description": "Created: the language was new"},
    },
)
async def put_translation(
    content_key: KeyPath,
    language: LanguageCode,
    data: TranslationUpdate,
    editor: EditorDep,
    session: SessionDep,
    now: NowDep,
    cache: ReadCacheDep,
    response: Response,
) -> TranslationOut:
    """Create (201) or replace (200) one translation; only the editable fields are accepted.

    Needs the editor role. The new text is a draft until someone else publishes it.
    """
    try:
        result = await service.upsert_translation(
            session,
            content_key=content_key,
            language=language,
            data=data,
            now=now,
            actor=editor.subject,
            self_publish=_self_publish(editor),
        )
    except FourEyesError as error:
        raise _four_eyes(error) from None
    _forget(cache, content_key)
    if result is None:
        raise _not_found(content_key)
    translation, created = result
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return TranslationOut.model_validate(translation)


async def _move(
    session: SessionDep,
    now: NowDep,
    cache: ReadCache | None,
    content_key: str,
    language: LanguageCode,
    target: Status,
    reviewer: Identity,
) -> TranslationOut:
    try:
        translation = await service.set_status(
            session,
            content_key=content_key,
            language=language,
            status=target,
            now=now,
            actor=reviewer.subject,
            self_publish=_self_publish(reviewer),
        )
    except FourEyesError as error:
        raise _four_eyes(error) from None
    _forget(cache, content_key)
    if translation is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no {language} translation of {content_key!r}"
        )
    return TranslationOut.model_validate(translation)


_GUARDED = {**_ERRORS, **_AUTH}


@router.post("/{content_key}/translations/{language}/publish", responses=_GUARDED)
async def publish(
    content_key: KeyPath,
    language: LanguageCode,
    reviewer: ReviewerDep,
    session: SessionDep,
    now: NowDep,
    cache: ReadCacheDep,
) -> TranslationOut:
    """Make a translation public. Needs the reviewer role, and someone other than its last
    editor (four-eyes): its author gets a 403."""
    return await _move(session, now, cache, content_key, language, Status.PUBLISHED, reviewer)


@router.post("/{content_key}/translations/{language}/unpublish", responses=_GUARDED)
async def unpublish(
    content_key: KeyPath,
    language: LanguageCode,
    reviewer: ReviewerDep,
    session: SessionDep,
    now: NowDep,
    cache: ReadCacheDep,
) -> TranslationOut:
    """Take a translation back to draft (no longer served). Needs the reviewer role."""
    return await _move(session, now, cache, content_key, language, Status.DRAFT, reviewer)


@router.delete("/{content_key}", status_code=status.HTTP_204_NO_CONTENT, responses=_GUARDED)
async def delete_content(
    content_key: KeyPath, admin: AdminDep, session: SessionDep, now: NowDep, cache: ReadCacheDep
) -> None:
    """Soft delete: the content disappears from every read; its key stays reserved.
    Needs the admin role."""
    deleted = await service.soft_delete(
        session, content_key=content_key, now=now, actor=admin.subject
    )
    _forget(cache, content_key)
    if not deleted:
        raise _not_found(content_key)
