"""Pydantic 2 schemas: what clients may send (strict, editable fields only) and what they get.

Every text a client sends is checked before it reaches the database, by one rule that the
OpenAPI document carries as a ``pattern``: no control characters (a body may hold tabs and line
breaks), and at least one visible character, so a title of only spaces, zero-width characters
or direction marks is refused. Zero-width joiners inside a word stay (Indic scripts need them).
No lone surrogates (not encodable as UTF-8); NFC-normalised, so a search for a word matches
however the client's keyboard composed it.
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
    "FORMAT_CHARACTERS",
    "RESERVED_KEYS",
    "Body",
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
    "Title",
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


# Unicode's format characters (category Cf: zero-width space and joiners, direction marks, the
# byte-order mark, tag characters), up to Unicode 16; a test compares them with ``unicodedata``.
_FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
FORMAT_CHARACTERS = frozenset(chr(c) for lo, hi in _FORMAT_RANGES for c in range(lo, hi + 1))


def _escape(code: int) -> str:
    return rf"\u{code:04x}" if code <= 0xFFFF else rf"\U{code:08x}"


_CONTROL = r"\x00-\x1f\x7f-\x9f"  # category Cc
_CONTROL_BUT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # tab, LF and CR allowed
_SPACES = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"  # Zs, Zl, Zp
_INVISIBLE = (
    _CONTROL
    + _SPACES
    + "".join(
        _escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in _FORMAT_RANGES
    )
)


def _visible_text(forbidden: str) -> str:
    """The pattern of text with none of the ``forbidden`` characters and a visible one."""
    return f"^[^{forbidden}]*[^{_INVISIBLE}][^{forbidden}]*$"


LINE_PATTERN = _visible_text(_CONTROL)
TEXT_PATTERN = _visible_text(_CONTROL_BUT_LINES)


ContentKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$"),
    AfterValidator(_not_reserved),
]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]
Body = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100_000, pattern=TEXT_PATTERN),
    AfterValidator(clean_text),
]
Meta = Annotated[
    str,
    StringConstraints(max_length=500, strip_whitespace=True, pattern=f"^[^{_CONTROL}]*$"),
    AfterValidator(clean_text),
]
Keyword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]
SearchText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]

_STRICT = ConfigDict(extra="forbid")


class TranslationUpdate(BaseModel):
    """The editable fields of a translation; any other key (ids, timestamps, reviewers) is a 422.

    Who edited and who published are never read from a body: they come from the caller's token.
    """

    model_config = _STRICT
    title: Title
    body: Body
    meta_description: Meta | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    status: Status | None = Field(
        None,
        description="omit for a draft (an admin's edit keeps the current status); "
        "published only for an admin, as nobody else publishes their own text",
    )


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
    edited_by: str = Field(description="who wrote the current text (from their token)")
    published_by: str | None = Field(description="who published it; null for a draft")

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
    created_by: str
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
