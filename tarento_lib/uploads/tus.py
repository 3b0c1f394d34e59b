"""The tus 1.0 resumable-upload protocol (core, creation, termination, checksum) over the service.

tus speaks in byte offsets: a PATCH appends bytes at ``Upload-Offset``. The service speaks in
fixed chunks. Bytes are cut into the service's chunks as they come; a partial chunk left at
the end of a PATCH is kept in the session store (the "tail") until the next PATCH completes
it, so the offset survives a server restart. When the last byte arrives, the upload is
completed. With ``Upload-Checksum`` the whole PATCH body is checked before any of it is kept.
The write is conditional on the offset: it is checked again under the upload's lock when the
body has arrived, so of two PATCHes for one offset the later gets 409 and no byte lands twice.
(The lock is per process: behind several worker processes, send an upload's PATCHes to one.)
Numbers in headers are ASCII digits only; every malformed header is a 400. An empty upload
(``Upload-Length: 0``) is complete as soon as it is created.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tempfile
import threading
from typing import BinaryIO

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.requests import ClientDisconnect

from tarento_lib.uploads.http import call
from tarento_lib.uploads.service import UploadService
from tarento_lib.uploads.sessions import COMPLETED, UploadSession

__all__ = ["TUS_VERSION", "parse_metadata", "tus_router"]

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
ALGORITHMS = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256}
_NUMBER = re.compile(r"[0-9]{1,20}")  # ASCII digits only: str.isdigit() also takes '²'


def _fail(status: int, message: str) -> HTTPException:
    return HTTPException(
        status,
        detail={"error": "tus_protocol", "message": message},
        headers={"Tus-Resumable": TUS_VERSION},
    )


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata: filename d29ybGQ=,flag`` -> ``{"filename": "world", "flag": ""}``."""
    fields: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (header or "").split(","))):
        key, _, value = item.partition(" ")
        try:
            fields[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except ValueError as exc:  # binascii.Error, UnicodeDecodeError, a non-ASCII value
            raise _fail(400, f"Upload-Metadata value of {key!r} is not base64 UTF-8") from exc
    return fields


def _offset(service: UploadService, session: UploadSession) -> int:
    if session.state == COMPLETED:
        return session.size
    done = session.contiguous_chunks()
    return min(done * session.chunk_size, session.size) + len(
        service.sessions.get_tail(session.upload_id)
    )


def _check_version(request: Request) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise HTTPException(
            412,
            detail={"error": "tus_protocol", "message": "Tus-Resumable: 1.0.0 is required"},
            headers={"Tus-Version": TUS_VERSION},
        )


def _checksum(header: str | None) -> tuple[str, bytes] | None:
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm not in ALGORITHMS:
        raise _fail(
            400, f"checksum algorithm must be one of {', '.join(ALGORITHMS)}, got {algorithm!r}"
        )
    try:
        return algorithm, base64.b64decode(value, validate=True)
    except ValueError as exc:  # binascii.Error, or a non-ASCII value
        raise _fail(400, "Upload-Checksum value is not base64") from exc


def _int_header(request: Request, name: str) -> int:
    raw = request.headers.get(name)
    if raw is None or not _NUMBER.fullmatch(raw):
        raise _fail(
            400, f"{name} must be a non-negative integer of 1..20 ASCII digits, got {raw!r}"
        )
    return int(raw)


class OffsetConflict(Exception):
    """The upload moved on while this PATCH's body was arriving."""


async def _spool(
    request: Request, limit: int, checksum: tuple[str, bytes] | None, chunk: int
) -> BinaryIO:
    """The PATCH body in a spooled temp file
    (in memory up to one chunk); checked if a checksum came."""
    spool = tempfile.SpooledTemporaryFile(max_size=chunk)  # noqa: SIM115 - returned open, to the caller
    hasher = ALGORITHMS[checksum[0]]() if checksum else None
    try:
        try:
            async for piece in request.stream():
                if spool.tell() + len(piece) > limit:
                    raise _fail(413, f"PATCH body runs past Upload-Length ({limit} bytes left)")
                spool.write(piece)
                if hasher:
                    hasher.update(piece)
        except ClientDisconnect:
            if checksum:  # an unchecked half body must not be kept
                raise
        if hasher and checksum and hasher.digest() != checksum[1]:
            raise _fail(460, "Upload-Checksum does not match the body; nothing was stored")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _append(
    service: UploadService, upload_id: str, offset: int, body: BinaryIO, lock: threading.Lock
) -> None:
    """Store ``body`` at ``offset`` if that is still the upload's offset; ``OffsetConflict`` if not.

    The offset was checked before the body arrived; another PATCH may have been stored since.
    Checking again and storing under the upload's lock makes the write conditional on the offset.
    """
    with lock:
        session = _session(service, upload_id, open_only=True)
        if offset != _offset(service, session):
            raise OffsetConflict(offset, _offset(service, session))
        _store(service, session, body)


def _store(service: UploadService, session: UploadSession, body: BinaryIO) -> None:
    """Cut tail + body into the service's chunks; keep what is left as the new tail."""
    upload_id = session.upload_id
    index = session.contiguous_chunks()
    buffer = service.sessions.get_tail(upload_id)
    while True:
        need = session.chunk_length(index) if index < session.total_chunks else 0
        buffer += body.read(need - len(buffer)) if need > len(buffer) else b""
        if need == 0 or len(buffer) < need:
            break
        if index not in session.parts:
            service.put_chunk(upload_id, index, buffer)
        buffer, index = b"", index + 1
    service.sessions.set_tail(upload_id, buffer)
    if index >= session.total_chunks:
        service.complete(upload_id)


def tus_router(service: UploadService) -> APIRouter:
    """The tus endpoints under ``/files``."""
    router = APIRouter(prefix="/files", tags=["tus"])
    base = {"Tus-Resumable": TUS_VERSION}
    # Striped by upload id: one PATCH of an upload checks its offset and stores at a time.
    locks = [threading.Lock() for _ in range(64)]

    def mismatch(offset: int, current: int) -> HTTPException:
        return _fail(409, f"Upload-Offset {offset} does not match the server's {current}")

    @router.options("")
    async def options() -> Response:
        return Response(
            status_code=204,
            headers={
                **base,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": EXTENSIONS,
                "Tus-Max-Size": str(service.max_size),
                "Tus-Checksum-Algorithm": ",".join(ALGORITHMS),
            },
        )

    @router.post("", status_code=201)
    async def create(request: Request) -> Response:
        _check_version(request)
        if "upload-defer-length" in request.headers:
            raise _fail(400, "Upload-Defer-Length is not supported: send Upload-Length")
        length = _int_header(request, "upload-length")
        meta = parse_metadata(request.headers.get("upload-metadata"))
        filename = meta.get("filename") or meta.get("name") or "upload.bin"
        content_type = (
            meta.get("filetype") or meta.get("content_type") or "application/octet-stream"
        )
        status = await call(service.initiate, filename, length, content_type)
        if length == 0:  # tus: an empty upload is complete as soon as it is created
            await call(service.complete, status.upload_id)
        return Response(
            status_code=201,
            headers={**base, "Location": f"{request.url.path.rstrip('/')}/{status.upload_id}"},
        )

    @router.head("/{upload_id}")
    async def head(upload_id: str, request: Request) -> Response:
        _check_version(request)
        session = await call(_session, service, upload_id)
        return Response(
            status_code=200,
            headers={
                **base,
                "Upload-Offset": str(_offset(service, session)),
                "Upload-Length": str(session.size),
                "Cache-Control": "no-store",
            },
        )

    @router.patch("/{upload_id}")
    async def patch(upload_id: str, request: Request) -> Response:
        _check_version(request)
        if request.headers.get("content-type") != "application/offset+octet-stream":
            raise _fail(415, "Content-Type must be application/offset+octet-stream")
        offset = _int_header(request, "upload-offset")
        checksum = _checksum(request.headers.get("upload-checksum"))
        session = await call(_session, service, upload_id, open_only=True)
        if offset != (current := _offset(service, session)):
            raise mismatch(offset, current)
        body = await _spool(request, session.size - offset, checksum, session.chunk_size)
        lock = locks[hash(upload_id) % len(locks)]
        with body:
            try:
                await call(_append, service, upload_id, offset, body, lock)
            except OffsetConflict as exc:
                raise mismatch(*exc.args) from exc
        session = await call(_session, service, upload_id)
        return Response(
            status_code=204, headers={**base, "Upload-Offset": str(_offset(service, session))}
        )

    @router.delete("/{upload_id}", status_code=204)
    async def terminate(upload_id: str, request: Request) -> Response:
        _check_version(request)
        await call(service.abort, upload_id)
        return Response(status_code=204, headers=base)

    return router


def _session(service: UploadService, upload_id: str, *, open_only: bool = False) -> UploadSession:
    """The session after reconciling with storage; with ``open_only``, refuse finished uploads."""
    service.status(upload_id)
    session = service.session(upload_id)
    if open_only or session.state != COMPLETED:
        return service.session(upload_id, open_only=True)  # raises UploadGone / UploadClosed
    return session
