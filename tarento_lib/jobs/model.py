"""What a job is: its states, its record, and the backoff policy between its attempts."""

from __future__ import annotations

import enum
import functools
import inspect
import math
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["JobStatus", "TERMINAL", "Attempt", "Job", "JobInfo", "ExponentialBackoff", "is_async_callable"]


class JobStatus(enum.StrEnum):
    """A job's state. ``completed``, ``failed`` and ``cancelled`` are terminal: a job ends in exactly one."""

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


class Job:
    """The queue's record of one job (mutable; read it through :class:`JobInfo`).

    A slotted class with a hand-written ``__init__``: creating a record is on every job's path.
    """

    __slots__ = (
        "id", "func", "args", "kwargs", "priority", "max_retries", "timeout", "is_async", "enqueued_at",
        "status", "attempts", "result", "error", "started_at", "finished_at", "worker", "history",
        "holds_slot", "cancel_requested", "task", "retry_handle", "waiters",
    )

    def __init__(
        self, id: str, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], priority: int,  # noqa: A002
        max_retries: int, timeout: float | None, is_async: bool, enqueued_at: float,
    ) -> None:
        self.id, self.func, self.args, self.kwargs = id, func, args, kwargs
        self.priority, self.max_retries, self.timeout = priority, max_retries, timeout
        self.is_async, self.enqueued_at = is_async, enqueued_at
        self.status: JobStatus = JobStatus.PENDING
        self.attempts = 0
        self.result: Any = None
        self.error: BaseException | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.worker: str | None = None
        self.history: tuple[tuple[str, float, float, str], ...] = ()  # (worker, start, end, outcome) per attempt
        self.holds_slot = True  # counts against max_size until a worker takes it
        self.cancel_requested = False
        self.task: Any = None  # the worker task running it, while it runs
        self.retry_handle: Any = None  # the timer that re-queues it, while it waits out a backoff
        self.waiters: list[Any] | None = None  # futures of result() callers, created on first use

    def __repr__(self) -> str:
        return f"Job({self.id!r}, {self.name}, status={self.status.value!r}, attempts={self.attempts})"

    @property
    def name(self) -> str:
        return getattr(self.func, "__qualname__", type(self.func).__name__)

    def info(self) -> JobInfo:
        error = None if self.error is None else f"{type(self.error).__name__}: {self.error}"
        return JobInfo(
            id=self.id, name=self.name, status=self.status, priority=self.priority, attempts=self.attempts,
            max_retries=self.max_retries, enqueued_at=self.enqueued_at, started_at=self.started_at,
            finished_at=self.finished_at, result=self.result, error=error,
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


@dataclass(frozen=True, slots=True)
class ExponentialBackoff:
    """Delay before retry number ``n`` (1-based): ``base * factor**(n-1)``, capped at ``max_delay``."""

    base: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        for name, low in (("base", 0.0), ("factor", 1.0), ("max_delay", 0.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
                raise ValueError(f"{name} must be a finite number >= {low:g}, got {value!r}")

    def __call__(self, retry: int) -> float:
        if retry < 1:
            raise ValueError(f"retry must be >= 1, got {retry!r}")
        return min(self.max_delay, self.base * self.factor ** (retry - 1))


def is_async_callable(func: Callable[..., Any]) -> bool:
    """True for coroutine functions, partials of them, and objects with an ``async def __call__``."""
    if type(func) is types.FunctionType:  # fast path: read the code flag directly
        return bool(func.__code__.co_flags & inspect.CO_COROUTINE)
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))
