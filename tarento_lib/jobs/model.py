"""What a job is: its states and its record."""

from __future__ import annotations

import enum
import functools
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "TERMINAL",
    "Attempt",
    "Job",
    "JobInfo",
    "JobStatus",
    "is_async_callable",
    "new_job",
]


class JobStatus(enum.StrEnum):
    """A job's state. ``completed``,
    ``failed`` and ``cancelled`` are terminal: a job ends in exactly one."""

    PENDING = "pending"  # in the queue, waiting for a worker
    RETRYING = "retrying"  # an attempt failed; waiting out its backoff, holding no worker
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})
# an enum member lookup costs a little every time; new_job runs once per job
_PENDING, _COMPLETED = JobStatus.PENDING, JobStatus.COMPLETED


class Attempt(NamedTuple):
    """One run of a job on one worker: a span of the per-worker timeline."""

    job_id: str
    worker: str
    start: float
    end: float
    outcome: str  # "ok", "error", "timeout" or "cancelled"


class Job:
    """The queue's record of one job (mutable; read it through :class:`JobInfo`).

    A record is made for every job, so it is slotted and built by :func:`new_job` rather than
    by a class call with a Python ``__init__`` (which costs more than the stores themselves).
    Slots that only some jobs ever use stay unset until written: ``worker`` and ``last_start``
    (from its first attempt on), ``retry_handle`` (while it waits out a backoff), ``error``
    (after a failed attempt), ``result`` and ``finished_at`` (when it ends). Code that may meet a
    record before then reads them with ``getattr(job, name, None)``.

    ``history`` holds one ``(worker, start, end, outcome)`` span per attempt, except the span of
    a successful last attempt: that one is ``(worker, last_start, finished_at, "ok")`` and
    :meth:`spans` adds it, so the common one-attempt job allocates no span at all.
    """

    __slots__ = (
        "args",
        "attempts",
        "enqueued_at",
        "error",
        "finished_at",
        "func",
        "history",
        "id",
        "is_async",
        "kwargs",
        "last_start",
        "max_retries",
        "priority",
        "result",
        "retry_handle",
        "status",
        "timeout",
        "worker",
    )
    id: str
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    priority: int
    max_retries: int
    timeout: float | None
    is_async: bool
    enqueued_at: float
    status: JobStatus
    attempts: int
    history: tuple[tuple[str, float, float, str], ...]
    worker: str  # the worker of its latest attempt
    last_start: float  # when its latest attempt started
    result: Any
    error: BaseException | None
    finished_at: float
    retry_handle: Any  # the timer that re-queues it, while it waits out a backoff

    def __repr__(self) -> str:
        return (
            f"Job({self.id!r}, {self.name}, status={self.status.value!r}, attempts={self.attempts})"
        )

    @property
    def name(self) -> str:
        return getattr(self.func, "__qualname__", type(self.func).__name__)

    @property
    def started_at(self) -> float | None:
        """When its first attempt started (None before that)."""
        return self.history[0][1] if self.history else getattr(self, "last_start", None)

    def spans(self) -> tuple[tuple[str, float, float, str], ...]:
        """``(worker, start, end, outcome)`` for every finished attempt."""
        if self.status is _COMPLETED:
            return (*self.history, (self.worker, self.last_start, self.finished_at, "ok"))
        return self.history

    def info(self) -> JobInfo:
        error = getattr(self, "error", None)
        return JobInfo(
            id=self.id,
            name=self.name,
            status=self.status,
            priority=self.priority,
            attempts=self.attempts,
            max_retries=self.max_retries,
            enqueued_at=self.enqueued_at,
            started_at=self.started_at,
            finished_at=getattr(self, "finished_at", None),
            result=getattr(self, "result", None),
            error=None if error is None else f"{type(error).__name__}: {error}",
        )


def new_job(
    id: str,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    priority: int,
    max_retries: int,
    timeout: float | None,
    is_async: bool,
    enqueued_at: float,
) -> Job:
    """A pending job that has not run yet."""
    job = Job()
    job.id = id
    job.func = func
    job.args = args
    job.kwargs = kwargs
    job.priority = priority
    job.max_retries = max_retries
    job.timeout = timeout
    job.is_async = is_async
    job.enqueued_at = enqueued_at
    job.status = _PENDING
    job.attempts = 0
    job.history = ()
    return job


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A snapshot of a job for callers and HTTP responses."""

    id: str
    name: str
    status: JobStatus
    priority: int
    attempts: int
    max_retries: int
    enqueued_at: float
    started_at: float | None
    finished_at: float | None
    result: Any
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def is_async_callable(func: Callable[..., Any]) -> bool:
    """True for coroutine functions, partials of them,
    and objects with an ``async def __call__``."""
    if type(func) is types.FunctionType:  # fast path: read the code flag directly
        return bool(func.__code__.co_flags & inspect.CO_COROUTINE)
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func) or (
        callable(func) and inspect.iscoroutinefunction(func.__call__)
    )
