"""Resumable chunked uploads: local-disk and S3 multipart storage, persisted sessions, checksums,
a FastAPI router (JSON API and tus 1.0), and a client with a progress bar.

>>> from tarento_lib.uploads import UploadService, LocalStorage, SQLiteSessionStore
>>> service = UploadService(
...     LocalStorage("data"), SQLiteSessionStore("sessions.db"), chunk_size=8 * MiB, max_size=2**30
... )
"""

from tarento_lib.uploads.errors import (
    ChecksumMismatch,
    ChunkConflict,
    ConfigurationError,
    IncompleteUpload,
    StorageError,
    UploadClosed,
    UploadError,
    UploadGone,
    UploadNotFound,
    UploadTooLarge,
)
from tarento_lib.uploads.service import UploadService, UploadStatus, validate_filename
from tarento_lib.uploads.sessions import SQLiteSessionStore, UploadSession
from tarento_lib.uploads.storage import (
    LocalStorage,
    MemoryStorage,
    S3Storage,
    Storage,
    choose_chunk_size,
    content_md5,
    storage_from_url,
)
from tarento_lib.uploads.storage.base import MiB

__all__ = [
    "ChecksumMismatch",
    "ChunkConflict",
    "ConfigurationError",
    "IncompleteUpload",
    "LocalStorage",
    "MemoryStorage",
    "MiB",
    "S3Storage",
    "SQLiteSessionStore",
    "Storage",
    "StorageError",
    "UploadClosed",
    "UploadError",
    "UploadGone",
    "UploadNotFound",
    "UploadService",
    "UploadSession",
    "UploadStatus",
    "UploadTooLarge",
    "choose_chunk_size",
    "content_md5",
    "storage_from_url",
    "validate_filename",
]
