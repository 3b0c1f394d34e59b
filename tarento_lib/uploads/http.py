"""HTTP helpers shared by the JSON API (``api``) and the tus routes (``tus``).

One table maps the service's named errors to a status code and a stable error code for the
client (``{"error": "chunk_conflict", "message": ...}``): a Python class name never reaches a
response body, so renaming a class cannot break a client. Blocking service calls run in a
worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

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
from tarento_lib.uploads.service import UploadStatus

__all__ = ["ERROR_STATUS", "call", "http_error", "receive_body"]

T = TypeVar("T")

# Most specific first: the first matching class decides the status code.
ERROR_STATUS: list[tuple[type[Exception], int, str]] = [
    (UploadNotFound, 404, "not_found"),
    (UploadGone, 410, "gone"),
    (UploadClosed, 409, "upload_closed"),
    (ChunkConflict, 409, "chunk_conflict"),
    (IncompleteUpload, 409, "incomplete_upload"),
    (UploadTooLarge, 413, "too_large"),
    (ChecksumMismatch, 400, "checksum_mismatch"),
    (StorageError, 502, "storage_unavailable"),
    (ClientDisconnect, 400, "client_disconnected"),  # nobody reads it; it keeps the log quiet
    (ValueError, 400, "invalid_request"),
    (TypeError, 400, "invalid_request"),
]


def http_error(exc: Exception) -> HTTPException:
    """The HTTP error a service exception stands for (re-raises anything unexpected)."""
    for error_type, status, code in ERROR_STATUS:
        if isinstance(exc, error_type):
            if isinstance(exc, ChecksumMismatch) and exc.scope == "file":
                status = 422
            return HTTPException(status, detail={"error": code, "message": str(exc)})
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
