"""Q6 · A multilingual content API: the answer to write in the interview (FastAPI + SQLAlchemy 2).

* **Model**: a language-neutral ``Content`` (a stable key such as ``faq.refund``; a soft delete
  sets ``deleted_at`` and every read skips it) and one ``Translation`` per language, with its own
  ``status``: a draft is never served. One translation per (content, language) is a database
  constraint (and the index the join uses).
* **Read**: ``GET /contents/{content_key}?lang=hi&fallback=mr`` serves the first *published*
  translation in the chain requested → fallback → English, and says which one it served. One SQL
  statement resolves the chain: an outer join on the published translations in the chain,
  ranked by position with ``ORDER BY CASE``, ``LIMIT 1``. No content and no published text in
  the chain are two different 404s.
* **Write**: ``PUT /contents/{content_key}/translations/{lang}`` creates or replaces one
  translation (and the content, the first time); ``status`` publishes it.
  ``GET /contents/{content_key}/languages`` lists the published languages, with their own names.
* **Layering**: declared path and query parameters (FastAPI validates them: 422 for an unknown
  language), ``response_model``, and a session per request from a dependency that takes it from
  the factory on ``app.state.database``; the app is built by ``create_app(engine)``, not at import.

Time: a read is one indexed statement, O(log n) in the database plus O(k) for a chain of k
(at most 3) languages. Space: O(1) per request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy import DateTime, ForeignKey, Select, String, Text, UniqueConstraint, case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["add_languages_endpoint"]

LANGUAGES = {  # code: (English name, its own name)
    "as": ("Assamese", "অসমীয়া"),
    "bn": ("Bengali", "বাংলা"),
    "brx": ("Bodo", "बड़ो"),
    "doi": ("Dogri", "डोगरी"),
    "en": ("English", "English"),
    "gu": ("Gujarati", "ગુજરાતી"),
    "hi": ("Hindi", "हिन्दी"),
    "kn": ("Kannada", "ಕನ್ನಡ"),
    "ks": ("Kashmiri", "کٲشُر"),
    "kok": ("Konkani", "कोंकणी"),
    "mai": ("Maithili", "मैथिली"),
    "ml": ("Malayalam", "മലയാളം"),
    "mni": ("Manipuri (Meitei)", "ꯃꯤꯇꯩꯂꯣꯟ"),
    "mr": ("Marathi", "मराठी"),
    "ne": ("Nepali", "नेपाली"),
    "or": ("Odia", "ଓଡ଼ିଆ"),
    "pa": ("Punjabi", "ਪੰਜਾਬੀ"),
    "sa": ("Sanskrit", "संस्कृतम्"),
    "sat": ("Santali", "ᱥᱟᱱᱛᱟᱲᱤ"),
    "sd": ("Sindhi", "سنڌي"),
    "ta": ("Tamil", "தமிழ்"),
    "te": ("Telugu", "తెలుగు"),
    "ur": ("Urdu", "اردو"),
}
Language = StrEnum("Language", {code: code for code in LANGUAGES})  # 422 for any other code
ENGLISH = Language("en")
Key = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[a-z0-9._-]+$")]


class Base(DeclarativeBase):
    pass


class Content(Base):
    __tablename__ = "contents"
    id: Mapped[int] = mapped_column(primary_key=True)
    content_key: Mapped[str] = mapped_column(String(128), unique=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Translation(Base):
    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("content_id", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("contents.id"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")


class TranslationIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1)
    status: Literal["draft", "published"] = "draft"


class LocalizedContent(BaseModel):
    content_key: str
    language: str  # the language served
    requested: str
    title: str
    body: str


class LanguageInfo(BaseModel):
    code: str
    name: str
    native_name: str


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, from the app's session factory; closed afterwards."""
    async with request.app.state.database.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
LIVE = Content.deleted_at.is_(None)
router = APIRouter(tags=["contents"])


def localized(content_key: str, chain: list[str]) -> Select[tuple[str, str, str, str]]:
    """The live content and its best published translation in ``chain``: one statement."""
    rank = case({code: position for position, code in enumerate(chain)}, value=Translation.language)
    published = (
        (Translation.content_id == Content.id)
        & (Translation.status == "published")
        & Translation.language.in_(chain)
    )
    return (
        select(Content.content_key, Translation.language, Translation.title, Translation.body)
        .outerjoin(Translation, published)
        .where(Content.content_key == content_key, LIVE)
        .order_by(rank)
        .limit(1)
    )


@router.get("/contents/{content_key}", response_model=LocalizedContent)
async def read_content(
    content_key: Key,
    session: SessionDep,
    lang: Language = ENGLISH,
    fallback: Language | None = None,
) -> LocalizedContent:
    chain = list(dict.fromkeys(str(code) for code in (lang, fallback, "en") if code is not None))
    row = (await session.execute(localized(content_key, chain))).one_or_none()
    if row is None:
        raise HTTPException(404, f"no content {content_key!r}")
    if row.language is None:  # the outer join found the content but no text in the chain
        raise HTTPException(404, f"{content_key!r} has no published text in {chain}")
    return LocalizedContent(**row._asdict(), requested=lang)


@router.put("/contents/{content_key}/translations/{lang}", response_model=LocalizedContent)
async def put_translation(
    content_key: Key, lang: Language, text: TranslationIn, session: SessionDep
) -> LocalizedContent:
    try:
        content = await session.scalar(select(Content).where(Content.content_key == content_key))
        if content is None:
            content = Content(content_key=content_key)
            session.add(content)
            await session.flush()  # gives content.id
        elif content.deleted_at is not None:
            raise HTTPException(409, f"content {content_key!r} was deleted")
        found = select(Translation).filter_by(content_id=content.id, language=lang)
        translation = await session.scalar(found) or Translation(content_id=content.id)
        translation.language, translation.status = lang, text.status
        translation.title, translation.body = text.title, text.body
        session.add(translation)
        await session.commit()
    except IntegrityError as error:  # a concurrent writer created the same row first
        raise HTTPException(409, "a concurrent write won; send it again") from error
    return LocalizedContent(
        content_key=content_key, language=lang, requested=lang, title=text.title, body=text.body
    )


async def published_languages(content_key: Key, session: SessionDep) -> list[LanguageInfo]:
    published = (Translation.content_id == Content.id) & (Translation.status == "published")
    statement = (
        select(Translation.language)
        .select_from(Content)
        .outerjoin(Translation, published)
        .where(Content.content_key == content_key, LIVE)
        .order_by(Translation.language)
    )
    codes = (await session.scalars(statement)).all()  # [None]: live, nothing published
    if not codes:
        raise HTTPException(404, f"no content {content_key!r}")
    return [
        LanguageInfo(code=c, name=LANGUAGES[c][0], native_name=LANGUAGES[c][1]) for c in codes if c
    ]


def add_languages_endpoint(app: FastAPI) -> None:
    """Add ``GET /contents/{content_key}/languages`` (the published languages) to ``app``."""
    app.add_api_route(
        "/contents/{content_key}/languages",
        published_languages,
        response_model=list[LanguageInfo],
        tags=["contents"],
    )


def create_app(engine: AsyncEngine) -> FastAPI:
    """The API on ``engine`` (its owner sets the pool); ``create_tables`` makes the schema."""
    app = FastAPI(title="Multilingual content")
    app.state.database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    app.include_router(router)
    add_languages_endpoint(app)
    return app


async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
