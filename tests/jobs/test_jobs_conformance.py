"""The job_queue suite: the reference passes every case, broken queues fail the right ones."""

from __future__ import annotations

import asyncio
from collections import deque

import pytest

from tarento_lib.answers import q08_job_queue
from tarento_lib.grading import get_suite, run_suite
from tarento_lib.jobs import JobQueue, JobStatus
from tarento_lib.jobs.conformance import STAGES, SUITES, stage
from tarento_lib.retry import RetryState

ALL = {case.name for case in SUITES["job_queue"].cases}


def failing(candidate: type) -> set[str]:
    return {result.name for result in run_suite(candidate, "job_queue").failed}


def test_suite_is_registered_under_its_name() -> None:
    assert get_suite("job_queue") is SUITES["job_queue"]


def test_reference_passes_every_case() -> None:
    card = run_suite(JobQueue, "job_queue")
    assert card.ok, card.render()
    assert len(card.results) == len(ALL) == 17


def test_the_stages_split_the_suite_in_order_without_overlap() -> None:
    staged = [case.name for number in STAGES for case in stage(number).cases]
    assert staged == [case.name for case in SUITES["job_queue"].cases]
    assert list(STAGES) == [1, 2, 3]
    assert stage(1).name == "job_queue, stage 1: run jobs in priority order"


def test_a_stage_number_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="number"):
        stage(0)
    with pytest.raises(ValueError, match="number"):
        stage(4)


def test_the_interview_answer_passes_stage_1_and_a_stub_fails_it() -> None:
    class Stub:
        def __init__(self, workers: int = 4, max_size: int = 1000) -> None:
            self.workers = workers

        async def start(self) -> None:
            raise NotImplementedError

    assert run_suite(q08_job_queue.JobQueue, stage(1)).ok
    card = run_suite(Stub, stage(1))
    assert len(card.failed) == len(stage(1).cases)


class _Stack(deque):
    def append(self, item: object) -> None:
        self.appendleft(item)


class LifoTies(JobQueue):
    """Breaks ties newest-first: each priority's lane is a stack."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._lanes = [_Stack() for _ in self._lanes]


class SleepsThroughBackoff(JobQueue):
    """The typical answer: the worker itself waits out the retry delay."""

    async def _attempt(self, job, worker):
        await super()._attempt(job, worker)
        if job.status is JobStatus.RETRYING:
            await asyncio.sleep(self._backoff(RetryState(job.attempts)) + 1)


class CancelOnlyFlips(JobQueue):
    """cancel() answers True but changes nothing."""

    def cancel(self, job_id: str) -> bool:
        self._get(job_id)
        return True


class NoThreads(JobQueue):
    """Runs plain functions on the event loop's thread."""

    async def _run(self, job):
        result = job.func(*job.args, **job.kwargs)
        return await result if asyncio.iscoroutine(result) else result


class Unbounded(JobQueue):
    """Ignores max_size."""

    def __init__(self, *args: object, max_size: int = 1000, **kwargs: object) -> None:
        super().__init__(*args, max_size=10**9, **kwargs)


def test_lifo_ties_fail_the_ordering_cases() -> None:
    # the hard-stop and backoff cases also enqueue equal-priority jobs and check which starts first
    assert failing(LifoTies) == {
        "equal priorities run FIFO",
        "hard stop cancels everything",
        "backoff does not hold the worker",
    }


def test_sleeping_through_backoff_fails_only_the_backoff_case() -> None:
    assert failing(SleepsThroughBackoff) == {"backoff does not hold the worker"}


def test_cancel_that_only_flips_fails_every_cancel_case() -> None:
    assert failing(CancelOnlyFlips) == {
        "cancelled queued job never runs",
        "cancel interrupts a running job",
        "stats count each outcome",
        "hard stop cancels everything",
    }


def test_running_functions_on_the_loop_fails_the_thread_case() -> None:
    assert failing(NoThreads) == {"runs a plain function in a thread"}


def test_unbounded_queue_fails_the_capacity_case() -> None:
    assert failing(Unbounded) == {"full queue refuses without registering"}


class Stub:
    """The notebook's exercise stub: nothing implemented."""

    def __init__(self, workers: int = 4, max_size: int = 1000) -> None:
        pass


def test_empty_stub_fails_everything_without_hanging() -> None:
    assert failing(Stub) == ALL
