"""The embedded default: parts and objects in a local directory.

Layout under ``root``: ``.staging/<token>/`` holds one unfinished upload: its target key in
``key``, the bytes in ``data`` (each part written at its own offset, so parts may arrive in any
order and nothing is copied twice), and an empty marker ``part-<index>.<md5>`` per part, made
only after that part's bytes are written. ``finish`` streams ``data`` once to check the SHA-256
and then renames it into ``objects/<key>``: the object appears whole, in one step, or not at all.
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

    # -- the Storage protocol -----------------------------------------------------------
    def begin(self, key: str, *, content_type: str, verify: bool) -> str:
        self._object_path(key)
        token = secrets.token_hex(16)
        stage = self._staging / token
        stage.mkdir()
        (stage / "key").write_text(key, encoding="utf-8")
        (stage / "data").touch()
        return encode_ref(token=token)

    def write_part(self, ref: str, index: int, data: bytes, md5: bytes, *, offset: int) -> None:
        stage = self._stage(ref)
        for old in stage.glob(f"part-{index:06d}.*"):
            old.unlink(missing_ok=True)
        descriptor = os.open(stage / "data", os.O_WRONLY)
        try:
            view = memoryview(data)
            while view:
                view = view[os.pwrite(descriptor, view, offset + len(data) - len(view)):]
            if self.fsync:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
        (stage / f"part-{index:06d}.{md5.hex()}").touch()

    def list_parts(self, ref: str) -> dict[int, str]:
        found = (_PART.match(p.name) for p in self._stage(ref).iterdir())
        return {int(m[1]): m[2] for m in found if m}

    def finish(self, ref: str, parts: dict[int, str], *, sha256: str | None) -> None:
        stage = self._stage(ref)
        missing = [i for i, md5 in parts.items() if not (stage / f"part-{i:06d}.{md5}").exists()]
        if missing:
            raise StorageError(f"parts {missing} are missing from the staging directory")
        target = self._object_path((stage / "key").read_text(encoding="utf-8"))
        if sha256 is not None and (digest := self._sha256(stage / "data")) != sha256:
            raise ChecksumMismatch(f"SHA-256 of the assembled file is {digest}, expected {sha256}", scope="file")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / "data", target)
        shutil.rmtree(stage, ignore_errors=True)

    @staticmethod
    def _sha256(path: Path) -> str:
        hasher = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(_BLOCK):
                hasher.update(block)
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
