"""FastAPI routes for the upload service (JSON API under ``/uploads``) and ``create_app``.

Layering: the service raises its named errors; ``uploads.http`` (shared with the tus routes)
turns them into ``HTTPException``s through one table. Every client mistake is a 4xx with a JSON
body. Chunk bodies are streamed into the storage as they arrive (hashed on the way), never held
whole in memory; a body longer than the chunk is refused at the first byte too many (413).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Header, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, StrictInt
from starlette.concurrency import iterate_in_threadpool

from tarento_lib.uploads.errors import UploadNotFound
from tarento_lib.uploads.http import ERROR_STATUS, call, http_error, receive_body
from tarento_lib.uploads.service import UploadService, UploadStatus
from tarento_lib.uploads.tus import tus_router

__all__ = ["ERROR_STATUS", "create_app", "http_error", "receive_body", "upload_router"]

DOWNLOAD_URL_SECONDS = 3600  # how long a presigned download URL stays valid


class InitiateRequest(BaseModel):
    """Strict numbers: JSON ``true`` or ``1.0`` is not a size."""

    filename: str
    size: StrictInt
    content_type: str = "application/octet-stream"
    sha256: str | None = None
    chunk_size: StrictInt | None = None


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
    async def complete(upload_id: str, request: Request) -> dict[str, Any]:
        done = await call(service.complete, upload_id)
        return done.as_dict() | {"download_url": await download_url(done, request)}

    @router.get("/{upload_id}/file")
    async def download(upload_id: str) -> StreamingResponse:
        done = await call(service.status, upload_id)
        if done.key is None:
            raise http_error(UploadNotFound(f"upload {upload_id!r} is not complete"))
        handle = await call(service.storage.open, done.key)
        return StreamingResponse(
            iterate_in_threadpool(_blocks(handle)),
            media_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(done.filename)}"},
        )

    async def download_url(done: UploadStatus, request: Request) -> str:
        """S3 hands out a presigned GET URL; other storages are served by ``download``."""
        presign = getattr(service.storage, "presigned_url", None)
        if presign is not None and done.key is not None:
            return await call(presign, done.key, expires_in=DOWNLOAD_URL_SECONDS)
        return str(request.url_for("download", upload_id=done.upload_id))

    @router.delete("/{upload_id}", status_code=204)
    async def abort(upload_id: str) -> Response:
        await call(service.abort, upload_id)
        return Response(status_code=204)

    return router


def _blocks(handle: BinaryIO, size: int = 1 << 20) -> Iterator[bytes]:
    with closing(handle):
        while block := handle.read(size):
            yield block


def create_app(service: UploadService, *, tus: bool = True) -> FastAPI:
    """An app serving the JSON API and, with ``tus``, the tus 1.0 protocol under ``/files``."""
    app = FastAPI(title="Tarento uploads")
    app.include_router(upload_router(service))
    if tus:
        app.include_router(tus_router(service))
    return app
