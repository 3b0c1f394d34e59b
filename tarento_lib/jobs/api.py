"""HTTP for the job queue: enqueue a named task, read a job, cancel it, read the statistics.

Routes are declared so that ``GET /jobs/stats`` is matched before ``GET /jobs/{job_id}``
(the other order makes "stats" a job id, and the statistics unreachable). Client mistakes get
a 4xx with a JSON body; a full or stopping queue gets 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from tarento_lib.jobs.errors import QueueClosedError, QueueFullError
from tarento_lib.jobs.queue import MAX_PRIORITY, MIN_PRIORITY, JobQueue

__all__ = ["EnqueueRequest", "create_app", "create_router"]

_RESERVED = frozenset({"priority", "max_retries", "timeout"})


class EnqueueRequest(BaseModel):
    """A job to run: the name of a registered task and its arguments."""

    task: str = Field(min_length=1, max_length=200)
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    priority: int = Field(5, ge=MIN_PRIORITY, le=MAX_PRIORITY)
    max_retries: int = Field(3, ge=0, le=100)
    timeout: float | None = Field(None, gt=0, le=86_400)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def _job_body(queue: JobQueue, job_id: str) -> dict[str, Any]:
    body = queue.info(job_id).as_dict()
    body["result"] = _jsonable(body["result"])
    return body


def create_router(
    get_queue: Callable[[Request], JobQueue], tasks: Mapping[str, Callable[..., Any]]
) -> APIRouter:
    """Routes under ``/jobs`` for the queue ``get_queue(request)`` returns;
    only ``tasks`` can be run."""
    router = APIRouter(prefix="/jobs", tags=["jobs"])

    @router.post("", status_code=202)
    async def enqueue_job(body: EnqueueRequest, request: Request) -> dict[str, Any]:
        if body.task not in tasks:
            raise HTTPException(422, detail=f"unknown task {body.task!r}; known: {sorted(tasks)}")
        if _RESERVED & body.kwargs.keys():
            raise HTTPException(
                422, detail=f"kwargs may not use the reserved names {sorted(_RESERVED)}"
            )
        queue = get_queue(request)
        try:
            job_id = await queue.enqueue(
                tasks[body.task],
                *body.args,
                priority=body.priority,
                max_retries=body.max_retries,
                timeout=body.timeout,
                **body.kwargs,
            )
        except (QueueFullError, QueueClosedError) as exc:
            raise HTTPException(503, detail=str(exc), headers={"Retry-After": "1"}) from exc
        return {"job_id": job_id, "status": str(queue.status(job_id))}

    @router.get("/stats")  # before /{job_id}, or "stats" would be read as a job id
    async def queue_stats(request: Request) -> dict[str, int]:
        return get_queue(request).stats()

    @router.get("/{job_id}")
    async def job_status(job_id: str, request: Request) -> dict[str, Any]:
        queue = get_queue(request)
        try:
            return _job_body(queue, job_id)
        except KeyError:
            raise HTTPException(404, detail="Job not found") from None

    @router.delete("/{job_id}")
    async def cancel_job(job_id: str, request: Request) -> dict[str, Any]:
        queue = get_queue(request)
        try:
            cancelled = queue.cancel(job_id)
        except KeyError:
            raise HTTPException(404, detail="Job not found") from None
        return {"job_id": job_id, "cancelled": cancelled, "status": str(queue.status(job_id))}

    return router


def create_app(tasks: Mapping[str, Callable[..., Any]], **queue_options: Any) -> FastAPI:
    """An app whose lifespan starts a :class:`JobQueue`
    (built with ``queue_options``) and stops it gracefully."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with JobQueue(**queue_options) as queue:
            app.state.job_queue = queue
            yield

    app = FastAPI(title="Tarento job queue", lifespan=lifespan)
    app.include_router(create_router(lambda request: request.app.state.job_queue, tasks))
    return app
