"""The mock interviews of Q8, Q9 and Q11: each follow-up's cases catch the mistake it is about.

A wrong candidate per follow-up passes every earlier stage and fails the stage that asks for
what it lacks, and only that stage's cases. (That the reference passes every stage, the
interview answer the core question and the stub fails it is checked for every question in
``test_plans.py``.)
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import inspect
import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tarento_lib.answers.q08_job_queue import JobQueue as AnswerQueue
from tarento_lib.answers.q08_job_queue import Status
from tarento_lib.grading import run_suite
from tarento_lib.interview.plan import interview_plan
from tarento_lib.jobs import JobQueue

log = logging.getLogger("tests.interview.stD")


def graded(candidate: Any, number: str, stage: int) -> tuple[set[str], set[str]]:
    """The cases ``candidate`` fails up to ``stage``, and the names of that stage's own cases."""
    plan = interview_plan(number)
    card = run_suite(candidate, plan.stage_suite(stage))
    assert not card.problem, card.problem
    return {result.name for result in card.failed}, {c.name for c in plan.stages[stage - 1].cases}


# -- Q8: the job queue ----------------------------------------------------------------------
class NoRetries(AnswerQueue):
    """Ignores max_retries: one attempt each."""

    async def enqueue(self, func: Any, *args: Any, **options: Any) -> str:
        return await super().enqueue(func, *args, **{**options, "max_retries": 0})


class FlagCancel(AnswerQueue):
    """The typical cancel: it flips the status and nothing else."""

    def cancel(self, job_id: str) -> bool:
        self._jobs[job_id].status = Status.CANCELLED
        return True


class FlatBackoff(AnswerQueue):
    """Retries after at most 1 s every time: a backoff that never grows."""

    def __init__(self, workers: int = 4, max_size: int = 0) -> None:
        super().__init__(workers, max_size, backoff=1.0, max_backoff=1.0)


class ResurrectsRetries(AnswerQueue):
    """Puts a job back after its backoff (the ceiling, no jitter) whatever happened meanwhile."""

    async def _retry_later(self, job: Any, delay: float) -> None:
        await asyncio.sleep(min(60, 2 ** (job.attempts - 1)))
        job.status = Status.PENDING
        await self._queue.put((-job.priority, next(self._sequence), job))


@pytest.mark.parametrize(
    ("candidate", "stage", "must_fail"),
    [
        (NoRetries, 2, {"retries until it succeeds", "gives up after max_retries"}),
        (FlagCancel, 3, {"cancel interrupts a running job"}),
        (FlatBackoff, 4, {"backoff doubles with each retry"}),
        (ResurrectsRetries, 5, {"cancel during the backoff"}),
    ],
    ids=["no-retries", "flag-cancel", "flat-backoff", "resurrects-retries"],
)
def test_q08_each_follow_up_catches_its_mistake(
    candidate: type, stage: int, must_fail: set[str]
) -> None:
    failed, own = graded(candidate, "q08", stage)
    assert must_fail <= failed <= own


def test_q08_the_answer_passes_every_stage_but_the_closed_queue() -> None:
    failed, _ = graded(AnswerQueue, "q08", 5)
    assert failed == {"a stopped queue takes no jobs"}


def test_q08_stages_start_with_the_exercise_stages() -> None:
    from tarento_lib.jobs.conformance import STAGES

    plan = interview_plan("q08")
    for number, (title, cases) in STAGES.items():
        assert (plan.stages[number - 1].title, plan.stages[number - 1].cases) == (title, cases)
    assert len(plan.stages) == len(STAGES) + 2


def counted(base: type) -> type:
    """``base`` with a class attribute counting the jobs submitted to any of its queues."""

    class Counted(base):
        submitted = 0

        async def enqueue(self, func: Any, *args: Any, **options: Any) -> str:
            type(self).submitted += 1
            return await super().enqueue(func, *args, **options)

    return Counted


@pytest.mark.parametrize("base", [AnswerQueue, JobQueue], ids=["answer", "library"])
def test_q08_probe_runs_one_job_per_operation_and_keeps_the_queue_full(base: type) -> None:
    probe = interview_plan("q08").probe
    assert probe is not None
    size, operations, cls = 50, 40, counted(base)
    operation = probe.prepare(cls, size)
    assert [operation(i) for i in range(operations)] == [None] * operations
    # the waiting jobs, then per operation the measured job and one top-up
    assert abs(cls.submitted - (size + 2 * operations)) <= 2


# -- Q9: resumable uploads ------------------------------------------------------------------
def md5_header(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


class MemoryUploads:
    """A correct in-memory solution, the base of the wrong ones below."""

    def __init__(self, chunk_size: int, max_size: int) -> None:
        self.chunk_size, self.max_size = chunk_size, max_size
        self.sessions: dict[str, dict[str, Any]] = {}

    def initiate(self, filename: str, size: int) -> str:
        self.check_name(filename)
        if not 0 <= size <= self.max_size:
            raise ValueError(f"size must be 0..{self.max_size}")
        upload_id = uuid.uuid4().hex
        self.sessions[upload_id] = {"size": size, "chunks": self.new_chunks(), "open": True}
        return upload_id

    def check_name(self, filename: str) -> None:
        if any(c in "/\\" or c < " " for c in filename):
            raise ValueError("filename must not contain separators or control characters")

    def new_chunks(self) -> dict[int, bytes]:
        return {}

    def digest(self, data: bytes) -> str:
        return md5_header(data)

    def _open(self, upload_id: str) -> dict[str, Any]:
        session = self.sessions[upload_id]
        if not session["open"]:
            raise RuntimeError("upload closed")
        return session

    def _count(self, session: dict[str, Any]) -> int:
        return math.ceil(session["size"] / self.chunk_size)

    def put_chunk(
        self, upload_id: str, index: int, data: bytes, content_md5: str | None = None
    ) -> None:
        session = self._open(upload_id)
        if not 0 <= index < self._count(session):
            raise ValueError("index out of range")
        if len(data) != min(self.chunk_size, session["size"] - index * self.chunk_size):
            raise ValueError("wrong length")
        if content_md5 is not None and content_md5 != self.digest(data):
            raise ValueError("checksum mismatch")
        self.store(session["chunks"], index, data)

    def store(self, chunks: dict[int, bytes], index: int, data: bytes) -> None:
        if chunks.get(index, data) != data:
            raise ValueError("other bytes for a received chunk")
        chunks[index] = data

    def status(self, upload_id: str) -> dict[str, list[int]]:
        session = self.sessions[upload_id]
        indexes = range(self._count(session))
        return {
            "received": [i for i in indexes if i in session["chunks"]],
            "missing": [i for i in indexes if i not in session["chunks"]],
        }

    def complete(self, upload_id: str) -> bytes:
        session = self._open(upload_id)
        if self.status(upload_id)["missing"]:
            raise ValueError("chunks missing")
        session["open"] = False
        return b"".join(session["chunks"][i] for i in range(self._count(session)))

    def abort(self, upload_id: str) -> None:
        self._open(upload_id)["open"] = False


class Overwrites(MemoryUploads):
    def store(self, chunks: dict[int, bytes], index: int, data: bytes) -> None:
        chunks[index] = data


class OneChunkTable(MemoryUploads):
    """Keys chunks by index alone: every upload of this server shares them."""

    def new_chunks(self) -> dict[int, bytes]:
        self.__dict__.setdefault("shared", {})
        return self.__dict__["shared"]


class HexChecksum(MemoryUploads):
    def digest(self, data: bytes) -> str:
        return hashlib.md5(data).hexdigest()


class TrustsNames(MemoryUploads):
    def check_name(self, filename: str) -> None:
        pass


def test_q09_the_correct_memory_solution_passes_every_stage() -> None:
    failed, _ = graded(MemoryUploads, "q09", len(interview_plan("q09").stages))
    assert failed == set()


@pytest.mark.parametrize(
    ("candidate", "stage", "must_fail"),
    [
        (
            Overwrites,
            2,
            {
                "different bytes for a received chunk are refused",
                "a refused chunk leaves the stored one",
            },
        ),
        (OneChunkTable, 3, {"two uploads do not mix"}),
        (
            HexChecksum,
            4,
            {"Content-MD5 is base64 of the digest", "a damaged retry keeps the good chunk"},
        ),
        (TrustsNames, 5, {"a filename never becomes a path"}),
    ],
    ids=["overwrites", "one-chunk-table", "hex-checksum", "trusts-names"],
)
def test_q09_each_follow_up_catches_its_mistake(
    candidate: type, stage: int, must_fail: set[str]
) -> None:
    failed, own = graded(candidate, "q09", stage)
    assert failed == must_fail and failed <= own


# -- Q11: the timing decorator ----------------------------------------------------------------
def _log_took(name: str, start: float) -> None:
    log.info("%s took %.3f s", name, time.perf_counter() - start)


def without_wraps(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _log_took(func.__qualname__, start)

    return wrapper


def plain_only(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _log_took(func.__qualname__, start)

    return wrapper


def success_only(func: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = await func(*args, **kwargs)
            _log_took(func.__qualname__, start)
            return result

        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = func(*args, **kwargs)
        _log_took(func.__qualname__, start)
        return result

    return wrapper


def except_exception(func: Callable[..., Any]) -> Callable[..., Any]:
    """Logs failures in ``except Exception``: a cancellation slips past it."""
    if not inspect.iscoroutinefunction(func):
        return plain_only(func)

    @functools.wraps(func)
    async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = await func(*args, **kwargs)
        except Exception:
            _log_took(func.__qualname__, start)
            raise
        _log_took(func.__qualname__, start)
        return result

    return async_wrapper


@pytest.mark.parametrize(
    ("candidate", "stage", "must_fail"),
    [
        (
            without_wraps,
            2,
            {"keeps the name and docstring", "keeps the signature and attributes"},
        ),
        (
            plain_only,
            3,
            {"an async function stays async", "an async call logs once it has finished"},
        ),
        (success_only, 4, {"a call that raises is logged too", "a cancelled call is logged too"}),
        (except_exception, 4, {"a cancelled call is logged too"}),
    ],
    ids=["without-wraps", "plain-only", "success-only", "except-exception"],
)
def test_q11_each_follow_up_catches_its_mistake(
    candidate: Callable[..., Any], stage: int, must_fail: set[str]
) -> None:
    failed, own = graded(candidate, "q11", stage)
    assert failed == must_fail and failed <= own
