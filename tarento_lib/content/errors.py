"""The content package's named exceptions (the service raises them; routes map them to HTTP)."""

from __future__ import annotations

from tarento_lib import config

__all__ = ["ConfigurationError", "ContentError", "DuplicateContentError"]


class ContentError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(ContentError, config.ConfigurationError):
    """A database URL or option the package cannot use (named scheme and allowed values)."""


class DuplicateContentError(ContentError):
    """A content key is already taken (also when two creates race: the database decides)."""

    def __init__(self, content_key: str) -> None:
        super().__init__(f"content {content_key!r} already exists")
        self.content_key = content_key
