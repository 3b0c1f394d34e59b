"""Multilingual content API: FastAPI + SQLAlchemy 2 (async) over SQLite or PostgreSQL.

Layers, one module each: ``languages`` (codes, native names, fallbacks) · ``models`` ·
``schemas`` · ``service`` · ``dependencies`` · ``routes`` · ``app.create_app``. Importing
this package builds nothing: engines and apps come from :func:`create_app`.
"""

from tarento_lib.content.app import create_app
from tarento_lib.content.database import Database, resolve_url
from tarento_lib.content.errors import ConfigurationError, ContentError, DuplicateContentError
from tarento_lib.content.languages import (
    DEFAULT_LANGUAGE,
    FALLBACKS,
    LANGUAGES,
    SCHEDULED_LANGUAGES,
    LanguageCode,
    LanguageInfo,
    fallback_chain,
    parse_accept_language,
    resolution_order,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "FALLBACKS",
    "LANGUAGES",
    "SCHEDULED_LANGUAGES",
    "ConfigurationError",
    "ContentError",
    "Database",
    "DuplicateContentError",
    "LanguageCode",
    "LanguageInfo",
    "create_app",
    "fallback_chain",
    "parse_accept_language",
    "resolution_order",
    "resolve_url",
]
