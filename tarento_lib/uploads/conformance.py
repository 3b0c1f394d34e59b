"""The "upload" exercise suite: what any resumable chunked-upload class must do.

The candidate is a class built as ``cls(chunk_size=..., max_size=...)`` with
``initiate(filename, size) -> upload_id``, ``put_chunk(upload_id, index, data, content_md5=None)``,
``status(upload_id) -> {"received": [...], "missing": [...]}``, ``complete(upload_id)``
and ``abort(upload_id)``. ``complete`` may return the file's bytes or a path to it (``str`` or
``os.PathLike``): the suite compares the stored file's contents either way. Chunk indexes
start at 0; every chunk but the last is exactly ``chunk_size`` bytes long.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from tarento_lib.grading import Case, Steps, Suite
from tarento_lib.uploads.service import UploadService
from tarento_lib.uploads.sessions import SQLiteSessionStore
from tarento_lib.uploads.storage.base import content_md5
from tarento_lib.uploads.storage.memory import MemoryStorage

__all__ = ["SUITES", "ReferenceUploads"]

DATA = b"0123456789"  # 10 bytes: chunks of 4 are [0:4], [4:8], [8:10]
CHUNK = 4


class ReferenceUploads:
    """``UploadService`` on in-memory storage, shaped like the exercise's class."""

    def __init__(self, chunk_size: int, max_size: int) -> None:
        self.service = UploadService(
            MemoryStorage(), SQLiteSessionStore(), chunk_size=chunk_size, max_size=max_size
        )

    def initiate(self, filename: str, size: int) -> str:
        return self.service.initiate(filename, size).upload_id

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        self.service.put_chunk(upload_id, index, data, content_md5)

    def status(self, upload_id: str) -> dict[str, list[int]]:
        status = self.service.status(upload_id)
        return {"received": status.received, "missing": status.missing}

    def complete(self, upload_id: str) -> bytes:
        key = self.service.complete(upload_id).key
        assert key is not None
        with self.service.storage.open(key) as handle:
            return handle.read()

    def abort(self, upload_id: str) -> None:
        self.service.abort(upload_id)


def _chunk(index: int) -> bytes:
    return DATA[index * CHUNK : (index + 1) * CHUNK]


def _start(cls: Any, steps: Steps) -> tuple[Any, str]:
    steps.note(f"uploads = {cls.__name__}(chunk_size={CHUNK}, max_size=100)")
    uploads = cls(chunk_size=CHUNK, max_size=100)
    return uploads, steps.call(uploads, "initiate", "notes.txt", len(DATA))


def _contents(result: object) -> object:
    """The completed file's bytes, whether ``complete`` returned them or a path to them."""
    if isinstance(result, bytes | bytearray | memoryview):
        return bytes(result)
    if isinstance(result, str | os.PathLike):
        return Path(result).read_bytes()
    return result  # anything else is shown as it is, and will not match the reference


def _missing(uploads: Any, upload_id: str, steps: Steps) -> list[int]:
    return sorted(steps.call(uploads, "status", upload_id)["missing"])


def fresh_upload(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.expect(
        _missing(uploads, uid, steps), "missing chunks of a fresh 10-byte upload in chunks of 4"
    )


def any_order(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    for index in (2, 0, 1):
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.expect(_contents(steps.call(uploads, "complete", uid)), "the assembled file")


def resend_same(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.expect(_missing(uploads, uid, steps), "missing chunks after sending chunk 0 twice")


def resend_different(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.expect_raises(
        ValueError,
        lambda: uploads.put_chunk(uid, 0, b"XXXX"),
        "put_chunk(id, 0, b'XXXX') after b'0123'",
    )


def wrong_length(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.expect_raises(
        ValueError, lambda: uploads.put_chunk(uid, 0, b"012"), "put_chunk(id, 0, 3 bytes)"
    )
    steps.expect_raises(
        ValueError,
        lambda: uploads.put_chunk(uid, 2, b"89ab"),
        "put_chunk(id, 2, 4 bytes; 2 remain)",
    )
    steps.expect(_missing(uploads, uid, steps), "missing chunks after two rejected chunks")


def index_range(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.expect_raises(
        ValueError, lambda: uploads.put_chunk(uid, -1, _chunk(0)), "put_chunk(id, -1, ...)"
    )
    steps.expect_raises(
        ValueError, lambda: uploads.put_chunk(uid, 3, b"89"), "put_chunk(id, 3, ...) of 3 chunks"
    )


def base64_md5(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0), content_md5=content_md5(_chunk(0)))
    hex_md5 = hashlib.md5(_chunk(1)).hexdigest()
    steps.expect_raises(
        ValueError,
        lambda: uploads.put_chunk(uid, 1, _chunk(1), content_md5=hex_md5),
        f"put_chunk(id, 1, ..., content_md5={hex_md5!r}) (hex, not base64)",
    )
    wrong = content_md5(b"something else")
    steps.expect_raises(
        ValueError,
        lambda: uploads.put_chunk(uid, 2, _chunk(2), content_md5=wrong),
        "put_chunk(id, 2, ..., content_md5=<MD5 of other bytes>)",
    )
    steps.expect(_missing(uploads, uid, steps), "missing chunks: the rejected ones stored nothing")


def complete_needs_all(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.expect_raises(
        (ValueError, RuntimeError),
        lambda: uploads.complete(uid),
        "complete() with chunks 1 and 2 missing",
    )


def unknown_id(cls: Any, steps: Steps) -> None:
    uploads, _ = _start(cls, steps)
    steps.expect_raises(LookupError, lambda: uploads.status("no-such-id"), "status('no-such-id')")
    steps.expect_raises(
        LookupError,
        lambda: uploads.put_chunk("no-such-id", 0, b"0123"),
        "put_chunk('no-such-id', ...)",
    )


def size_limits(cls: Any, steps: Steps) -> None:
    uploads = cls(chunk_size=CHUNK, max_size=100)
    steps.note(f"uploads = {cls.__name__}(chunk_size={CHUNK}, max_size=100)")
    empty = steps.call(uploads, "initiate", "empty.txt", 0)
    steps.expect(
        sorted(steps.call(uploads, "status", empty)["missing"]), "missing chunks of 0 bytes"
    )
    steps.expect(_contents(steps.call(uploads, "complete", empty)), "the assembled empty file")
    steps.expect_raises(
        ValueError, lambda: uploads.initiate("minus.txt", -1), "initiate('minus.txt', -1)"
    )
    steps.expect_raises(
        ValueError, lambda: uploads.initiate("big.txt", 101), "initiate('big.txt', 101)"
    )


def safe_filename(cls: Any, steps: Steps) -> None:
    uploads = cls(chunk_size=CHUNK, max_size=100)
    steps.note(f"uploads = {cls.__name__}(chunk_size={CHUNK}, max_size=100)")
    for name in ("../../etc/passwd", "/etc/passwd", "a\x00b"):
        steps.expect_raises(
            ValueError, lambda name=name: uploads.initiate(name, 5), f"initiate({name!r}, 5)"
        )


def aborted_is_closed(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.call(uploads, "abort", uid)
    steps.expect_raises(
        (LookupError, RuntimeError, ValueError),
        lambda: uploads.put_chunk(uid, 1, _chunk(1)),
        "put_chunk after abort",
    )


CASES = (
    Case(
        "fresh upload: every chunk missing",
        fresh_upload,
        "status() lists chunk indexes 0..n-1 that have not arrived.",
    ),
    Case(
        "chunks in any order assemble the file",
        any_order,
        "Store chunks by index; join them in index order.",
    ),
    Case(
        "re-sending the same chunk is a no-op",
        resend_same,
        "Clients retry: the same bytes again must not fail.",
    ),
    Case(
        "different bytes for a received chunk are refused",
        resend_different,
        "Compare a digest of the new bytes with the stored one.",
    ),
    Case(
        "a chunk of the wrong length is refused",
        wrong_length,
        "All chunks but the last are chunk_size long; the last holds the rest.",
    ),
    Case(
        "chunk index out of range is refused",
        index_range,
        "Valid indexes are 0..ceil(size/chunk_size)-1.",
    ),
    Case(
        "Content-MD5 is base64 of the digest",
        base64_md5,
        "base64.b64encode(hashlib.md5(data).digest()); compare before storing.",
    ),
    Case(
        "complete needs every chunk",
        complete_needs_all,
        "Refuse to assemble while status() still lists missing chunks.",
    ),
    Case(
        "unknown upload id is a LookupError",
        unknown_id,
        "Raise KeyError (a LookupError) for ids you never issued.",
    ),
    Case(
        "size must be 0..max_size",
        size_limits,
        "An empty file has no chunks and completes at once; refuse negative and oversized sizes.",
    ),
    Case(
        "a filename never becomes a path",
        safe_filename,
        "Refuse separators, absolute paths and control characters.",
    ),
    Case(
        "an aborted upload takes no more chunks",
        aborted_is_closed,
        "abort() deletes the parts and closes the session.",
    ),
)

SUITES = {
    "upload": Suite(
        "upload", "Resumable chunked uploads", CASES, reference=lambda: ReferenceUploads
    )
}
