"""Storage backends: ``LocalStorage`` (the embedded default), ``S3Storage``, ``MemoryStorage``."""

from tarento_lib.uploads.storage.base import Storage, choose_chunk_size, content_md5
from tarento_lib.uploads.storage.local import LocalStorage
from tarento_lib.uploads.storage.memory import MemoryStorage
from tarento_lib.uploads.storage.s3 import S3Storage
from tarento_lib.uploads.storage.urls import storage_from_url

__all__ = [
    "LocalStorage",
    "MemoryStorage",
    "S3Storage",
    "Storage",
    "choose_chunk_size",
    "content_md5",
    "storage_from_url",
]
