"""The embedded default: parts and objects in a local directory.

Layout under ``root``: ``.staging/<token>/`` holds one unfinished upload (its target key in
``key``, each part in ``part-<index>.<md5>``); ``objects/<key>`` holds finished files. A part
is written to a temporary name and renamed, and the object is assembled into a temporary
file by streaming the parts (hashing as it goes), then renamed into place: a reader never
sees half a part or half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO

from tarento_lib.uploads.errors import ChecksumMismatch, StorageError
from tarento_lib.uploads.storage.base import decode_ref, encode_ref, validate_key

__all__ = ["LocalStorage"]

_PART = re.compile(r"^part-(\d{6})\.([0-9a-f]{32})$")
_BLOCK = 1024 * 1024


class LocalStorage:
    """Uploads staged and assembled under one directory (created with its parents)."""

    min_part_size = 1
    max_parts = 10_000

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = False) -> None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a path, got {type(root).__name__}")
        self.root = Path(root).resolve()
        self.fsync = fsync
        self._staging = self.root / ".staging"
        self._objects = self.root / "objects"
        for folder in (self._staging, self._objects):
            folder.mkdir(parents=True, exist_ok=True)

    # -- paths ------------------------------------------------------------------------
    def _object_path(self, key: str) -> Path:
        path = (self._objects / validate_key(key)).resolve()
        if not path.is_relative_to(self._objects):  # belt and braces after validate_key
            raise ValueError(f"key escapes the storage root: {key!r}")
        return path

    def _stage(self, ref: str) -> Path:
        (token,) = decode_ref(ref, "token")
        if not re.fullmatch(r"[0-9a-f]{32}", token):
            raise ValueError(f"not a staging token: {token!r}")
        stage = self._staging / token
        if not stage.is_dir():
            raise StorageError("the unfinished upload's staging directory is gone")
        return stage

    def _write_atomically(self, target: Path, chunks: list[bytes] | None = None) -> Path:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "wb") as out:
            for chunk in chunks or []:
                out.write(chunk)
            self._sync(out)
        return tmp

    def _sync(self, handle: BinaryIO) -> None:
        if self.fsync:
            handle.flush()
            os.fsync(handle.fileno())

    # -- the Storage protocol -----------------------------------------------------------
    def begin(self, key: str, *, content_type: str, verify: bool) -> str:
        self._object_path(key)
        token = secrets.token_hex(16)
        stage = self._staging / token
        stage.mkdir()
        (stage / "key").write_text(key, encoding="utf-8")
        return encode_ref(token=token)

    def write_part(self, ref: str, index: int, data: bytes, md5: bytes) -> None:
        stage = self._stage(ref)
        tmp = self._write_atomically(stage / f"part-{index:06d}", [data])
        for old in stage.glob(f"part-{index:06d}.*"):
            old.unlink(missing_ok=True)
        os.replace(tmp, stage / f"part-{index:06d}.{md5.hex()}")

    def list_parts(self, ref: str) -> dict[int, str]:
        found = (_PART.match(p.name) for p in self._stage(ref).iterdir())
        return {int(m[1]): m[2] for m in found if m}

    def finish(self, ref: str, parts: dict[int, str], *, sha256: str | None) -> None:
        stage = self._stage(ref)
        target = self._object_path((stage / "key").read_text(encoding="utf-8"))
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = stage / "assembled.tmp"
        digest = self._assemble(stage, parts, tmp)
        if sha256 is not None and digest != sha256:
            tmp.unlink()
            raise ChecksumMismatch(f"SHA-256 of the assembled file is {digest}, expected {sha256}", scope="file")
        os.replace(tmp, target)
        shutil.rmtree(stage, ignore_errors=True)

    def _assemble(self, stage: Path, parts: dict[int, str], tmp: Path) -> str:
        hasher = hashlib.sha256()
        with open(tmp, "wb") as out:
            for index in sorted(parts):
                part = stage / f"part-{index:06d}.{parts[index]}"
                if not part.exists():
                    raise StorageError(f"part {index} is missing from the staging directory")
                with open(part, "rb") as src:
                    while block := src.read(_BLOCK):
                        hasher.update(block)
                        out.write(block)
            self._sync(out)
        return hasher.hexdigest()

    def abort(self, ref: str) -> None:
        try:
            shutil.rmtree(self._stage(ref))
        except StorageError:
            pass

    def pending(self) -> list[str]:
        return sorted(encode_ref(token=p.name) for p in self._staging.iterdir() if p.is_dir())

    def open(self, key: str) -> BinaryIO:
        path = self._object_path(key)
        if not path.is_file():
            raise KeyError(key)
        return open(path, "rb")

    def exists(self, key: str) -> bool:
        return self._object_path(key).is_file()

    def delete(self, key: str) -> None:
        self._object_path(key).unlink(missing_ok=True)

    def __repr__(self) -> str:
        return "LocalStorage(<dir>)"
