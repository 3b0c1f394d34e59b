"""Q8 · An async job queue with a worker pool: the answer to write in the interview.

An ``asyncio.PriorityQueue`` holds ``(-priority, sequence, job)``: the highest priority comes out
first, the sequence number keeps equal priorities in FIFO order (and means two jobs are never
compared). ``workers`` tasks take jobs and run them; a coroutine function is awaited on the loop,
anything else runs in a thread (``asyncio.to_thread``), and an awaitable result is awaited too.

One attempt path (``_attempt``) and one finish path (``_finish``, the only place a job reaches a
terminal state, once). A failed attempt is retried after an exponential backoff with full jitter,
from a separate task, so the backoff holds no worker and never blocks on a full queue. Each
attempt runs as its own task under ``asyncio.timeout``, so ``cancel()`` can interrupt it.
``stop(graceful=True)`` waits for every job to finish; ``stop(graceful=False)`` cancels them.

Time: ``enqueue`` and taking a job are O(log n) heap operations; ``cancel`` and ``status`` O(1).
Space: O(jobs ever enqueued): a production queue would expire finished jobs.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["JobQueue"]


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Job:
    func: Callable[..., Any]
    args: tuple[Any, ...]
    priority: int
    max_retries: int
    timeout: float | None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: Status = Status.PENDING
    attempts: int = 0
    result: Any = None
    error: BaseException | None = None
    task: asyncio.Task[Any] | None = None  # the running attempt
    done: asyncio.Event = field(default_factory=asyncio.Event)


class JobQueue:
    """Jobs of priority 1 (low) to 10 (high), run by ``workers`` tasks, retried with backoff."""

    def __init__(
        self,
        workers: int = 4,
        max_size: int = 0,
        *,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        if workers < 1 or max_size < 0 or not 0 <= backoff <= max_backoff:
            raise ValueError(
                "need workers >= 1, max_size >= 0 and 0 <= backoff <= max_backoff, "
                f"got {workers!r}, {max_size!r}, {backoff!r}, {max_backoff!r}"
            )
        self.workers, self.backoff, self.max_backoff = workers, backoff, max_backoff
        self._rng = rng or random.Random()
        self._queue: asyncio.PriorityQueue[tuple[int, int, Job]] = asyncio.PriorityQueue(max_size)
        self._sequence = itertools.count()
        self._jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # workers and pending retries

    async def start(self) -> None:
        for _ in range(self.workers):
            self._spawn(self._worker())

    async def enqueue(
        self,
        func: Callable[..., Any],
        *args: Any,
        priority: int = 5,
        max_retries: int = 3,
        timeout: float | None = None,
    ) -> str:
        if not 1 <= priority <= 10 or max_retries < 0 or (timeout is not None and timeout <= 0):
            raise ValueError(
                "need priority 1..10, max_retries >= 0 and timeout None or > 0, "
                f"got {priority!r}, {max_retries!r}, {timeout!r}"
            )
        job = Job(func, args, priority, max_retries, timeout)
        await self._queue.put((-priority, next(self._sequence), job))  # waits while full
        self._jobs[job.id] = job  # only once it is in the queue: a cancelled put leaves no trace
        return job.id

    def status(self, job_id: str) -> Status:
        return self._jobs[job_id].status  # KeyError for an unknown id

    async def result(self, job_id: str) -> Any:
        """The job's return value, once it has finished; its error if it failed."""
        job = self._jobs[job_id]
        await job.done.wait()
        if job.status is Status.CANCELLED:
            raise asyncio.CancelledError(f"job {job_id} was cancelled")
        if job.error is not None:
            raise job.error
        return job.result

    def cancel(self, job_id: str) -> bool:
        job = self._jobs[job_id]
        if job.status is Status.RUNNING and job.task is not None:
            return job.task.cancel()  # the worker sees the cancelled attempt and finishes the job
        if job.status is Status.PENDING:  # queued or waiting to retry: skipped when taken
            self._finish(job, Status.CANCELLED)
            return True
        return False

    def stats(self) -> dict[str, int]:
        counts = Counter(job.status for job in self._jobs.values())
        return {status.value: counts[status] for status in Status}

    async def stop(self, graceful: bool = True) -> None:
        """Wait for every job to end; ``graceful=False`` cancels them first."""
        if not graceful:
            for job_id in list(self._jobs):
                self.cancel(job_id)
        await asyncio.gather(*(job.done.wait() for job in list(self._jobs.values())))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _worker(self) -> None:
        while True:
            _, _, job = await self._queue.get()
            if job.status is Status.PENDING:  # else it was cancelled while queued
                await self._attempt(job)

    async def _attempt(self, job: Job) -> None:
        job.status, job.attempts = Status.RUNNING, job.attempts + 1
        job.task = asyncio.create_task(self._call(job))
        await asyncio.wait({job.task})  # not ``await job.task``: its cancellation is not ours
        if job.task.cancelled():
            self._finish(job, Status.CANCELLED)
        elif (error := job.task.exception()) is None:
            self._finish(job, Status.COMPLETED, result=job.task.result())
        elif job.attempts <= job.max_retries:
            job.status = Status.PENDING
            ceiling = min(self.max_backoff, self.backoff * 2 ** min(job.attempts - 1, 32))
            self._spawn(self._retry_later(job, self._rng.uniform(0, ceiling)))  # full jitter
        else:
            self._finish(job, Status.FAILED, error=error)

    @staticmethod
    async def _call(job: Job) -> Any:
        async with asyncio.timeout(job.timeout):  # a timeout fails the attempt (TimeoutError)
            if inspect.iscoroutinefunction(job.func):
                result = await job.func(*job.args)
            else:
                result = await asyncio.to_thread(job.func, *job.args)
            return await result if inspect.isawaitable(result) else result

    async def _retry_later(self, job: Job, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._queue.put((-job.priority, next(self._sequence), job))

    def _finish(
        self, job: Job, status: Status, *, result: Any = None, error: BaseException | None = None
    ) -> None:
        if job.done.is_set():
            return  # a job ends once
        job.status, job.result, job.error = status, result, error
        job.done.set()
