"""One chunk on its way in: length-checked, hashed once and stored piece by piece as it arrives.

The HTTP route feeds it the request body as it comes off the socket, so a chunk is never held
whole in memory on the local disk (the S3 backend gathers it once, for its UploadPart call).
Each piece updates one hasher per algorithm needed, the client's (``Upload-Checksum`` or
``Content-MD5``) and the storage's (``part_checksum``; one hasher when they are the same), and
goes to the storage's part writer. Only ``commit`` makes the chunk count: the length and every
checksum must match first, and a chunk already on record is compared, never overwritten.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tarento_lib.uploads.checksums import new_hasher
from tarento_lib.uploads.errors import ChecksumMismatch, ChunkConflict, UploadTooLarge
from tarento_lib.uploads.storage.base import PartWriter

if TYPE_CHECKING:
    from tarento_lib.uploads.service import UploadService, UploadStatus
    from tarento_lib.uploads.sessions import UploadSession

__all__ = ["ChunkReceiver", "ClientChecksum"]

ClientChecksum = tuple[str, str, bytes]  # (header it came in, algorithm, digest)


class ChunkReceiver:
    """Made by ``UploadService.receive_chunk``;
    ``write`` every piece, then ``commit`` or ``discard``."""

    def __init__(
        self,
        service: UploadService,
        session: UploadSession,
        index: int,
        checksums: list[ClientChecksum],
        release: Callable[[], None],
    ) -> None:
        self.service, self.session, self.index, self.checksums = service, session, index, checksums
        self.expected, self.received = session.chunk_length(index), 0
        self.part_checksum = service.storage.part_checksum
        self.hashers = {
            name: new_hasher(name) for name in {self.part_checksum, *(c[1] for c in checksums)}
        }
        self._release: Callable[[], None] | None = release
        self._lock = (
            threading.Lock()
        )  # commit runs in a worker thread, write and discard on the event loop
        self.recorded = service.sessions.part(session.upload_id, index)
        self.writer: PartWriter | None = None
        if self.recorded is None:  # a chunk on record is only compared with, never overwritten
            self.writer = service.storage.open_part(
                session.storage_ref, index, offset=index * session.chunk_size, length=self.expected
            )

    def write(self, piece: bytes) -> None:
        """Hash and store the next piece; refuse a body that runs past the chunk's length."""
        self.write_all((piece,))

    def write_all(self, pieces: Iterable[bytes]) -> None:
        """``write`` each piece in turn; a refused piece
        discards the whole chunk (its request is over)."""
        with self._lock:
            try:
                self._write_all(pieces)
            except BaseException:
                self._discard()
                raise

    def _write_all(self, pieces: Iterable[bytes]) -> None:
        for piece in pieces:
            if self.received + len(piece) > self.expected:
                if self.received + len(piece) > self.session.chunk_size:
                    raise UploadTooLarge(
                        f"a chunk body must be at most {self.session.chunk_size} bytes"
                    )
                raise ValueError(
                    f"chunk {self.index} must be exactly {self.expected} bytes, got more"
                )
            if self._release is None:
                raise RuntimeError("this chunk was already committed or discarded")
            for hasher in self.hashers.values():
                hasher.update(piece)
            if self.writer is not None:
                self.writer.write(piece)
            self.received += len(piece)

    def commit(self) -> UploadStatus:
        """Check length and checksums; make the chunk count
        (or compare it with the one on record)."""
        with self._lock:
            try:
                if self.received != self.expected:
                    raise ValueError(
                        f"chunk {self.index} must be exactly {self.expected} bytes, got "
                        f"{self.received}"
                    )
                for header, algorithm, digest in self.checksums:
                    if self.hashers[algorithm].digest() != digest:
                        raise ChecksumMismatch(
                            f"{header} of chunk {self.index} does not match its bytes; nothing was "
                            "stored"
                        )
                digest_hex = self.hashers[self.part_checksum].hexdigest()
                recorded = self.recorded
                if self.writer is not None:
                    self.service.session(
                        self.session.upload_id, open_only=True, parts=False
                    )  # not aborted meanwhile
                    self.writer.commit(
                        bytes.fromhex(digest_hex)
                    )  # now the storage holds it (a marker, an S3 part)
                    self.writer = None
                    recorded = self.service.sessions.add_part(
                        self.session.upload_id, self.index, digest_hex
                    )
                if recorded != digest_hex:
                    raise ChunkConflict(
                        f"chunk {self.index} was already received with different bytes"
                    )
            finally:
                self._discard()  # lets the next request for this chunk in
        return self.service.status(self.session.upload_id, reconcile=False)

    def discard(self) -> None:
        """Drop what arrived (it never counted) and let the next request for this chunk in."""
        with self._lock:
            self._discard()

    def _discard(self) -> None:
        if self.writer is not None:
            self.writer.discard()
            self.writer = None
        if self._release is not None:
            self._release()
            self._release = None
