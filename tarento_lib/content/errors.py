"""The content package's named exceptions (the service raises them; routes map them to HTTP)."""

from __future__ import annotations

from tarento_lib import config

__all__ = ["ConfigurationError", "ContentError", "DuplicateContentError", "FourEyesError"]


class ContentError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(ContentError, config.ConfigurationError):
    """A database URL or option the package cannot use (named scheme and allowed values)."""


class DuplicateContentError(ContentError):
    """A content key is already taken (also when two creates race: the database decides)."""

    def __init__(self, content_key: str) -> None:
        super().__init__(f"content {content_key!r} already exists")
        self.content_key = content_key


class FourEyesError(ContentError):
    """Someone tried to publish text they wrote themselves: a second person must publish it."""

    def __init__(self, subject: str, language: str) -> None:
        super().__init__(
            f"{subject} wrote the current {language} text, so someone else must publish it "
            "(four-eyes rule): save it as a draft and ask a reviewer"
        )
        self.subject = subject
        self.language = language
