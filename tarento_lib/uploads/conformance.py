"""The "upload" exercise suite: what any resumable chunked-upload class must do.

The candidate is a class built as ``cls(chunk_size=..., max_size=...)`` with
``initiate(filename, size) -> upload_id``, ``put_chunk(upload_id, index, data, content_md5=None)``,
``status(upload_id) -> {"received": [...], "missing": [...]}``, ``complete(upload_id)``
and ``abort(upload_id)``. ``complete`` may return the file's bytes or a path to it (``str`` or
``os.PathLike``): the suite compares the stored file's contents either way. Chunk indexes
start at 0; every chunk but the last is exactly ``chunk_size`` bytes long.

``INTERVIEWS`` is the mock interview: these cases and a few more, in the order an interviewer
asks for them (chunks in and the file out, then repeats, resume, checksums and the edges).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from tarento_lib.grading import Case, Steps, Suite
from tarento_lib.interview.plan import Interview, Stage
from tarento_lib.uploads.service import UploadService
from tarento_lib.uploads.sessions import SQLiteSessionStore
from tarento_lib.uploads.storage.base import content_md5
from tarento_lib.uploads.storage.memory import MemoryStorage

__all__ = ["INTERVIEWS", "SUITES", "ReferenceUploads"]

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


FRESH = Case(
    "fresh upload: every chunk missing",
    fresh_upload,
    "status() lists chunk indexes 0..n-1 that have not arrived.",
)

ANY_ORDER = Case(
    "chunks in any order assemble the file",
    any_order,
    "Store chunks by index; join them in index order.",
)

RESEND_SAME = Case(
    "re-sending the same chunk is a no-op",
    resend_same,
    "Clients retry: the same bytes again must not fail.",
)

RESEND_DIFFERENT = Case(
    "different bytes for a received chunk are refused",
    resend_different,
    "Compare a digest of the new bytes with the stored one.",
)

WRONG_LENGTH = Case(
    "a chunk of the wrong length is refused",
    wrong_length,
    "All chunks but the last are chunk_size long; the last holds the rest.",
)

INDEX_RANGE = Case(
    "chunk index out of range is refused",
    index_range,
    "Valid indexes are 0..ceil(size/chunk_size)-1.",
)

BASE64_MD5 = Case(
    "Content-MD5 is base64 of the digest",
    base64_md5,
    "base64.b64encode(hashlib.md5(data).digest()); compare before storing.",
)

COMPLETE_NEEDS_ALL = Case(
    "complete needs every chunk",
    complete_needs_all,
    "Refuse to assemble while status() still lists missing chunks.",
)

UNKNOWN_ID = Case(
    "unknown upload id is a LookupError",
    unknown_id,
    "Raise KeyError (a LookupError) for ids you never issued.",
)

SIZE_LIMITS = Case(
    "size must be 0..max_size",
    size_limits,
    "An empty file has no chunks and completes at once; refuse negative and oversized sizes.",
)

SAFE_FILENAME = Case(
    "a filename never becomes a path",
    safe_filename,
    "Refuse separators, absolute paths and control characters.",
)

ABORTED = Case(
    "an aborted upload takes no more chunks",
    aborted_is_closed,
    "abort() deletes the parts and closes the session.",
)

CASES = (
    FRESH,
    ANY_ORDER,
    RESEND_SAME,
    RESEND_DIFFERENT,
    WRONG_LENGTH,
    INDEX_RANGE,
    BASE64_MD5,
    COMPLETE_NEEDS_ALL,
    UNKNOWN_ID,
    SIZE_LIMITS,
    SAFE_FILENAME,
    ABORTED,
)

SUITES = {
    "upload": Suite(
        "upload", "Resumable chunked uploads", CASES, reference=lambda: ReferenceUploads
    )
}


# -- the mock interview: the core question, then the follow-ups in the order they come ----------

OTHER = b"abcdefghij"  # a second file of the same size, for two uploads at once


def in_order(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    for index in (0, 1, 2):
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.expect(_contents(steps.call(uploads, "complete", uid)), "the assembled file")


def refused_keeps_original(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0))
    steps.expect_raises(
        ValueError, lambda: uploads.put_chunk(uid, 0, b"XXXX"), "put_chunk(id, 0, b'XXXX')"
    )
    for index in (1, 2):
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.expect(
        _contents(steps.call(uploads, "complete", uid)), "the file: the refused bytes left no trace"
    )


def resume_after_cut(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    for index in (0, 2):
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.note("the connection drops; the client asks what the server holds")
    status = steps.call(uploads, "status", uid)
    steps.expect(sorted(status["received"]), "received chunks after 0 and 2 arrived")
    steps.expect(sorted(status["missing"]), "missing chunks after 0 and 2 arrived")
    for index in status["missing"]:
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.expect(
        _contents(steps.call(uploads, "complete", uid)), "the file, once the missing chunks came"
    )


def separate_uploads(cls: Any, steps: Steps) -> None:
    uploads, first = _start(cls, steps)
    second = steps.call(uploads, "initiate", "other.txt", len(OTHER))
    steps.expect(first != second, "two uploads get different ids")
    for index in (0, 1, 2):
        steps.call(uploads, "put_chunk", first, index, _chunk(index))
    steps.expect(
        _missing(uploads, second, steps), "missing chunks of the second upload (none sent yet)"
    )
    for index in (2, 1, 0):
        steps.call(uploads, "put_chunk", second, index, OTHER[index * CHUNK : (index + 1) * CHUNK])
    steps.expect(_contents(steps.call(uploads, "complete", second)), "the second file")
    steps.expect(_contents(steps.call(uploads, "complete", first)), "the first file")


def checksum_on_retry(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    steps.call(uploads, "put_chunk", uid, 0, _chunk(0), content_md5=content_md5(_chunk(0)))
    wrong = content_md5(b"corrupted on the way")
    steps.expect_raises(
        ValueError,
        lambda: uploads.put_chunk(uid, 0, _chunk(0), content_md5=wrong),
        "put_chunk(id, 0, b'0123', content_md5=<MD5 of other bytes>) (a retry, damaged)",
    )
    steps.expect(
        sorted(steps.call(uploads, "status", uid)["received"]),
        "received chunks: the good copy of chunk 0 still counts",
    )


def completed_is_closed(cls: Any, steps: Steps) -> None:
    uploads, uid = _start(cls, steps)
    for index in (0, 1, 2):
        steps.call(uploads, "put_chunk", uid, index, _chunk(index))
    steps.call(uploads, "complete", uid)
    steps.expect_raises(
        (LookupError, RuntimeError, ValueError),
        lambda: uploads.put_chunk(uid, 0, _chunk(0)),
        "put_chunk after complete",
    )


IN_ORDER = Case(
    "chunks in order assemble the file",
    in_order,
    "Keep each chunk by index; complete() joins them in index order.",
)
REFUSED_KEEPS = Case(
    "a refused chunk leaves the stored one",
    refused_keeps_original,
    "Check everything before you store anything.",
)
RESUME = Case(
    "status tells a client what to resend",
    resume_after_cut,
    "received and missing are computed from what is stored, not from what was sent last.",
)
SEPARATE = Case(
    "two uploads do not mix",
    separate_uploads,
    "Key the chunks by (upload_id, index), not by index alone.",
)
CHECKSUM_RETRY = Case(
    "a damaged retry keeps the good chunk",
    checksum_on_retry,
    "Verify the checksum before comparing with, or replacing, what is stored.",
)
COMPLETED = Case(
    "a completed upload takes no more chunks",
    completed_is_closed,
    "complete() closes the upload: later chunks are refused.",
)

_STUB = '''"""Q9 · Resumable chunked uploads. Stage 1: chunks in, file out."""


class Uploads:
    def __init__(self, chunk_size: int, max_size: int) -> None:
        raise NotImplementedError

    def initiate(self, filename: str, size: int) -> str:
        raise NotImplementedError

    def put_chunk(self, upload_id: str, index: int, data: bytes) -> None:
        raise NotImplementedError

    def status(self, upload_id: str) -> dict[str, list[int]]:
        raise NotImplementedError

    def complete(self, upload_id: str) -> bytes:
        raise NotImplementedError
'''

INTERVIEWS = {
    "q09": Interview(
        number="q09",
        brief=(
            "Design an upload service for large files. The client sends a file in chunks; "
            "after a dropped connection it resumes without sending again what the server "
            "already has. Write the server side as a class: start an upload, take chunks, "
            "say what is missing, and put the file together at the end."
        ),
        clarifications=(
            "The server fixes chunk_size; chunk i is bytes [i * chunk_size, (i + 1) * "
            "chunk_size) of the file, so every chunk but the last is exactly chunk_size long.",
            "Chunk indexes start at 0; a file of 0 bytes has no chunks.",
            "Memory or disk, your choice: complete() returns the file's bytes or a path to it.",
            "Bad input (wrong length, index out of range, size outside 0..max_size) raises "
            "ValueError; an upload id we never issued raises KeyError.",
            "The client's file name is metadata only; it never becomes part of a path.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "chunks in, file out",
                "Write Uploads(chunk_size, max_size) with initiate(filename, size) returning an "
                "upload id, put_chunk(upload_id, index, data), status(upload_id) returning "
                "{'received': [...], 'missing': [...]} (chunk indexes) and complete(upload_id), "
                "which returns the file. A chunk of the wrong length or index raises ValueError "
                "and is not stored; complete() with chunks missing raises; an unknown id raises "
                "KeyError.",
                (FRESH, IN_ORDER, WRONG_LENGTH, INDEX_RANGE, COMPLETE_NEEDS_ALL, UNKNOWN_ID),
                (
                    "initiate() works out the number of chunks, ceil(size / chunk_size), and "
                    "keeps a session per upload id.",
                    "Chunk i must be exactly min(chunk_size, size - i * chunk_size) bytes.",
                    "Validate first, then store: a dict from index to bytes per upload is "
                    "enough; missing is every index not in it.",
                ),
                10,
                "The interview answer",
            ),
            Stage(
                "out of order and repeated chunks",
                "Clients send chunks in parallel and retry on timeouts, so chunks arrive in any "
                "order and sometimes twice. The same bytes twice must be accepted and change "
                "nothing; different bytes for a chunk already received raise ValueError and "
                "leave the stored chunk as it was.",
                (ANY_ORDER, RESEND_SAME, RESEND_DIFFERENT, REFUSED_KEEPS),
                (
                    "Order does not matter if chunks are kept by index and joined in index "
                    "order at the end.",
                    "A repeat is not an error: compare it with what you hold (the bytes, or "
                    "a digest of them).",
                    "Raise on a conflict before you write anything.",
                ),
                5,
                "The chunk path, `answers/q09_uploads.py`",
            ),
            Stage(
                "status for resume",
                "The connection dropped after chunks 0 and 2. The client calls status() and "
                "sends only what is missing. And the server runs many uploads at once: two "
                "uploads must never see each other's chunks.",
                (RESUME, SEPARATE),
                (
                    "status() answers from what is stored, so it is right after any cut.",
                    "Keep the chunks per upload id: (upload_id, index) identifies a chunk.",
                ),
                5,
                "A cut between chunks",
            ),
            Stage(
                "checksums",
                "Bytes get damaged on the way. put_chunk takes content_md5=None: when given, "
                "it is the base64 of the chunk's MD5 digest, as in HTTP's Content-MD5 header. "
                "A mismatch raises ValueError and stores nothing; a good chunk already "
                "received stays.",
                (BASE64_MD5, CHECKSUM_RETRY),
                (
                    "base64.b64encode(hashlib.md5(data).digest()).decode(), not hexdigest().",
                    "Check the checksum first, before comparing with or storing anything.",
                ),
                4,
                "A hex MD5 in `Content-MD5`",
            ),
            Stage(
                "completion and the edges",
                "Finish the lifecycle: an empty file completes at once; a size below 0 or over "
                "max_size and a filename with a path separator or a control character raise "
                "ValueError; abort(upload_id) drops the upload, and neither an aborted nor a "
                "completed upload takes more chunks.",
                (SIZE_LIMITS, SAFE_FILENAME, ABORTED, COMPLETED),
                (
                    "A file of 0 bytes has 0 chunks: nothing is missing, and complete() "
                    "returns b''.",
                    "Refuse names containing '/', '\\' or a character below ' '; keep the name "
                    "as metadata only.",
                    "Give each upload a state (open, completed, aborted) and let put_chunk "
                    "accept chunks only while it is open.",
                ),
                6,
                "What the typical answer gets wrong",
            ),
        ),
        no_probe=(
            "An upload's cost is its bytes and round trips, linear by nature; what is asked is "
            "correctness under cuts, retries and bad input."
        ),
    )
}
