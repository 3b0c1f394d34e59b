"""Pydantic 2 schemas: what clients may send (strict, editable fields only) and what they get.

Every text a client sends is checked before it reaches the database: no NUL characters
(PostgreSQL rejects them), no lone surrogates (not encodable as UTF-8), NFC-normalised so a
search for a word matches however the client's keyboard composed it.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_serializer,
    field_validator,
)

from tarento_lib.content.languages import LanguageCode

__all__ = [
    "RESERVED_KEYS",
    "Category",
    "ContentCreate",
    "ContentKey",
    "ContentOut",
    "ContentPage",
    "ContentSummary",
    "ErrorBody",
    "LocalizedContent",
    "SearchHit",
    "SearchResults",
    "SearchText",
    "Status",
    "TranslationIn",
    "TranslationOut",
    "TranslationUpdate",
    "clean_text",
]

RESERVED_KEYS = frozenset({"search"})  # a path segment of its own: /contents/search


class Status(enum.StrEnum):
    """Workflow state of a translation; only ``published`` text is served to the public."""

    DRAFT = "draft"
    PUBLISHED = "published"


def clean_text(value: str) -> str:
    """NFC-normalise ``value``; reject NUL and text that cannot be encoded as UTF-8."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return unicodedata.normalize("NFC", value)


def _not_reserved(value: str) -> str:
    if value in RESERVED_KEYS:
        raise ValueError(f"{value!r} is reserved (it is a route: /contents/{value})")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be blank")
    return value


ContentKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$"),
    AfterValidator(_not_reserved),
]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500, strip_whitespace=True),
    AfterValidator(clean_text),
    AfterValidator(_not_blank),
]
Body = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100_000),
    AfterValidator(clean_text),
    AfterValidator(_not_blank),
]
Meta = Annotated[
    str, StringConstraints(max_length=500, strip_whitespace=True), AfterValidator(clean_text)
]
Keyword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, strip_whitespace=True),
    AfterValidator(clean_text),
    AfterValidator(_not_blank),
]
SearchText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(clean_text),
    AfterValidator(_not_blank),
]

_STRICT = ConfigDict(extra="forbid")


class TranslationUpdate(BaseModel):
    """The editable fields of a translation; any other key (ids, timestamps, reviewers) is a 422."""

    model_config = _STRICT
    title: Title
    body: Body
    meta_description: Meta | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    status: Status | None = Field(None, description="omit to keep the current status (new: draft)")


class TranslationIn(TranslationUpdate):
    """A translation sent together with new content."""

    language: LanguageCode
    status: Status | None = Status.DRAFT


class ContentCreate(BaseModel):
    """New content with at least one translation, at most one per language."""

    model_config = _STRICT
    content_key: ContentKey
    category: Category = "general"
    translations: list[TranslationIn] = Field(min_length=1, max_length=len(LanguageCode))

    @field_validator("translations")
    @classmethod
    def _one_per_language(cls, value: list[TranslationIn]) -> list[TranslationIn]:
        seen = [t.language for t in value]
        duplicates = sorted({code for code in seen if seen.count(code) > 1})
        if duplicates:
            raise ValueError(f"one translation per language; repeated: {', '.join(duplicates)}")
        return value


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


class TranslationOut(_Out):
    language: LanguageCode
    title: str
    body: str
    meta_description: str | None
    keywords: list[str]
    status: Status
    revision: int
    updated_at: datetime

    @field_serializer("updated_at")
    def _when(self, moment: datetime) -> str:
        return _utc(moment)


class ContentOut(_Out):
    """The editor's view of one content: every translation, drafts included."""

    id: int
    content_key: str
    category: str
    created_at: datetime
    updated_at: datetime
    translations: dict[LanguageCode, TranslationOut]

    @field_serializer("created_at", "updated_at")
    def _when(self, moment: datetime) -> str:
        return _utc(moment)


class LocalizedContent(BaseModel):
    """The public view: one published translation, chosen by the fallback chain."""

    content_key: str
    category: str
    language: LanguageCode = Field(description="the language actually served")
    requested_language: LanguageCode = Field(description="the first language the client asked for")
    fallback_used: bool
    tried: list[LanguageCode] = Field(description="the resolution order, up to the language served")
    title: str
    body: str
    summary: str
    meta_description: str | None
    keywords: list[str]
    revision: int


class ContentSummary(BaseModel):
    content_key: str
    category: str
    published_languages: list[LanguageCode]


class ContentPage(BaseModel):
    items: list[ContentSummary]
    total: int
    offset: int
    limit: int


class SearchHit(BaseModel):
    content_key: str
    category: str
    language: LanguageCode
    title: str
    snippet: str


class SearchResults(BaseModel):
    query: str
    language: LanguageCode
    hits: list[SearchHit]


class ErrorBody(BaseModel):
    """Every 4xx the API answers on purpose carries a JSON body like this one."""

    detail: str
