"""A storage backend in a dict: for the exercise grader and quick experiments, not for big files."""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from typing import BinaryIO

from tarento_lib.uploads.errors import ChecksumMismatch, StorageError
from tarento_lib.uploads.storage.base import BufferedPart, decode_ref, encode_ref, validate_key

__all__ = ["MemoryStorage"]


class MemoryStorage:
    """Parts and objects held in memory; behaves like the other backends."""

    part_checksum = "md5"

    def __init__(self, *, min_part_size: int = 1, max_parts: int = 10_000) -> None:
        self.min_part_size = min_part_size
        self.max_parts = max_parts
        self._parts: dict[str, dict[int, bytes]] = {}
        self._keys: dict[str, str] = {}
        self._objects: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def begin(self, key: str, *, content_type: str, verify: bool) -> str:
        with self._lock:
            token = str(next(self._ids))
            self._parts[token], self._keys[token] = {}, validate_key(key)
        return encode_ref(token=token)

    def _slot(self, ref: str) -> dict[int, bytes]:
        (token,) = decode_ref(ref, "token")
        if token not in self._parts:
            raise StorageError(f"no unfinished upload for ref {ref!r}")
        return self._parts[token]

    def write_part(self, ref: str, index: int, data: bytes, digest: bytes, *, offset: int) -> None:
        with self._lock:
            self._slot(ref)[index] = bytes(data)

    def open_part(self, ref: str, index: int, *, offset: int, length: int) -> BufferedPart:
        return BufferedPart(self, ref, index, offset=offset, length=length)

    def list_parts(self, ref: str) -> dict[int, str]:
        with self._lock:
            return {i: hashlib.md5(d).hexdigest() for i, d in self._slot(ref).items()}

    def finish(self, ref: str, parts: dict[int, str], *, sha256: str | None) -> None:
        with self._lock:
            held = self._slot(ref)
            blob = b"".join(held[i] for i in sorted(parts))
            if sha256 is not None and hashlib.sha256(blob).hexdigest() != sha256:
                raise ChecksumMismatch("SHA-256 of the assembled file does not match", scope="file")
            (token,) = decode_ref(ref, "token")
            self._objects[self._keys.pop(token)] = blob
            del self._parts[token]

    def abort(self, ref: str) -> None:
        (token,) = decode_ref(ref, "token")
        with self._lock:
            self._parts.pop(token, None)
            self._keys.pop(token, None)

    def pending(self) -> list[str]:
        with self._lock:
            return [encode_ref(token=t) for t in self._parts]

    def open(self, key: str) -> BinaryIO:
        with self._lock:
            if key not in self._objects:
                raise KeyError(key)
            return io.BytesIO(self._objects[key])

    def exists(self, key: str) -> bool:
        return key in self._objects

    def delete(self, key: str) -> None:
        with self._lock:
            self._objects.pop(key, None)

    def __repr__(self) -> str:
        return f"MemoryStorage({len(self._objects)} objects, {len(self._parts)} unfinished)"
