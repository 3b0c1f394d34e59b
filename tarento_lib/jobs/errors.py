"""The job queue's few named errors (an unknown job id is a plain ``KeyError``)."""

from __future__ import annotations

__all__ = [
    "JobCancelledError",
    "JobFailedError",
    "JobQueueError",
    "QueueClosedError",
    "QueueFullError",
]


class JobQueueError(Exception):
    """Base class of the job queue's errors."""


class QueueFullError(JobQueueError):
    """``enqueue`` found no free slot (immediately, or within its wait); nothing was registered."""

    def __init__(self, max_size: int) -> None:
        super().__init__(f"the queue is full (max_size={max_size}); retry later")
        self.max_size = max_size


class QueueClosedError(JobQueueError):
    """The queue is stopping or stopped and accepts no new jobs."""


class JobFailedError(JobQueueError):
    """``result()`` of a job that used up its attempts; ``__cause__`` is the last error."""

    def __init__(self, job_id: str, attempts: int, error: BaseException | None) -> None:
        super().__init__(f"job {job_id} failed after {attempts} attempt(s): {error!r}")
        self.job_id = job_id
        self.attempts = attempts
        self.error = error


class JobCancelledError(JobQueueError):
    """``result()`` of a job that was cancelled."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} was cancelled")
        self.job_id = job_id
