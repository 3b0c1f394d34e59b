"""HTTP for the job queue: enqueue a named task, read a job, cancel it, read the statistics.

Routes are declared so that ``GET /jobs/stats`` is matched before ``GET /jobs/{job_id}``
(the other order makes "stats" a job id, and the statistics unreachable). Client mistakes get
a 4xx with a JSON body; a full or stopping queue gets 503 with ``Retry-After``.

Enqueueing, reading and cancelling a job need a bearer token (``tarento_lib.auth``; 401 without
one). A job belongs to whoever enqueued it: another caller gets the same 404 as for a job that
does not exist (a 403 would confirm that the id is real), except an admin, who sees every job.
The statistics are counts only, and public.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from tarento_lib.auth import (
    CurrentIdentity,
    Identity,
    Role,
    TokenAuthority,
    auth_responses,
    install_authority,
    resolve_authority,
)
from tarento_lib.jobs.errors import QueueClosedError, QueueFullError
from tarento_lib.jobs.queue import MAX_PRIORITY, MIN_PRIORITY, JobQueue

__all__ = ["EnqueueRequest", "ErrorResponse", "create_app", "create_router"]

_RESERVED = frozenset({"priority", "max_retries", "timeout"})


class EnqueueRequest(BaseModel):
    """A job to run: the name of a registered task and its arguments."""

    task: str = Field(min_length=1, max_length=200)
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    priority: int = Field(5, ge=MIN_PRIORITY, le=MAX_PRIORITY)
    max_retries: int = Field(3, ge=0, le=100)
    timeout: float | None = Field(None, gt=0, le=86_400)


class ErrorResponse(BaseModel):
    """The body of every 4xx and 503 of the job API."""

    detail: str


_UNAUTHENTICATED = {401: auth_responses(ErrorResponse)[401]}
_NOT_FOUND = {404: {"model": ErrorResponse, "description": "No such job, or not yours"}}


class _Owners:
    """Who enqueued each job the queue still knows (it forgets old finished jobs; so does this)."""

    def __init__(self) -> None:
        self._subjects: dict[str, str] = {}

    def record(self, queue: JobQueue, job_id: str, subject: str) -> None:
        self._subjects[job_id] = subject
        if len(self._subjects) > 2 * len(queue) + 64:
            self._subjects = {j: s for j, s in self._subjects.items() if _known(queue, j)}

    def may_see(self, caller: Identity, job_id: str) -> bool:
        return caller.holds(Role.ADMIN) or self._subjects.get(job_id) == caller.subject


def _known(queue: JobQueue, job_id: str) -> bool:
    try:
        queue.status(job_id)
    except KeyError:
        return False
    return True


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
    owners = _Owners()

    def _not_found() -> HTTPException:
        return HTTPException(404, detail="Job not found")

    @router.post("", status_code=202, responses=_UNAUTHENTICATED)
    async def enqueue_job(
        body: EnqueueRequest, caller: CurrentIdentity, request: Request
    ) -> dict[str, Any]:
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
        owners.record(queue, job_id, caller.subject)
        return {"job_id": job_id, "status": str(queue.status(job_id))}

    @router.get("/stats")  # before /{job_id}, or "stats" would be read as a job id
    async def queue_stats(request: Request) -> dict[str, int]:
        return get_queue(request).stats()

    @router.get("/{job_id}", responses={**_UNAUTHENTICATED, **_NOT_FOUND})
    async def job_status(job_id: str, caller: CurrentIdentity, request: Request) -> dict[str, Any]:
        queue = get_queue(request)
        if not owners.may_see(caller, job_id):
            raise _not_found()
        try:
            return _job_body(queue, job_id)
        except KeyError:
            raise _not_found() from None

    @router.delete("/{job_id}", responses={**_UNAUTHENTICATED, **_NOT_FOUND})
    async def cancel_job(job_id: str, caller: CurrentIdentity, request: Request) -> dict[str, Any]:
        queue = get_queue(request)
        if not owners.may_see(caller, job_id):
            raise _not_found()
        try:
            cancelled = queue.cancel(job_id)
        except KeyError:
            raise _not_found() from None
        return {"job_id": job_id, "cancelled": cancelled, "status": str(queue.status(job_id))}

    return router


def create_app(
    tasks: Mapping[str, Callable[..., Any]],
    *,
    auth: TokenAuthority | None = None,
    production: bool | None = None,
    **queue_options: Any,
) -> FastAPI:
    """An app whose lifespan starts a :class:`JobQueue`
    (built with ``queue_options``) and stops it gracefully.

    ``auth`` and ``production`` as in ``tarento_lib.content.create_app``: the tokens' authority
    (default: from the settings), and whether development credentials are refused.
    """
    authority = resolve_authority(auth, production=production)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with JobQueue(**queue_options) as queue:
            app.state.job_queue = queue
            yield

    app = FastAPI(title="Tarento job queue", lifespan=lifespan)
    install_authority(app, authority)
    app.include_router(create_router(lambda request: request.app.state.job_queue, tasks))
    return app
