"""Asyncio priority job queue with a worker pool, retries, timeouts, cancellation and shutdown."""

from tarento_lib.jobs.errors import (
    JobCancelledError,
    JobFailedError,
    JobQueueError,
    QueueClosedError,
    QueueFullError,
)
from tarento_lib.jobs.model import TERMINAL, Attempt, ExponentialBackoff, JobInfo, JobStatus
from tarento_lib.jobs.queue import MAX_PRIORITY, MIN_PRIORITY, JobQueue
from tarento_lib.jobs.virtual import LoopClock, VirtualDeadlock, VirtualTimeLoop, run_virtual

__all__ = [
    "JobQueue", "JobStatus", "JobInfo", "Attempt", "ExponentialBackoff", "TERMINAL", "MIN_PRIORITY", "MAX_PRIORITY",
    "JobQueueError", "QueueFullError", "QueueClosedError", "JobFailedError", "JobCancelledError",
    "VirtualTimeLoop", "VirtualDeadlock", "run_virtual", "LoopClock",
]
