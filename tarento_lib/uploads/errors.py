"""The few named exceptions of the upload service.

Each one also derives from the built-in exception a caller would expect (a missing upload is a
``LookupError``, a bad chunk a ``ValueError``), so generic code can catch it without importing us.
The HTTP layer maps them to status codes in one table (``http.ERROR_STATUS``).
"""

from __future__ import annotations

from tarento_lib import config

__all__ = [
    "ChecksumMismatch",
    "ChunkConflict",
    "ConfigurationError",
    "IncompleteUpload",
    "StorageError",
    "UploadClosed",
    "UploadError",
    "UploadGone",
    "UploadNotFound",
    "UploadTooLarge",
]


class UploadError(Exception):
    """Base class of every error raised by ``tarento_lib.uploads``."""


class UploadNotFound(UploadError, LookupError):
    """No upload session has this id."""

    def __init__(self, upload_id: str) -> None:
        super().__init__(f"no upload with id {upload_id!r}")
        self.upload_id = upload_id

    def __str__(self) -> str:  # LookupError would otherwise quote the message like a key
        return str(self.args[0])


class UploadGone(UploadError, LookupError):
    """The upload was aborted or expired; its parts are deleted."""

    def __init__(self, upload_id: str, state: str) -> None:
        super().__init__(f"upload {upload_id!r} is {state}")
        self.upload_id = upload_id
        self.state = state

    def __str__(self) -> str:
        return str(self.args[0])


class UploadClosed(UploadError, RuntimeError):
    """The upload is already complete: it takes no more chunks."""


class ChunkConflict(UploadError, ValueError):
    """A chunk that was already received is sent again with different bytes."""


class ChecksumMismatch(UploadError, ValueError):
    """A checksum sent by the client does not match the bytes received.

    ``scope`` is ``"chunk"`` (Content-MD5 of one chunk) or ``"file"`` (SHA-256 of the whole file).
    """

    def __init__(self, message: str, *, scope: str = "chunk") -> None:
        super().__init__(message)
        self.scope = scope


class IncompleteUpload(UploadError, RuntimeError):
    """``complete`` was called while some chunks are still missing."""

    def __init__(self, upload_id: str, missing: list[int]) -> None:
        shown = ", ".join(map(str, missing[:10])) + (", ..." if len(missing) > 10 else "")
        super().__init__(f"upload {upload_id!r} is missing {len(missing)} chunk(s): {shown}")
        self.missing = missing


class UploadTooLarge(UploadError, ValueError):
    """The declared size is above the service's ``max_size``."""


class StorageError(UploadError):
    """The storage backend failed (disk full, S3 unreachable, ...)."""


class ConfigurationError(UploadError, config.ConfigurationError):
    """A storage URL or setting cannot be used."""
