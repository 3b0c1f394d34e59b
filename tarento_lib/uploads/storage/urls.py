"""Build a storage backend from a URL: ``file:///srv/uploads``, ``s3://bucket/prefix/``, ``memory://``."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from tarento_lib._validate import require_str
from tarento_lib.uploads.errors import ConfigurationError
from tarento_lib.uploads.storage.base import Storage
from tarento_lib.uploads.storage.local import LocalStorage
from tarento_lib.uploads.storage.memory import MemoryStorage
from tarento_lib.uploads.storage.s3 import S3Storage

__all__ = ["storage_from_url"]


def storage_from_url(url: str) -> Storage:
    """The backend a URL names. S3 takes ``?endpoint=http://host:port`` for MinIO or a local server.

    >>> storage_from_url("memory://")
    MemoryStorage(0 objects, 0 unfinished)
    """
    parts = urlsplit(require_str(url, "url"))
    if parts.scheme == "memory":
        return MemoryStorage()
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise ConfigurationError(
                f"a file URL needs an absolute path, like file:///srv/uploads; got {url!r}"
            )
        return LocalStorage(unquote(parts.path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ConfigurationError(
                f"an s3 URL names a bucket, like s3://my-bucket/prefix/; got {url!r}"
            )
        from tarento_lib.uploads.embedded import s3_client

        endpoint = parse_qs(parts.query).get("endpoint", [None])[0]
        prefix = parts.path.lstrip("/")
        return S3Storage(
            s3_client(endpoint),
            parts.netloc,
            prefix=prefix if not prefix or prefix.endswith("/") else prefix + "/",
        )
    raise ConfigurationError(
        f"unknown storage scheme {parts.scheme!r} in {url!r}; use file://, s3:// or memory://"
    )
