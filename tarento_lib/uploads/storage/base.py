"""What a storage backend must offer, and the chunk-size arithmetic shared by all of them.

A backend stores the parts of an unfinished upload somewhere private and, on ``finish``,
turns them into one object in a single step, so a half-assembled file is never visible.
``ref`` is the backend's own opaque handle for one unfinished upload (a staging directory,
an S3 ``UploadId``); the service keeps it in the session and hands it back.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import BinaryIO, Protocol, runtime_checkable

from tarento_lib._validate import require_int, require_str

__all__ = [
    "BufferedPart",
    "MiB",
    "PartWriter",
    "Storage",
    "choose_chunk_size",
    "content_md5",
    "decode_content_md5",
    "decode_ref",
    "encode_ref",
    "validate_key",
]

MiB = 1024 * 1024


@runtime_checkable
class Storage(Protocol):
    """A place for unfinished uploads' parts and for finished objects."""

    min_part_size: int  # every part but the last must be at least this long
    max_parts: int
    # the algorithm (see ``checksums``) whose digests write_part takes and list_parts reports
    part_checksum: str

    def begin(self, key: str, *, content_type: str, verify: bool) -> str:
        """Start an upload that will become object ``key``; return its ``ref``."""

    def write_part(self, ref: str, index: int, data: bytes, digest: bytes, *, offset: int) -> None:
        """Store part ``index`` (0-based, ``offset`` bytes into the file)
        whose ``part_checksum`` is ``digest``."""

    def open_part(self, ref: str, index: int, *, offset: int, length: int) -> PartWriter:
        """A writer that takes part ``index`` piece by piece
        (``length`` bytes in all) as it arrives."""

    def list_parts(self, ref: str) -> dict[int, str]:
        """The parts the backend holds: index -> hex digest (``part_checksum``)."""

    def finish(self, ref: str, parts: dict[int, str], *, sha256: str | None) -> None:
        """Join the parts in index order into the object, checking the SHA-256 first if given."""

    def abort(self, ref: str) -> None:
        """Delete every part of the unfinished upload (a no-op if it is already gone)."""

    def pending(self) -> list[str]:
        """Refs of every unfinished upload the backend holds (to find abandoned ones)."""

    def open(self, key: str) -> BinaryIO:
        """A binary stream of a finished object; ``KeyError`` if there is none."""

    def exists(self, key: str) -> bool:
        """Whether a finished object ``key`` exists."""

    def delete(self, key: str) -> None:
        """Delete a finished object (a no-op if absent)."""


class PartWriter(Protocol):
    """One part on its way in: ``write`` pieces in order,
    then ``commit`` (it counts as held) or ``discard``."""

    def write(self, piece: bytes) -> None: ...

    def commit(self, digest: bytes) -> None: ...

    def discard(self) -> None: ...


class BufferedPart:
    """For backends that take a part whole (S3's UploadPart):
    pieces are gathered once, stored on commit."""

    def __init__(self, storage: Storage, ref: str, index: int, *, offset: int, length: int) -> None:
        self.storage, self.ref, self.index, self.offset = storage, ref, index, offset
        self.buffer = bytearray()

    def write(self, piece: bytes) -> None:
        self.buffer += piece

    def commit(self, digest: bytes) -> None:
        self.storage.write_part(self.ref, self.index, self.buffer, digest, offset=self.offset)
        self.buffer = bytearray()

    def discard(self) -> None:
        self.buffer = bytearray()


def choose_chunk_size(size: int, preferred: int, *, min_part_size: int, max_parts: int) -> int:
    """The chunk size for a ``size``-byte file: ``preferred``, raised to the backend's limits.

    It is at least ``min_part_size`` and large enough that the file needs at most ``max_parts``
    chunks (rounded up to a whole MiB when it has to grow for that reason). An empty file
    (``size=0``) has no chunks at all.
    """
    require_int(size, "size", minimum=0)
    require_int(preferred, "preferred", minimum=1)
    require_int(min_part_size, "min_part_size", minimum=1)
    require_int(max_parts, "max_parts", minimum=1)
    chunk = max(preferred, min_part_size)
    if math.ceil(size / chunk) > max_parts:
        chunk = math.ceil(math.ceil(size / max_parts) / MiB) * MiB
    return chunk


def content_md5(data: bytes) -> str:
    """The ``Content-MD5`` header value of ``data``: base64 of the 16-byte digest (RFC 1864)."""
    import hashlib

    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


def decode_content_md5(value: str) -> bytes:
    """The 16-byte digest a ``Content-MD5`` value carries;
    ``ValueError`` unless it is base64 of 16 bytes."""
    require_str(value, "content_md5")
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise ValueError(
            "content_md5 must be the base64 of a 16-byte MD5 digest (24 characters, RFC 1864), "
            f"got {value!r}"
        )
    return digest


def encode_ref(**fields: str) -> str:
    return json.dumps(fields, sort_keys=True)


def decode_ref(ref: str, *names: str) -> tuple[str, ...]:
    try:
        fields = json.loads(ref)
        return tuple(str(fields[name]) for name in names)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a storage ref of this backend: {ref!r}") from exc


def validate_key(key: str) -> str:
    """An object key made of safe relative segments (no '..', no absolute path, no backslash)."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty str, got {key!r}")
    segments = key.split("/")
    if key.startswith("/") or "\\" in key or any(s in ("", ".", "..") for s in segments):
        raise ValueError(f"key must be a relative path of plain segments, got {key!r}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ValueError(f"key must not contain control characters, got {key!r}")
    return key
