"""The "upload" exercise suite: the reference passes every case, broken candidates fail theirs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math

from tarento_lib.grading import get_suite, run_suite
from tarento_lib.uploads.conformance import ReferenceUploads


class Fixed:
    """A small correct solution written independently of the reference."""

    def __init__(self, chunk_size: int, max_size: int) -> None:
        self.chunk_size, self.max_size = chunk_size, max_size
        self.uploads: dict[str, dict] = {}

    def initiate(self, filename: str, size: int) -> str:
        if not 0 <= size <= self.max_size:
            raise ValueError("size")
        if (
            not filename
            or any(c in "/\\" or ord(c) < 32 for c in filename)
            or filename in (".", "..")
        ):
            raise ValueError("filename")
        upload_id = f"u{len(self.uploads)}"
        self.uploads[upload_id] = {"size": size, "chunks": {}, "open": True}
        return upload_id

    def _get(self, upload_id: str) -> dict:
        return self.uploads[upload_id]

    def _count(self, up: dict) -> int:
        return math.ceil(up["size"] / self.chunk_size)

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        up = self._get(upload_id)
        if not up["open"]:
            raise RuntimeError("closed")
        if not 0 <= index < self._count(up):
            raise ValueError("index")
        if len(data) != min(self.chunk_size, up["size"] - index * self.chunk_size):
            raise ValueError("length")
        if content_md5 is not None:
            try:
                ok = base64.b64decode(content_md5, validate=True) == hashlib.md5(data).digest()
            except binascii.Error:
                ok = False
            if not ok:
                raise ValueError("md5")
        if up["chunks"].setdefault(index, data) != data:
            raise ValueError("conflict")

    def status(self, upload_id: str) -> dict:
        up = self._get(upload_id)
        received = sorted(up["chunks"])
        return {
            "received": received,
            "missing": [i for i in range(self._count(up)) if i not in up["chunks"]],
        }

    def complete(self, upload_id: str) -> bytes:
        if self.status(upload_id)["missing"]:
            raise RuntimeError("missing")
        return b"".join(
            self._get(upload_id)["chunks"][i] for i in sorted(self._get(upload_id)["chunks"])
        )

    def abort(self, upload_id: str) -> None:
        self._get(upload_id)["open"] = False


class HexMD5(Fixed):
    """Compares Content-MD5 with the hex digest, as the typical answer does."""

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        if content_md5 is not None and content_md5 != hashlib.md5(data).hexdigest():
            raise ValueError("md5")
        super().put_chunk(upload_id, index, data, None)


class NoLengthCheck(Fixed):
    """Never checks chunk lengths or the declared size."""

    def initiate(self, filename: str, size: int) -> str:
        upload_id = f"u{len(self.uploads)}"
        self.uploads[upload_id] = {"size": max(size, 1), "chunks": {}, "open": True}
        return upload_id

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        up = self._get(upload_id)
        if not 0 <= index < self._count(up):
            raise ValueError("index")
        up["chunks"].setdefault(index, data)


class LastWriteWins(Fixed):
    """Overwrites a received chunk with whatever comes later."""

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        self._get(upload_id)["chunks"].pop(index, None)
        super().put_chunk(upload_id, index, data, content_md5)


def failed(candidate: type) -> set[str]:
    return {result.name for result in run_suite(candidate, "upload").failed}


def test_reference_and_an_independent_solution_pass_every_case() -> None:
    assert run_suite(ReferenceUploads, "upload").ok
    assert run_suite(Fixed, "upload").ok
    assert len(get_suite("upload").cases) == 12


def test_hex_md5_fails_only_the_content_md5_case() -> None:
    assert failed(HexMD5) == {"Content-MD5 is base64 of the digest"}


def test_missing_length_checks_fail_their_cases() -> None:
    assert failed(NoLengthCheck) == {
        "a chunk of the wrong length is refused",
        "different bytes for a received chunk are refused",
        "Content-MD5 is base64 of the digest",
        "size must be 0..max_size",
        "a filename never becomes a path",
        "an aborted upload takes no more chunks",
    }


def test_last_write_wins_fails_only_the_conflict_case() -> None:
    assert failed(LastWriteWins) == {"different bytes for a received chunk are refused"}
