"""An asyncio priority job queue with a worker pool, retries, timeouts and cancellation.

Priorities are the ten integers 1..10, so the queue keeps one FIFO lane (a ``deque``) per
priority and a bitmask of the lanes that hold jobs: a worker takes the first job of the highest
non-empty lane (``mask.bit_length() - 1``). This is a bucket queue: equal priorities run
first-in first-out, nothing is ever compared, and adding or taking a job costs the same however
long the queue is. ``workers`` tasks serve the lanes; an idle worker parks on a future that the
next push resolves. A failed attempt is re-queued later by a loop timer (to the back of its
lane), so a job waiting out its backoff holds no worker. Cancelling a queued job marks it; the
worker that later takes it skips it.

One attempt path, :meth:`JobQueue._attempt`, runs every job; one finish path,
:meth:`JobQueue._finish`, is the only place a job reaches a terminal state (exactly once).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
import random
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, Literal

from tarento_lib._validate import require_callable, require_choice, require_int, require_number
from tarento_lib.clock import Clock
from tarento_lib.jobs.capacity import Capacity
from tarento_lib.jobs.errors import JobCancelledError, JobFailedError, QueueClosedError
from tarento_lib.jobs.model import (
    TERMINAL,
    Attempt,
    Job,
    JobInfo,
    JobStatus,
    is_async_callable,
)
from tarento_lib.retry import RetryState, WaitPolicy, wait_exponential
from tarento_lib.virtual_time import LoopClock

__all__ = ["MAX_PRIORITY", "MIN_PRIORITY", "JobQueue"]

MIN_PRIORITY, MAX_PRIORITY = 1, 10


class JobQueue:
    """Priority job queue (1..10, higher first) served by ``workers`` asyncio tasks.

    ``on_full="raise"`` makes ``enqueue`` on a full queue raise :class:`QueueFullError` at once;
    ``"wait"`` waits for a free slot (at most ``enqueue_timeout`` seconds, then raises). Either
    way a refused job is never registered. Coroutine functions are awaited on the loop; plain
    functions run in ``executor`` (the loop's default thread pool unless given, e.g. a process
    pool for CPU-bound work). ``keep_finished`` bounds how many finished jobs are remembered.
    Use a queue from its own event loop only: like asyncio's queues, it is not thread-safe.
    """

    def __init__(
        self,
        workers: int = 4,
        *,
        max_size: int = 1000,
        clock: Clock | None = None,
        on_full: Literal["raise", "wait"] = "raise",
        enqueue_timeout: float | None = None,
        backoff: WaitPolicy | Callable[[RetryState], float] | None = None,
        rng: random.Random | None = None,
        executor: Executor | None = None,
        keep_finished: int = 10_000,
    ) -> None:
        self.workers = require_int(workers, "workers", minimum=1, maximum=10_000)
        self.max_size = require_int(max_size, "max_size", minimum=1)
        require_choice(on_full, "on_full", ("raise", "wait"))
        self._enqueue_timeout = (
            None
            if enqueue_timeout is None
            else require_number(enqueue_timeout, "enqueue_timeout", minimum=0)
        )
        self._backoff = (
            wait_exponential(1.0, base=2.0, maximum=60.0)
            if backoff is None
            else require_callable(backoff, "backoff")
        )
        if rng is not None and not isinstance(rng, random.Random):
            raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
        self._rng = rng or random.Random()
        self._clock: Clock = clock if clock is not None else LoopClock()
        self._now: Callable[[], float] = self._clock.now
        self._executor = executor
        self._keep = require_int(keep_finished, "keep_finished", minimum=0)
        self._lanes: list[deque[Job]] = [deque() for _ in range(MAX_PRIORITY + 1)]  # FIFO each
        self._ready = 0  # bit p is set while lane p holds jobs
        self._idle: deque[asyncio.Future[None]] = deque()  # parked workers, waiting for a job
        self._jobs: dict[str, Job] = {}
        self._finished: deque[str] = deque()
        self._ids = itertools.count(1)
        self._capacity = Capacity(self.max_size, on_full, self._enqueue_timeout)
        self._result_waiters: dict[str, list[asyncio.Future[None]]] = {}  # job id -> waiters
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._state: Literal["new", "running", "stopping", "stopped"] = "new"
        self._closed = False  # stopping or stopped: no new jobs
        # counts by state: the terminal ones counted, the others derived (see stats())
        self._ended = dict.fromkeys(TERMINAL, 0)
        self._retrying = 0
        self._current: dict[
            str, Job
        ] = {}  # each worker's latest job: a running job is its worker's
        self._unfinished = self._retries = 0

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the worker tasks (once)."""
        if self._state != "new":
            raise RuntimeError(f"start() can be called once; the queue is {self._state}")
        self._state = "running"
        for i in range(self.workers):
            name = f"w{i}"
            self._tasks[name] = asyncio.create_task(self._worker(name), name=f"job-worker-{name}")

    async def stop(self, graceful: bool = True, *, timeout: float | None = None) -> None:
        """Stop accepting jobs; graceful: finish every queued, retrying and running job first.

        A graceful stop that takes longer than ``timeout`` seconds falls back to a hard stop,
        which cancels whatever has not finished. Calling ``stop`` again is harmless.
        """
        if self._closed:
            return
        was_started = self._state == "running"
        self._state, self._closed = "stopping", True
        self._capacity.wake(everyone=True)
        if graceful and was_started:
            try:
                async with asyncio.timeout(
                    None if timeout is None else require_number(timeout, "timeout", minimum=0)
                ):
                    await self._until_idle()
            except TimeoutError:
                pass
        for job in [j for j in self._jobs.values() if j.status not in TERMINAL]:
            self.cancel(job.id)
        self._state = "stopped"
        while self._idle:  # parked workers leave at once; busy ones after their (cancelled) attempt
            self._idle.popleft().cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def __aenter__(self) -> JobQueue:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        await self.stop(graceful=exc_type is None)

    async def _until_idle(self) -> None:
        if self._unfinished:
            waiter = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter

    # -- the API ---------------------------------------------------------------------------
    async def enqueue(
        self,
        func: Callable[..., Any],
        /,
        *args: Any,
        priority: int = 5,
        max_retries: int = 3,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> str:
        """Queue ``func(*args, **kwargs)`` and return its job id.

        Raises QueueFullError (nothing registered) or QueueClosedError after ``stop``.
        """
        require_callable(func, "func")
        require_int(priority, "priority", minimum=MIN_PRIORITY, maximum=MAX_PRIORITY)
        require_int(max_retries, "max_retries", minimum=0)
        if timeout is not None:
            timeout = require_number(timeout, "timeout", minimum=0, min_inclusive=False)
        self._check_open()
        if not self._capacity.free:
            await self._capacity.wait(self._check_open)
        self._capacity.free -= 1  # given back when a worker takes the job (or it is cancelled)
        job = Job(
            f"job-{next(self._ids)}",
            func,
            args,
            kwargs,
            priority,
            max_retries,
            timeout,
            is_async_callable(func),
            enqueued_at=self._now(),
        )
        self._jobs[job.id] = job
        self._unfinished += 1
        self._push(job)
        return job.id

    def status(self, job_id: str) -> JobStatus:
        """The job's state (a ``str`` enum: ``"pending"``,
        ``"completed"``...). Unknown id: KeyError."""
        return self._get(job_id).status

    def info(self, job_id: str) -> JobInfo:
        """A snapshot of the job: state, attempts, times, result or error."""
        return self._get(job_id).info()

    async def result(self, job_id: str) -> Any:
        """Wait for the job to finish; return its result
        or raise JobFailedError / JobCancelledError."""
        job = self._get(job_id)
        if job.status not in TERMINAL:
            waiter = asyncio.get_running_loop().create_future()
            self._result_waiters.setdefault(job.id, []).append(waiter)
            await waiter
        if job.status is JobStatus.FAILED:
            raise JobFailedError(job.id, job.attempts, job.error) from job.error
        if job.status is JobStatus.CANCELLED:
            raise JobCancelledError(job.id)
        return job.result

    def cancel(self, job_id: str) -> bool:
        """Cancel a job that has not finished: a queued one never runs, a running one is
        interrupted.

        Returns False when the job had already finished. A job running in a thread cannot be
        interrupted: its worker moves on at once and the thread's result is discarded.
        """
        job = self._get(job_id)
        status = job.status
        if status in TERMINAL:
            return False
        if status is JobStatus.PENDING and not job.attempts:  # still holds its waiting-room slot
            self._capacity.give_back()
        elif status is JobStatus.RETRYING and job.retry_handle is not None:
            job.retry_handle.cancel()
            job.retry_handle = None
        self._finish(job, JobStatus.CANCELLED)
        if status is JobStatus.RUNNING:
            # its worker sees the job cancelled and takes the cancellation back
            self._tasks[job.worker].cancel()
        return True

    def stats(self) -> dict[str, int]:
        """Counts by state, plus workers, capacity and retries so far
        (a busy worker is one running a job)."""
        ended = self._ended
        running = sum(
            job.status is JobStatus.RUNNING and job.worker == name
            for name, job in self._current.items()
        )
        return {
            "workers": self.workers,
            "busy_workers": running,
            "max_size": self.max_size,
            "free_slots": self._capacity.free,
            "submitted": self._unfinished + sum(ended.values()),
            "retries": self._retries,
            "queued": self._unfinished - running - self._retrying,
            "retrying": self._retrying,
            "running": running,
            "completed": ended[JobStatus.COMPLETED],
            "failed": ended[JobStatus.FAILED],
            "cancelled": ended[JobStatus.CANCELLED],
        }

    def timeline(self) -> list[Attempt]:
        """Every recorded attempt of the jobs still remembered,
        by start time: one span per attempt."""
        spans = (Attempt(job.id, *span) for job in self._jobs.values() for span in job.history)
        return sorted(spans, key=lambda a: (a.start, a.worker))

    def __len__(self) -> int:
        """Jobs remembered (unfinished plus up to ``keep_finished`` finished ones)."""
        return len(self._jobs)

    def __repr__(self) -> str:
        return (
            f"JobQueue(workers={self.workers}, max_size={self.max_size}, state={self._state!r}, "
            f"unfinished={self._unfinished})"
        )

    # -- workers ---------------------------------------------------------------------------
    def _push(self, job: Job) -> None:
        self._lanes[job.priority].append(job)
        self._ready |= 1 << job.priority
        if self._idle:
            self._wake_worker()

    def _wake_worker(self) -> None:
        while self._idle:  # wake one parked worker
            waiter = self._idle.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _pop(self) -> Job | None:
        """The first job of the highest non-empty lane, or None when every lane is empty."""
        if not self._ready:
            return None
        priority = self._ready.bit_length() - 1
        lane = self._lanes[priority]
        job = lane.popleft()
        if not lane:
            self._ready &= ~(1 << priority)
        return job

    async def _worker(self, name: str) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job = self._pop()
            if job is None:  # park until the next push (or stop()) resolves the future
                if self._state == "stopped":
                    return
                waiter = loop.create_future()
                self._idle.append(waiter)
                await waiter
            elif job.status is JobStatus.PENDING:  # else it was cancelled while it waited
                await self._attempt(job, name)

    async def _attempt(self, job: Job, worker: str) -> None:
        """Run one attempt of ``job`` on ``worker``: every attempt of every job comes here."""
        self._begin(job, worker)
        try:
            value = await self._call(job)
        except BaseException as exc:
            self._failed(job, exc)
        else:
            self._succeeded(job, value)

    def _begin(self, job: Job, worker: str) -> None:
        if not job.attempts:  # its first attempt: the job leaves the waiting room
            self._capacity.give_back()
        self._current[worker] = job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.worker = worker
        job.last_start = self._now()

    def _succeeded(self, job: Job, value: Any) -> None:
        end = self._now()
        if job.status is not JobStatus.RUNNING:
            # cancel() finished it while it ran, and the job swallowed the cancellation
            self._cancelled_while_running(job, end)
            return
        self._record(job, end, "ok")
        self._finish(job, JobStatus.COMPLETED, result=value, when=end)

    def _failed(self, job: Job, exc: BaseException) -> None:
        """Classify a failed attempt; re-raise what was not the job's own failure."""
        end = self._now()
        if not isinstance(exc, (Exception, asyncio.CancelledError)):
            raise exc  # KeyboardInterrupt, SystemExit: not a job failure
        if job.status is not JobStatus.RUNNING:  # cancel() finished it while it ran
            self._cancelled_while_running(job, end)
        elif isinstance(exc, asyncio.CancelledError):
            # the worker itself is being cancelled (the loop is shutting down)
            self._record(job, end, "cancelled")
            self._finish(job, JobStatus.CANCELLED, when=end)
            raise exc
        else:
            self._record(job, end, "timeout" if isinstance(exc, TimeoutError) else "error")
            if job.attempts <= job.max_retries:
                self._schedule_retry(job, exc)
            else:
                self._finish(job, JobStatus.FAILED, error=exc, when=end)

    def _cancelled_while_running(self, job: Job, end: float) -> None:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # cancel()'s request, handled here
        self._record(job, end, "cancelled")

    @staticmethod
    def _record(job: Job, end: float, outcome: str) -> None:
        assert job.worker is not None and job.last_start is not None
        job.history.append((job.worker, job.last_start, end, outcome))

    async def _call(self, job: Job) -> Any:
        """One run of the job's function, under a timeout scope only when it has a timeout."""
        if job.timeout is None:
            return await self._run(job)
        async with asyncio.timeout(job.timeout):
            return await self._run(job)

    async def _run(self, job: Job) -> Any:
        if job.is_async:
            result = job.func(*job.args, **job.kwargs)
        else:
            call = functools.partial(job.func, *job.args, **job.kwargs)
            result = await asyncio.get_running_loop().run_in_executor(self._executor, call)
        if inspect.isawaitable(result):  # e.g. a lambda that returned a coroutine
            result = await result
        return result

    def _schedule_retry(self, job: Job, error: BaseException | None) -> None:
        job.error = error
        self._retries += 1
        job.status = JobStatus.RETRYING
        self._retrying += 1
        started = job.started_at
        elapsed = 0.0 if started is None else self._now() - started
        state = RetryState(job.attempts, elapsed, error, self._rng.random())
        delay = require_number(self._backoff(state), "backoff delay", minimum=0)
        job.retry_handle = asyncio.get_running_loop().call_later(delay, self._requeue, job)

    def _requeue(self, job: Job) -> None:
        job.retry_handle = None
        if job.status is JobStatus.RETRYING:
            job.status = JobStatus.PENDING
            self._retrying -= 1
            self._push(job)

    # -- bookkeeping -----------------------------------------------------------------------
    def _get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except (KeyError, TypeError):
            raise KeyError(
                f"unknown job id {job_id!r} (never enqueued, or finished and forgotten)"
            ) from None

    def _check_open(self) -> None:
        if self._closed:
            raise QueueClosedError(f"the queue is {self._state}; it accepts no new jobs")

    def _finish(
        self,
        job: Job,
        status: JobStatus,
        result: Any = None,
        error: BaseException | None = None,
        when: float | None = None,
    ) -> None:
        """Move a job to its terminal state: every job ends here, exactly once."""
        assert job.status not in TERMINAL, f"{job.id} finished twice"
        if job.status is JobStatus.RETRYING:
            self._retrying -= 1
        self._ended[status] += 1
        job.status = status
        job.result = result
        if error is not None:
            job.error = error
        job.finished_at = self._now() if when is None else when
        self._unfinished -= 1
        self._after_finish(job.id)

    def _after_finish(self, job_id: str) -> None:
        """Wake whoever waits for this job or for an idle queue;
        forget the oldest finished job if due."""
        if self._result_waiters:
            self._wake_result_waiters(job_id)
        finished = self._finished
        finished.append(job_id)
        if len(finished) > self._keep:
            self._jobs.pop(finished.popleft(), None)
        if not self._unfinished and self._idle_waiters:
            self._wake_idle_waiters()

    def _wake_idle_waiters(self) -> None:
        for waiter in self._idle_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._idle_waiters.clear()

    def _wake_result_waiters(self, job_id: str) -> None:
        for waiter in self._result_waiters.pop(job_id, ()):
            if not waiter.done():
                waiter.set_result(None)
