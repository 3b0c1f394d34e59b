"""Asyncio priority job queue with a worker pool, retries, timeouts, cancellation and shutdown."""

from tarento_lib.jobs.errors import (
    JobCancelledError,
    JobFailedError,
    JobQueueError,
    QueueClosedError,
    QueueFullError,
)
from tarento_lib.jobs.model import TERMINAL, Attempt, JobInfo, JobStatus
from tarento_lib.jobs.queue import MAX_PRIORITY, MIN_PRIORITY, JobQueue

__all__ = [
    "MAX_PRIORITY",
    "MIN_PRIORITY",
    "TERMINAL",
    "Attempt",
    "JobCancelledError",
    "JobFailedError",
    "JobInfo",
    "JobQueue",
    "JobQueueError",
    "JobStatus",
    "QueueClosedError",
    "QueueFullError",
]
