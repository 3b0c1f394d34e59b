"""Chunk checksums by name: ``crc32c`` (hardware CRC, ~20 GB/s), ``md5``, ``sha1``, ``sha256``.

A client names its chunk checksum in the tus style, ``Upload-Checksum: crc32c 4waSgw==``
(algorithm, a space, base64 of the digest); ``Content-MD5`` (RFC 1864) is the MD5 case of the
same thing. Each storage backend records its parts by one algorithm (``part_checksum``): S3's
part ETag is an MD5, the local disk uses CRC32C because MD5 (~0.7 GB/s) would cost more than
moving the bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from typing import Protocol

import crc32c

from tarento_lib._validate import require_str

__all__ = [
    "ALGORITHMS",
    "Hasher",
    "digest_of",
    "new_hasher",
    "parse_upload_checksum",
    "upload_checksum",
]


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...


ALGORITHMS: dict[str, Callable[[], Hasher]] = {
    "crc32c": crc32c.CRC32CHash,
    "md5": hashlib.md5,
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
}


def new_hasher(algorithm: str) -> Hasher:
    """A fresh hashlib-style hasher; ``ValueError`` for an unknown algorithm name."""
    try:
        return ALGORITHMS[algorithm]()
    except KeyError:
        raise ValueError(
            f"checksum algorithm must be one of {', '.join(ALGORITHMS)}, got {algorithm!r}"
        ) from None


def digest_of(algorithm: str, data: bytes) -> bytes:
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return hasher.digest()


def upload_checksum(algorithm: str, data: bytes) -> str:
    """The ``Upload-Checksum`` header value of ``data``: ``"<algorithm> <base64 digest>"``."""
    return f"{algorithm} {base64.b64encode(digest_of(algorithm, data)).decode('ascii')}"


def parse_upload_checksum(value: str) -> tuple[str, bytes]:
    """``"crc32c 4waSgw=="`` -> ``("crc32c",
    b"\\xe3\\x06\\x92\\x83")``; ``ValueError`` if malformed."""
    algorithm, _, encoded = require_str(value, "checksum").strip().partition(" ")
    size = len(digest_of(algorithm, b""))  # also refuses an unknown algorithm
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != size:
        raise ValueError(
            f"checksum must be '<algorithm> <base64 of the {size}-byte digest>', got {value!r}"
        )
    return algorithm, digest
