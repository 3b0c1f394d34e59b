"""The upload service: sessions + storage, with every client promise checked.

``initiate`` fixes the file's size, chunk size and (optionally) SHA-256; ``put_chunk`` (or,
streaming, ``receive_chunk``) accepts chunks in any order, each checked for index, exact length
and the client's checksum (Content-MD5 or Upload-Checksum);
``status`` says what is still missing (reconciled with what the storage really holds, so
a restarted server resumes); ``complete`` joins the parts atomically; ``abort`` deletes them.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tarento_lib._validate import require_instance, require_int, require_number, require_str
from tarento_lib.uploads.checksums import parse_upload_checksum
from tarento_lib.uploads.errors import (
    ChecksumMismatch,
    ChunkConflict,
    IncompleteUpload,
    UploadClosed,
    UploadGone,
    UploadTooLarge,
)
from tarento_lib.uploads.receiver import ChunkReceiver, ClientChecksum
from tarento_lib.uploads.sessions import (
    ABORTED,
    COMPLETED,
    EXPIRED,
    OPEN,
    SQLiteSessionStore,
    UploadSession,
)
from tarento_lib.uploads.storage.base import MiB, Storage, choose_chunk_size, decode_content_md5

__all__ = ["TimeSource", "UploadService", "UploadStatus", "WallClock", "validate_filename"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TimeSource(Protocol):
    def now(self) -> float: ...


class WallClock:
    """Seconds since the epoch: session ages must survive a restart,
    so a monotonic clock will not do."""

    def now(self) -> float:
        return time.time()


@dataclass(frozen=True)
class UploadStatus:
    """What a client needs to resume: which chunks arrived and which are missing."""

    upload_id: str
    filename: str
    size: int
    chunk_size: int
    total_chunks: int
    received: list[int]
    missing: list[int]
    received_bytes: int
    state: str
    key: str | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def validate_filename(filename: str) -> str:
    """The client's file name, NFC-normalised, if it is a plain name; ``ValueError`` otherwise.

    It never becomes a path by itself: no separators, no '.'/'..', no control characters,
    at most 255 UTF-8 bytes. (The object key is ``<upload id>/<name>``, under the storage root.)
    """
    name = unicodedata.normalize("NFC", require_str(filename, "filename"))
    if not name.strip() or name in (".", "..") or len(name.encode("utf-8")) > 255:
        raise ValueError(f"filename must be 1..255 bytes and not '.' or '..', got {filename!r}")
    if any(ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ValueError(
            f"filename must not contain path separators or control characters, got {filename!r}"
        )
    return name


class UploadService:
    """Resumable chunked uploads over a ``Storage`` and a session store."""

    def __init__(
        self,
        storage: Storage,
        sessions: SQLiteSessionStore,
        *,
        chunk_size: int = 8 * MiB,
        max_size: int = 5 * 1024**3,
        ttl: float = 24 * 3600,
        clock: TimeSource | None = None,
    ) -> None:
        self.storage = require_instance(storage, "storage", Storage)
        self.sessions = require_instance(sessions, "sessions", SQLiteSessionStore)
        self.chunk_size = require_int(chunk_size, "chunk_size", minimum=1)
        self.max_size = require_int(max_size, "max_size", minimum=1)
        self.ttl = require_number(ttl, "ttl", minimum=0, min_inclusive=False)
        if clock is not None and not callable(getattr(clock, "now", None)):
            raise TypeError("clock must have a now() method returning seconds")
        self.clock: TimeSource = clock if clock is not None else WallClock()
        self._locks = [
            threading.Lock() for _ in range(64)
        ]  # striped, for complete/abort of one upload
        self._receiving: set[tuple[str, int]] = set()  # chunks a request is streaming in right now
        self._receiving_changed = threading.Condition()
        self.claim_timeout = 60.0

    # -- public API ---------------------------------------------------------------------
    def initiate(
        self,
        filename: str,
        size: int,
        content_type: str = "application/octet-stream",
        sha256: str | None = None,
        chunk_size: int | None = None,
    ) -> UploadStatus:
        """Open an upload session and return its (all-missing) status.

        An empty file (``size=0``) has no chunks: it can be completed at once.

        ``chunk_size`` lets a client ask for smaller chunks than the service's (a slow link);
        the storage may still raise it to its minimum part size.
        """
        name = validate_filename(filename)
        preferred = (
            self.chunk_size
            if chunk_size is None
            else require_int(chunk_size, "chunk_size", minimum=1, maximum=self.chunk_size)
        )
        require_int(size, "size", minimum=0)
        if size > self.max_size:
            raise UploadTooLarge(f"size must be at most max_size={self.max_size} bytes, got {size}")
        if not isinstance(content_type, str) or not content_type or len(content_type) > 255:
            raise ValueError(
                "content_type must be a non-empty str of at most 255 characters, got "
                f"{content_type!r}"
            )
        if sha256 is not None and (
            not isinstance(sha256, str) or not _SHA256.match(sha256.lower())
        ):
            raise ValueError(f"sha256 must be 64 hex digits, got {sha256!r}")
        upload_id = secrets.token_hex(16)
        chunk = choose_chunk_size(
            size,
            preferred,
            min_part_size=self.storage.min_part_size,
            max_parts=self.storage.max_parts,
        )
        key = f"{upload_id}/{name}"
        ref = self.storage.begin(key, content_type=content_type, verify=sha256 is not None)
        session = UploadSession(
            upload_id,
            name,
            size,
            content_type,
            sha256.lower() if sha256 else None,
            chunk,
            key,
            ref,
            OPEN,
            self.clock.now(),
        )
        self.sessions.create(session)
        return self._status(session)

    def put_chunk(
        self,
        upload_id: str,
        index: int,
        data: bytes,
        content_md5: str | None = None,
        *,
        checksum: str | None = None,
    ) -> UploadStatus:
        """Store chunk ``index``; a re-sent identical chunk is a no-op, a different one a
        ``ChunkConflict``.

        ``content_md5`` (RFC 1864 base64) and ``checksum`` (``"crc32c <base64>"``, see
        ``checksums``) are the client's checksums of ``data``; whichever is given must match.
        """
        require_instance(data, "data", (bytes, bytearray, memoryview))
        receiver = self.receive_chunk(upload_id, index, content_md5=content_md5, checksum=checksum)
        try:
            if len(data) != receiver.expected:
                raise ValueError(
                    f"chunk {index} must be exactly {receiver.expected} bytes, got {len(data)}"
                )
            receiver.write(data)
        except BaseException:
            receiver.discard()
            raise
        return receiver.commit()

    def receive_chunk(
        self,
        upload_id: str,
        index: int,
        *,
        content_md5: str | None = None,
        checksum: str | None = None,
    ) -> ChunkReceiver:
        """Start taking chunk ``index`` piece by piece (the HTTP route streams the body into it).

        One request at a time holds a chunk index: a second one for the same index waits here
        until the first commits or discards, then is compared with what the first stored.
        """
        session = self._open_session(upload_id, parts=False)
        self._check_index(session, index)
        checksums: list[ClientChecksum] = []
        if content_md5 is not None:
            checksums.append(("Content-MD5", "md5", decode_content_md5(content_md5)))
        if checksum is not None:
            checksums.append(("Upload-Checksum", *parse_upload_checksum(checksum)))
        release = self._claim(upload_id, index)
        try:
            session = self._open_session(upload_id, parts=False)
            return ChunkReceiver(self, session, index, checksums, release)
        except BaseException:
            release()
            raise

    def status(self, upload_id: str, *, reconcile: bool = True) -> UploadStatus:
        """Received and missing chunks; with ``reconcile`` the storage's own list of parts wins."""
        session = self._get(upload_id)
        if session.state == OPEN and reconcile:
            held = self.storage.list_parts(session.storage_ref)
            if held != session.parts:
                self.sessions.replace_parts(upload_id, held)
                session = self.sessions.get(upload_id)
        return self._status(session)

    def complete(self, upload_id: str) -> UploadStatus:
        """Join every chunk into the object (idempotent once done);
        checks the SHA-256 if one was given."""
        with self._chunk_lock(
            upload_id, -1
        ):  # two completes at once: the second waits, then sees it done
            session = self._get(upload_id)
            if session.state == COMPLETED:
                return self._status(session)
            session = self._open_session(upload_id)
            if session.missing:
                raise IncompleteUpload(upload_id, session.missing)
            try:
                self.storage.finish(session.storage_ref, session.parts, sha256=session.sha256)
            except ChecksumMismatch:
                self._end(session, ABORTED)
                raise
            self.sessions.set_state(upload_id, COMPLETED)
            return self._status(self.sessions.get(upload_id))

    def abort(self, upload_id: str) -> None:
        """Delete every stored part and close the session; a finished upload cannot be aborted."""
        with self._chunk_lock(upload_id, -1):
            session = self._get(upload_id)
            if session.state == COMPLETED:
                raise UploadClosed(
                    f"upload {upload_id!r} is already complete; delete the object instead"
                )
            if session.state == OPEN:
                self._end(session, ABORTED)

    def session(
        self, upload_id: str, *, open_only: bool = False, parts: bool = True
    ) -> UploadSession:
        """The raw session (for protocol adapters such as tus);
        ``open_only`` refuses finished ones."""
        return (
            self._open_session(upload_id, parts=parts)
            if open_only
            else self._get(upload_id, parts=parts)
        )

    def expire_stale(self) -> list[str]:
        """Abort every open upload older than ``ttl``
        (their storage parts too); return their ids."""
        cutoff = self.clock.now() - self.ttl
        expired = self.sessions.open_sessions(created_before=cutoff)
        for upload_id in expired:
            self._end(self.sessions.get(upload_id), EXPIRED)
        return expired

    # -- helpers ------------------------------------------------------------------------
    def _get(self, upload_id: str, *, parts: bool = True) -> UploadSession:
        require_str(upload_id, "upload_id")
        return self.sessions.get(upload_id, parts=parts)

    def _open_session(self, upload_id: str, *, parts: bool = True) -> UploadSession:
        session = self._get(upload_id, parts=parts)
        if session.state == OPEN and self.clock.now() - session.created_at > self.ttl:
            self._end(session, EXPIRED)
            session = self.sessions.get(upload_id, parts=parts)
        if session.state == COMPLETED:
            raise UploadClosed(f"upload {upload_id!r} is already complete")
        if session.state != OPEN:
            raise UploadGone(upload_id, session.state)
        return session

    def _end(self, session: UploadSession, state: str) -> None:
        self.storage.abort(session.storage_ref)
        self.sessions.set_state(session.upload_id, state)

    @staticmethod
    def _check_index(session: UploadSession, index: int) -> None:
        require_int(index, "index", minimum=0, maximum=session.total_chunks - 1)

    def _claim(self, upload_id: str, index: int) -> Callable[[], None]:
        """Hold chunk ``index`` of the upload for one request; the returned call lets it go."""
        key = (upload_id, index)
        with self._receiving_changed:
            if not self._receiving_changed.wait_for(
                lambda: key not in self._receiving, timeout=self.claim_timeout
            ):
                raise ChunkConflict(
                    f"chunk {index} is still being received by another request; retry later"
                )
            self._receiving.add(key)

        def release() -> None:
            with self._receiving_changed:
                self._receiving.discard(key)
                self._receiving_changed.notify_all()

        return release

    def _chunk_lock(self, upload_id: str, index: int) -> threading.Lock:
        return self._locks[hash((upload_id, index)) % len(self._locks)]

    @staticmethod
    def _status(session: UploadSession) -> UploadStatus:
        received = sorted(session.parts)
        return UploadStatus(
            session.upload_id,
            session.filename,
            session.size,
            session.chunk_size,
            session.total_chunks,
            received,
            session.missing,
            session.received_bytes,
            session.state,
            session.key if session.state == COMPLETED else None,
        )

    def __repr__(self) -> str:
        return (
            f"UploadService({self.storage!r}, chunk_size={self.chunk_size}, "
            f"max_size={self.max_size})"
        )
