"""What a job is: its states and its record."""

from __future__ import annotations

import asyncio
import enum
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = [
    "TERMINAL",
    "Attempt",
    "Job",
    "JobInfo",
    "JobStatus",
    "is_async_callable",
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


class Attempt(NamedTuple):
    """One run of a job on one worker: a span of the per-worker timeline."""

    job_id: str
    worker: str
    start: float
    end: float
    outcome: str  # "ok", "error", "timeout" or "cancelled"


@dataclass(slots=True)
class Job:
    """The queue's record of one job (mutable; callers read it through :class:`JobInfo`).

    ``history`` holds one ``(worker, start, end, outcome)`` span per finished attempt.
    """

    id: str
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    priority: int
    max_retries: int
    timeout: float | None
    is_async: bool
    enqueued_at: float
    status: JobStatus = JobStatus.PENDING
    attempts: int = 0
    history: list[tuple[str, float, float, str]] = field(default_factory=list)
    worker: str | None = None  # the worker of its latest attempt
    last_start: float | None = None  # when its latest attempt started
    result: Any = None
    error: BaseException | None = None
    finished_at: float | None = None
    retry_handle: asyncio.TimerHandle | None = None  # re-queues it after its backoff

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
        return self.history[0][1] if self.history else self.last_start

    def info(self) -> JobInfo:
        error = self.error
        return JobInfo(
            id=self.id,
            name=self.name,
            status=self.status,
            priority=self.priority,
            attempts=self.attempts,
            max_retries=self.max_retries,
            enqueued_at=self.enqueued_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            result=self.result,
            error=None if error is None else f"{type(error).__name__}: {error}",
        )


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
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func) or (
        callable(func) and inspect.iscoroutinefunction(func.__call__)
    )
