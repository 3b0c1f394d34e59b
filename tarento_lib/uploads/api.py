"""FastAPI routes for the upload service (JSON API under ``/uploads``) and ``create_app``.

Layering: the service raises its named errors; this module alone turns them into
``HTTPException``s, through one table. Every client mistake is a 4xx with a JSON body.
Chunk bodies are streamed into the storage as they arrive (hashed on the way), never held
whole in memory; a body longer than the chunk is refused at the first byte too many (413).
Blocking service calls run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response
from pydantic import BaseModel, StrictInt
from starlette.concurrency import run_in_threadpool

from tarento_lib.uploads.errors import (
    ChecksumMismatch,
    ChunkConflict,
    IncompleteUpload,
    StorageError,
    UploadClosed,
    UploadGone,
    UploadNotFound,
    UploadTooLarge,
)
from tarento_lib.uploads.receiver import ChunkReceiver
from tarento_lib.uploads.service import UploadService, UploadStatus

__all__ = ["ERROR_STATUS", "create_app", "http_error", "receive_body", "upload_router"]

T = TypeVar("T")

# Most specific first: the first matching class decides the status code.
ERROR_STATUS: list[tuple[type[Exception], int]] = [
    (UploadNotFound, 404),
    (UploadGone, 410),
    (UploadClosed, 409),
    (ChunkConflict, 409),
    (IncompleteUpload, 409),
    (UploadTooLarge, 413),
    (ChecksumMismatch, 400),
    (StorageError, 502),
    (ValueError, 400),
    (TypeError, 400),
]


class InitiateRequest(BaseModel):
    """Strict numbers: JSON ``true`` or ``1.0`` is not a size."""

    filename: str
    size: StrictInt
    content_type: str = "application/octet-stream"
    sha256: str | None = None
    chunk_size: StrictInt | None = None


def http_error(exc: Exception) -> HTTPException:
    """The HTTP error a service exception stands for (re-raises anything unexpected)."""
    for error_type, status in ERROR_STATUS:
        if isinstance(exc, error_type):
            if isinstance(exc, ChecksumMismatch) and exc.scope == "file":
                status = 422
            return HTTPException(status, detail={"error": type(exc).__name__, "message": str(exc)})
    raise exc


async def call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking service call in a worker thread, turning its errors into HTTP errors."""
    try:
        return await run_in_threadpool(func, *args, **kwargs)
    except Exception as exc:
        raise http_error(exc) from exc


async def receive_body(request: Request, receiver: ChunkReceiver) -> UploadStatus:
    """Stream the request body into ``receiver`` as it arrives, then commit it (in a worker thread).

    Each piece (one socket read, about 256 KiB) is hashed and written to its place on the event
    loop: CRC32C and a page-cache ``pwrite`` of one piece take tens of microseconds, about what a
    hop to a worker thread costs (measured: handing 1 MiB batches to a thread bought nothing on
    2 busy cores). So no chunk is ever held whole in memory.
    """
    try:
        async for piece in request.stream():
            receiver.write(piece)
    except BaseException as exc:
        receiver.discard()
        if isinstance(exc, Exception):
            raise http_error(exc) from exc
        raise
    return await call(receiver.commit)


def upload_router(service: UploadService) -> APIRouter:
    """The JSON API: initiate, put a chunk, status, complete, abort."""
    router = APIRouter(prefix="/uploads", tags=["uploads"])

    @router.post("", status_code=201)
    async def initiate(body: InitiateRequest) -> dict[str, Any]:
        status = await call(
            service.initiate,
            body.filename,
            body.size,
            body.content_type,
            body.sha256,
            body.chunk_size,
        )
        return status.as_dict()

    @router.get("/{upload_id}")
    async def status(upload_id: str) -> dict[str, Any]:
        return (await call(service.status, upload_id)).as_dict()

    @router.put("/{upload_id}/chunks/{index}")
    async def put_chunk(
        upload_id: str,
        index: int,
        request: Request,
        content_md5: str | None = Header(default=None),
        upload_checksum: str | None = Header(default=None),
    ) -> dict[str, Any]:
        receiver = await call(
            service.receive_chunk,
            upload_id,
            index,
            content_md5=content_md5,
            checksum=upload_checksum,
        )
        return (await receive_body(request, receiver)).as_dict()

    @router.post("/{upload_id}/complete")
    async def complete(upload_id: str) -> dict[str, Any]:
        return (await call(service.complete, upload_id)).as_dict()

    @router.delete("/{upload_id}", status_code=204)
    async def abort(upload_id: str) -> Response:
        await call(service.abort, upload_id)
        return Response(status_code=204)

    return router


def create_app(service: UploadService, *, tus: bool = True) -> FastAPI:
    """An app serving the JSON API and, with ``tus``, the tus 1.0 protocol under ``/files``."""
    app = FastAPI(title="Tarento uploads")
    app.include_router(upload_router(service))
    if tus:
        from tarento_lib.uploads.tus import tus_router

        app.include_router(tus_router(service))
    return app
