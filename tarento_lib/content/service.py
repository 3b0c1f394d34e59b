"""The service layer: keyword-only async functions over a session; ``None`` when not found.

No HTTP here: routes turn ``None`` into 404, :class:`DuplicateContentError` into 409 and
:class:`FourEyesError` into 403. Every write names its ``actor`` (the caller's subject, recorded
in the audit columns). Publishing is four-eyes: nobody publishes the text they last wrote, unless
``self_publish`` (routes pass it for admins); an edit by anyone else turns published text back
into a draft, so no unreviewed text is ever served.
Every ORM read of one content loads it and its translations in one statement (``joinedload``),
and the relationship is ``lazy="raise"``, so an accidental per-row query fails loudly. The
public read is one Core statement that returns just the row to serve
(:func:`localized_statement`, run with ``session.execute`` by the route).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from datetime import datetime

import regex
from sqlalchemy import Select, String, and_, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.dml import ReturningUpdate

from tarento_lib._validate import require_int
from tarento_lib.content.errors import DuplicateContentError, FourEyesError
from tarento_lib.content.languages import LanguageCode
from tarento_lib.content.models import Content, Translation
from tarento_lib.content.schemas import ContentCreate, Status, TranslationUpdate
from tarento_lib.text import first_graphemes

__all__ = [
    "create_content",
    "escape_like",
    "fold",
    "get_content",
    "list_contents",
    "localize",
    "localized_params",
    "localized_statement",
    "search_contents",
    "set_status",
    "snippet",
    "soft_delete",
    "summarize",
    "upsert_translation",
]


def escape_like(text: str, escape: str = "\\") -> str:
    """``text`` with ``\\``, ``%`` and ``_`` escaped, so LIKE matches them literally."""
    return text.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


def fold(text: str) -> str:
    """``text`` for case-insensitive matching: Unicode full case folding, then NFC.

    Folding in Python, not in SQL, is what makes search the same on every backend: SQLite's
    ``lower()`` and ``LIKE`` fold ASCII only, PostgreSQL's ``ILIKE`` follows the database's
    locale (which differs between servers) and maps ``ß`` to ``ß``, not ``ss``.
    """
    return unicodedata.normalize("NFC", text.casefold())


def summarize(text: str, limit: int = 160) -> str:
    """At most ``limit`` grapheme clusters, cut at a word if possible; "…" only when cut."""
    require_int(limit, "limit", minimum=1)
    cut = first_graphemes(text, limit)  # one regex match, not a split of the whole text
    if len(cut) == len(text):  # at most ``limit`` clusters in all
        return text
    space = cut.rfind(" ")
    return (cut[:space] if space > len(cut) // 2 else cut).rstrip() + "…"


def snippet(text: str, query: str, width: int = 80) -> str:
    """About ``width`` clusters of ``text`` around the first (case-insensitive) ``query``."""
    found = regex.search(regex.escape(query), text, regex.IGNORECASE)
    at = found.start() if found else -1
    if len(text) <= width or at <= width // 4:
        return summarize(text, width)
    start = at - width // 4
    space = text.find(" ", start, at)
    start = space + 1 if space != -1 else start
    return "…" + summarize(text[start:], width)


@functools.cache
def _one() -> Select[tuple[Content]]:
    """Built once, with the key as a bound parameter:
    building a statement per request costs tens of µs."""
    return (
        select(Content)
        .where(Content.content_key == bindparam("content_key"), Content.deleted_at.is_(None))
        .options(joinedload(Content.translations))
    )


async def get_content(session: AsyncSession, *, content_key: str) -> Content | None:
    """The live content with this key and all its translations
    (one statement, a join), or ``None``."""
    result = await session.execute(_one(), {"content_key": content_key})
    return result.unique().scalar_one_or_none()


def localize(
    content: Content, *, order: Sequence[LanguageCode]
) -> tuple[Translation, list[LanguageCode]] | None:
    """The first *published* translation in ``order``, and the languages tried to find it."""
    published = {t.language: t for t in content.translations if t.status == Status.PUBLISHED}
    for position, code in enumerate(order):
        if code in published:
            return published[code], list(order[: position + 1])
    return None


@functools.cache
def localized_statement(languages: int) -> Select[tuple[object, ...]]:
    """The public read in one statement: the live content and its best published translation.

    The fallback chain is resolved by the database: the translations are joined only when
    published and in one of ``languages`` bound codes (``lang0`` first), ranked by their position
    with ``ORDER BY CASE``, and ``LIMIT 1`` keeps the best. A LEFT OUTER JOIN, so a live content
    with no such translation still comes back (with NULL text): "no content" and "no published
    text in those languages" stay two different 404s. Built once per number of languages.
    """
    codes = [bindparam(f"lang{i}", type_=String) for i in range(languages)]
    rank = case(
        *((Translation.language == code, i) for i, code in enumerate(codes)), else_=languages
    )
    joined = and_(
        Translation.content_id == Content.id,
        Translation.status == Status.PUBLISHED.value,
        Translation.language.in_(codes),
    )
    return (
        select(
            Content.content_key,
            Content.category,
            Translation.language,
            Translation.title,
            Translation.body,
            Translation.meta_description,
            Translation.keywords,
            Translation.revision,
        )
        .outerjoin(Translation, joined)
        .where(Content.content_key == bindparam("content_key"), Content.deleted_at.is_(None))
        .order_by(rank)
        .limit(1)
    )


def localized_params(content_key: str, order: Sequence[LanguageCode]) -> dict[str, str]:
    """The bound values of :func:`localized_statement` for ``order``."""
    params = {f"lang{i}": code.value for i, code in enumerate(order)}
    params["content_key"] = content_key
    return params


async def create_content(
    session: AsyncSession,
    *,
    data: ContentCreate,
    now: datetime,
    actor: str,
    self_publish: bool = False,
) -> Content:
    """Insert content and its translations in one transaction; the database decides duplicates.

    A translation sent as published is published by its own author: only with ``self_publish``.
    """
    for item in data.translations:
        if item.status == Status.PUBLISHED and not self_publish:
            raise FourEyesError(actor, item.language)
    content = Content(
        content_key=data.content_key,
        category=data.category,
        created_at=now,
        updated_at=now,
        created_by=actor,
        translations=[_new_translation(t.language, t, now, actor) for t in data.translations],
    )
    session.add(content)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise DuplicateContentError(data.content_key) from None
    return content


def _new_translation(
    language: LanguageCode, data: TranslationUpdate, now: datetime, actor: str
) -> Translation:
    status = data.status or Status.DRAFT
    return Translation(
        language=language,
        title=data.title,
        body=data.body,
        title_folded=fold(data.title),
        body_folded=fold(data.body),
        meta_description=data.meta_description,
        keywords=list(data.keywords),
        status=status,
        revision=1,
        created_at=now,
        updated_at=now,
        edited_by=actor,
        published_by=actor if status == Status.PUBLISHED else None,
    )


def _editable(data: TranslationUpdate, actor: str, self_publish: bool) -> dict[str, object]:
    """The editable fields, by name, and the audit columns: nothing else can change from outside.

    New text is unreviewed: it becomes a draft unless the actor may publish their own text
    (then an omitted status keeps the current one, and the actor is its publisher).
    """
    values: dict[str, object] = {
        "title": data.title,
        "body": data.body,
        "title_folded": fold(data.title),
        "body_folded": fold(data.body),
        "meta_description": data.meta_description,
        "keywords": list(data.keywords),
        "edited_by": actor,
    }
    if data.status is not None:
        values["status"] = data.status
        values["published_by"] = actor if data.status == Status.PUBLISHED else None
    elif self_publish:
        values["published_by"] = case((Translation.status == Status.PUBLISHED.value, actor))
    else:
        values["status"] = Status.DRAFT
        values["published_by"] = None
    return values


async def _live_id(session: AsyncSession, content_key: str) -> int | None:
    query = select(Content.id).where(
        Content.content_key == content_key, Content.deleted_at.is_(None)
    )
    return (await session.execute(query)).scalar_one_or_none()


def _bump(
    content_id: int, language: LanguageCode, values: dict[str, object], now: datetime
) -> ReturningUpdate[tuple[Translation]]:
    """One atomic UPDATE ... RETURNING:
    concurrent edits each add 1 to the revision, none is lost."""
    return (
        update(Translation)
        .where(Translation.content_id == content_id, Translation.language == language)
        .values(**values, revision=Translation.revision + 1, updated_at=now)
        .returning(Translation)
    )


async def _touch(session: AsyncSession, content_id: int, now: datetime) -> None:
    """Record on the content that one of its translations changed (same transaction)."""
    await session.execute(update(Content).where(Content.id == content_id).values(updated_at=now))


async def upsert_translation(
    session: AsyncSession,
    *,
    content_key: str,
    language: LanguageCode,
    data: TranslationUpdate,
    now: datetime,
    actor: str,
    self_publish: bool = False,
) -> tuple[Translation, bool] | None:
    """Create or replace one translation; ``(translation,
    created)``, or ``None`` if no such content."""
    if data.status == Status.PUBLISHED and not self_publish:
        raise FourEyesError(actor, language)
    content_id = await _live_id(session, content_key)
    if content_id is None:
        return None
    values = _editable(data, actor, self_publish)
    for _attempt in range(
        2
    ):  # a concurrent insert of the same language turns the second try into an update
        updated = (
            await session.execute(_bump(content_id, language, values, now))
        ).scalar_one_or_none()
        if updated is not None:
            await _touch(session, content_id, now)
            await session.commit()
            return updated, False
        translation = _new_translation(language, data, now, actor)
        translation.content_id = content_id
        session.add(translation)
        try:
            await _touch(session, content_id, now)
            await session.commit()
        except IntegrityError:
            await session.rollback()
            continue
        return translation, True
    raise RuntimeError("translation upsert lost two races in a row")  # pragma: no cover


async def set_status(
    session: AsyncSession,
    *,
    content_key: str,
    language: LanguageCode,
    status: Status,
    now: datetime,
    actor: str,
    self_publish: bool = False,
) -> Translation | None:
    """Move one translation through the workflow (draft ⇄ published); ``None`` if absent.

    Publishing is one conditional UPDATE: it changes the row only if someone other than its
    last editor publishes it (or ``self_publish``), so an edit racing the publication cannot
    slip through. When nothing changed, the row says why: already there, or four-eyes.
    """
    content_id = await _live_id(session, content_key)
    if content_id is None:
        return None
    publishing = status == Status.PUBLISHED
    values = {"status": status, "published_by": actor if publishing else None}
    statement = _bump(content_id, language, values, now).where(Translation.status != status)
    if publishing and not self_publish:
        statement = statement.where(Translation.edited_by != actor)
    changed = (await session.execute(statement)).scalar_one_or_none()
    if changed is not None:
        await _touch(session, content_id, now)
        await session.commit()
        return changed
    query = select(Translation).where(
        Translation.content_id == content_id, Translation.language == language
    )
    current = (await session.execute(query)).scalar_one_or_none()
    if current is not None and current.status != status and current.edited_by == actor:
        raise FourEyesError(actor, language)
    return current


async def soft_delete(
    session: AsyncSession, *, content_key: str, now: datetime, actor: str
) -> bool:
    """Hide the content from every read (its key stays taken); False if it was not live."""
    result = await session.execute(
        update(Content)
        .where(Content.content_key == content_key, Content.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now, deleted_by=actor)
    )
    await session.commit()
    return bool(result.rowcount)


async def list_contents(
    session: AsyncSession, *, category: str | None = None, offset: int = 0, limit: int = 20
) -> tuple[list[Content], int]:
    """One page of live contents in key order (with translations) and the total count."""
    live = (
        Content.deleted_at.is_(None)
        if category is None
        else ((Content.deleted_at.is_(None)) & (Content.category == category))
    )
    total = (
        await session.execute(select(func.count()).select_from(Content).where(live))
    ).scalar_one()
    page = select(Content).where(live).order_by(Content.content_key).offset(offset).limit(limit)
    rows = (await session.execute(page.options(selectinload(Content.translations)))).scalars().all()
    return list(rows), total


async def search_contents(
    session: AsyncSession,
    *,
    query: str,
    language: LanguageCode,
    category: str | None = None,
    limit: int = 20,
) -> list[tuple[Translation, Content]]:
    """Published translations in ``language`` whose title or body contains ``query`` literally.

    Case-insensitive in every script, and the same on every backend: the folded query is
    matched against the folded copies of title and body (see :func:`fold`).
    """
    pattern = f"%{escape_like(fold(query))}%"
    statement = (
        select(Translation, Content)
        .join(Content, Translation.content_id == Content.id)
        .where(
            Translation.language == language,
            Translation.status == Status.PUBLISHED,
            Content.deleted_at.is_(None),
            or_(
                Translation.title_folded.like(pattern, escape="\\"),
                Translation.body_folded.like(pattern, escape="\\"),
            ),
        )
        .order_by(Content.content_key)
        .limit(limit)
    )
    if category is not None:
        statement = statement.where(Content.category == category)
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]
