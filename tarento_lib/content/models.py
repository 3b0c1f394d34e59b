"""SQLAlchemy 2 models: a language-neutral ``Content`` and one ``Translation`` per language.

One translation per (content, language) is a database constraint, not a check in code, so
it also holds for concurrent writers and for rows written by other programs.

The audit columns (``created_by``, ``edited_by``, ``published_by``, ``deleted_by``) hold the
subject of the authenticated caller; the service writes them, no request body can.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["TRANSLATION_UNIQUE", "Base", "Content", "Translation"]

TRANSLATION_UNIQUE = "uq_translation_content_language"


class Base(DeclarativeBase):
    """Declarative base of the content tables."""


class Content(Base):
    """A piece of content, identified by a stable key such as ``homepage.welcome``."""

    __tablename__ = "contents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_key: Mapped[str] = mapped_column(String(128), unique=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_by: Mapped[str] = mapped_column(String(128))
    deleted_by: Mapped[str | None] = mapped_column(String(128), default=None)
    # lazy="raise": touching an unloaded collection is an error, never a hidden query (N+1).
    translations: Mapped[list[Translation]] = relationship(
        back_populates="content",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="Translation.language",
    )


class Translation(Base):
    """The text of one content in one language, with its workflow status."""

    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("content_id", "language", name=TRANSLATION_UNIQUE),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(
        ForeignKey("contents.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    # Case-folded copies for search, written by the service with ``str.casefold`` (see
    # ``service.fold``): LIKE on them finds the same rows on SQLite and PostgreSQL, in any script.
    title_folded: Mapped[str] = mapped_column(Text, default="")
    body_folded: Mapped[str] = mapped_column(Text, default="")
    meta_description: Mapped[str | None] = mapped_column(String(500), default=None)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    edited_by: Mapped[str] = mapped_column(String(128))  # who wrote the current text
    published_by: Mapped[str | None] = mapped_column(String(128), default=None)  # None: a draft
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[Content] = relationship(back_populates="translations", lazy="raise")
