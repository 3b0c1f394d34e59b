"""The ``job_queue`` suite: what any job queue with this API must do, run on virtual time.

A candidate is a class built as ``cls(workers=N, max_size=M)`` with ``async start()``,
``async stop(graceful=True)``, ``async enqueue(func, *args, priority=5, max_retries=3,
timeout=None)``, ``status(job_id)``, ``async result(job_id)``, ``cancel(job_id)`` and
``stats()`` (a dict with at least ``completed``, ``failed`` and ``cancelled``). Each case runs
on :func:`~tarento_lib.virtual_time.run_virtual`, so backoffs and sleeps take no real time.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from tarento_lib._validate import require_int
from tarento_lib.grading import Case, CaseFailure, Rule, Steps, Suite, between
from tarento_lib.grading.values import show
from tarento_lib.virtual_time import run_virtual

__all__ = ["STAGES", "SUITES", "stage"]

LIMIT = 3600.0  # virtual seconds a case may take before it counts as a deadlock


def _state(value: Any) -> str:
    """A candidate's status as a lower-case string (enum, string or dict with 'status')."""
    if isinstance(value, dict):
        value = value.get("status")
    return str(getattr(value, "value", value)).lower()


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def _acall(steps: Steps, obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """``await obj.method(...)`` (or a plain call), recorded like ``steps.call``."""
    shown = ", ".join(
        [
            *(getattr(a, "__name__", repr(a)) for a in args),
            *(f"{k}={v!r}" for k, v in kwargs.items()),
        ]
    )
    try:
        result = await _maybe_await(getattr(obj, method)(*args, **kwargs))
    except Exception as exc:
        steps.note(f"{method}({shown}) raised {type(exc).__name__}: {exc}")
        raise
    steps.note(f"{method}({shown}) -> {show(result)}")
    return result


def _virtual(body: Callable[[Any, Steps], Awaitable[None]]) -> Callable[[Any, Steps], None]:
    """Run an async case body on virtual time, failing clearly if it never finishes."""

    def run(candidate: Any, steps: Steps) -> None:
        async def main() -> None:
            task = asyncio.ensure_future(body(candidate, steps))
            done, _ = await asyncio.wait({task}, timeout=LIMIT)
            if not done:
                task.cancel()
                raise CaseFailure(
                    f"not finished after {LIMIT:g} s of virtual time: a deadlock?",
                    steps=steps.lines,
                )
            task.result()

        run_virtual(main())

    return run


async def _started(cls: Any, steps: Steps, **kwargs: Any) -> Any:
    shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    queue = cls(**kwargs)
    steps.note(f"q = {cls.__name__}({shown})")
    await _acall(steps, queue, "start")
    return queue


# -- job functions -------------------------------------------------------------------------
async def add_later(a: int, b: int) -> int:
    await asyncio.sleep(1)
    return a + b


async def record(log: list[str], name: str, seconds: float = 1.0) -> str:
    log.append(name)
    await asyncio.sleep(seconds)
    return name


class Gate:
    """An event with a short repr, so a replay shows ``gate`` instead of an address."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def open(self) -> None:
        self._event.set()

    async def wait(self) -> None:
        await self._event.wait()

    def __repr__(self) -> str:
        return "gate"


async def wait_for(gate: Gate) -> str:
    await gate.wait()
    return "released"


async def record_time(log: list[tuple[str, float]], name: str, seconds: float = 1.0) -> str:
    log.append((name, asyncio.get_running_loop().time()))
    await asyncio.sleep(seconds)
    return name


class Flaky:
    """Fails its first ``failures`` calls, then returns ``"ok"``; counts calls."""

    def __init__(
        self, failures: int, log: list[tuple[str, float]] | None = None, name: str = "flaky"
    ) -> None:
        self.failures, self.calls, self.log, self.__name__ = failures, 0, log, name

    async def __call__(self) -> str:
        self.calls += 1
        if self.log is not None:
            self.log.append((f"{self.__name__}#{self.calls}", asyncio.get_running_loop().time()))
        await asyncio.sleep(1)
        if self.calls <= self.failures:
            raise RuntimeError(f"{self.__name__} attempt {self.calls} failed")
        return "ok"


class Sender:
    """An object with ``async def __call__``: not a coroutine function, yet returns a coroutine."""

    __name__ = "Sender()"

    async def __call__(self, to: str) -> str:
        await asyncio.sleep(0.1)
        return f"sent to {to}"


# -- cases ---------------------------------------------------------------------------------
async def _runs_coroutine(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=2)
    job = await _acall(steps, q, "enqueue", add_later, 2, 3)
    steps.expect(await _acall(steps, q, "result", job), "result of add_later(2, 3)")
    steps.expect(_state(steps.call(q, "status", job)), "status after the result")
    await _acall(steps, q, "stop")


async def _runs_plain_function(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=2)
    job = await _acall(steps, q, "enqueue", threading.get_ident)
    ident = await _acall(steps, q, "result", job)
    steps.expect(
        type(ident) is int and ident != threading.get_ident(),
        "the plain function ran off the event loop's thread (else it blocks every other job)",
    )
    await _acall(steps, q, "stop")


async def _ordered(cls: Any, steps: Steps, priorities: list[int]) -> list[str]:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    gate = Gate()
    await _acall(steps, q, "enqueue", wait_for, gate, priority=10)
    for i, priority in enumerate(priorities):
        await _acall(steps, q, "enqueue", record, log, f"p{priority}-{i}", priority=priority)
    gate.open()
    await _acall(steps, q, "stop", graceful=True)
    return log


async def _priority_order(cls: Any, steps: Steps) -> None:
    log = await _ordered(cls, steps, [3, 9, 5, 1, 7])
    steps.expect(
        log,
        "order the jobs ran in (higher priority first)",
    )


async def _fifo_ties(cls: Any, steps: Steps) -> None:
    log = await _ordered(cls, steps, [5] * 12)
    steps.expect(log, "order of 12 jobs with equal priority")


async def _retries_until_success(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    flaky = Flaky(failures=2)
    job = await _acall(steps, q, "enqueue", flaky, max_retries=3)
    steps.expect(await _acall(steps, q, "result", job), "result after two failures")
    steps.expect(flaky.calls, "attempts made")
    await _acall(steps, q, "stop")


async def _gives_up(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    flaky = Flaky(failures=99)
    job = await _acall(steps, q, "enqueue", flaky, max_retries=2)
    try:
        await _acall(steps, q, "result", job)
        outcome = "returned"
    except Exception:
        outcome = "raised"
    steps.expect(outcome, "result() of a job that always fails")
    steps.expect(_state(steps.call(q, "status", job)), "status")
    steps.expect(flaky.calls, "attempts made (1 + max_retries)")
    await _acall(steps, q, "stop")


async def _backoff_frees_worker(cls: Any, steps: Steps) -> None:
    log: list[tuple[str, float]] = []
    q = await _started(cls, steps, workers=1)
    await _acall(steps, q, "enqueue", Flaky(1, log, "A"), max_retries=1)
    await _acall(steps, q, "enqueue", record_time, log, "B")
    await _acall(steps, q, "stop", graceful=True)
    steps.note(f"attempts (name, start time): {log}")
    steps.expect([name for name, _ in log], "order of attempts with one worker")
    steps.expect(
        dict(log)["B"],
        "start time of B (A#1 failed at t=1; B should not wait for A's backoff)",
    )


async def _timeout_fails(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", record, log, "slow", 60, timeout=1, max_retries=0)
    await asyncio.sleep(5)
    steps.expect(_state(steps.call(q, "status", job)), "status 5 s after a 1 s timeout")
    await _acall(steps, q, "stop")


async def _cancel_pending(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    gate = Gate()
    await _acall(steps, q, "enqueue", wait_for, gate)
    job = await _acall(steps, q, "enqueue", record, log, "X")
    steps.expect(steps.call(q, "cancel", job), "cancel() of a queued job")
    gate.open()
    await _acall(steps, q, "stop", graceful=True)
    steps.expect(log, "jobs that ran after X was cancelled")
    steps.expect(_state(steps.call(q, "status", job)), "status of X")


async def _cancel_running(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", record, log, "long", 60)
    await asyncio.sleep(1)
    steps.expect(steps.call(q, "cancel", job), "cancel() of a running job")
    after = await _acall(steps, q, "enqueue", add_later, 1, 1)
    steps.expect(await _acall(steps, q, "result", after), "a job enqueued after the cancel")
    steps.expect(
        asyncio.get_running_loop().time(),
        "virtual seconds until the next job's result",
        between(0, 30, "the next job must not wait for the cancelled one to end"),
    )
    steps.expect(_state(steps.call(q, "status", job)), "status of the cancelled job")
    await _acall(steps, q, "stop")


async def _graceful_stop(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=2)
    jobs = [await _acall(steps, q, "enqueue", add_later, i, i) for i in range(6)]
    await _acall(steps, q, "stop", graceful=True)
    states = [_state(q.status(job)) for job in jobs]
    steps.expect(states, "states after stop(graceful=True)")


async def _hard_stop(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    jobs = [await _acall(steps, q, "enqueue", record, log, f"j{i}", 10) for i in range(4)]
    await asyncio.sleep(1)
    await _acall(steps, q, "stop", graceful=False)
    states = [_state(q.status(job)) for job in jobs]
    steps.expect(states, "states after stop(graceful=False) 1 s into the first 10 s job")
    steps.expect(log, "jobs that started")


async def _full_queue(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = cls(workers=1, max_size=2)
    steps.note(f"q = {cls.__name__}(workers=1, max_size=2)  # not started yet")
    for name in ("a", "b"):
        await _acall(steps, q, "enqueue", record, log, name)
    try:
        await asyncio.wait_for(_acall(steps, q, "enqueue", record, log, "c"), 5)
        outcome = "accepted"
    except TimeoutError:
        steps.note("third enqueue still waiting after 5 s: cancelled it")
        outcome = "waited"
    except Exception:
        outcome = "refused"
    steps.expect(outcome, "a third enqueue into a full queue", _REFUSED_OR_WAITED)
    await _acall(steps, q, "start")
    await _acall(steps, q, "stop", graceful=True)
    steps.expect(sorted(log), "jobs that ran (the refused one must leave no trace)")


async def _awaitable_results(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    first = await _acall(steps, q, "enqueue", Sender(), "a@example.org")
    second = await _acall(steps, q, "enqueue", lambda: record([], "x", 0.1))
    steps.expect(
        await _acall(steps, q, "result", first),
        "result of Sender()('a@example.org')",
    )
    steps.expect(
        await _acall(steps, q, "result", second), "result of a lambda returning a coroutine"
    )
    await _acall(steps, q, "stop")


async def _stats(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    for i in range(3):
        await _acall(steps, q, "enqueue", add_later, i, 1)
    await _acall(steps, q, "enqueue", Flaky(99), max_retries=0)
    doomed = await _acall(steps, q, "enqueue", add_later, 0, 0, priority=1)
    steps.call(q, "cancel", doomed)
    await _acall(steps, q, "stop", graceful=True)
    stats = steps.call(q, "stats")
    got = {key: stats.get(key) for key in ("completed", "failed", "cancelled")}
    steps.expect(
        got,
        "stats() after 3 ok, 1 failed, 1 cancelled",
    )


async def _bad_input(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    for priority in (0, 11):
        try:
            await _acall(steps, q, "enqueue", add_later, 1, 1, priority=priority)
            outcome = "accepted"
        except (ValueError, TypeError):
            outcome = "refused"
        steps.expect(outcome, f"enqueue with priority={priority} (allowed: 1..10)")
    steps.expect_raises(KeyError, lambda: q.status("no-such-job"), "status('no-such-job')")
    await _acall(steps, q, "stop")


async def _every_job_ends_once(cls: Any, steps: Steps) -> None:
    rng = random.Random(8)
    runs: dict[int, int] = {}

    async def job(i: int, seconds: float, fail: bool) -> int:
        await asyncio.sleep(seconds)
        if fail:
            raise RuntimeError(f"job {i} failed")
        runs[i] = runs.get(i, 0) + 1
        return i

    q = await _started(cls, steps, workers=3)
    ids = [
        await q.enqueue(
            job,
            i,
            rng.choice([0.5, 1, 2]),
            rng.random() < 0.3,
            max_retries=0,
            priority=rng.randint(1, 10),
        )
        for i in range(30)
    ]
    steps.note("30 jobs enqueued (30% fail, random priorities), then 6 cancelled at random times")
    for job_id in rng.sample(ids, 6):
        await asyncio.sleep(rng.choice([0, 0.5, 1]))
        q.cancel(job_id)
    await _acall(steps, q, "stop", graceful=True)
    states = [_state(q.status(job_id)) for job_id in ids]
    unfinished = [s for s in states if s not in ("completed", "failed", "cancelled")]
    steps.expect(unfinished, "jobs not in a terminal state after a graceful stop")
    steps.expect(max(runs.values(), default=1), "most successful runs of any one job")
    completed = {i for i, s in enumerate(states) if s == "completed"}
    steps.expect(
        sorted(set(runs) ^ completed), "jobs that succeeded but are not reported completed, or back"
    )


_REFUSED_OR_WAITED = Rule(
    "a queue with max_size=2 must refuse the third job or make it wait",
    lambda got, _reference: got in ("refused", "waited"),
)


def _reference() -> type:
    from tarento_lib.jobs import JobQueue

    return JobQueue


def _case(name: str, body: Callable[[Any, Steps], Awaitable[None]], hint: str) -> Case:
    return Case(name, _virtual(body), hint)


# The exercise in three stages, each built on the one before: make stage 1 pass first.
STAGES: dict[int, tuple[str, tuple[Case, ...]]] = {
    1: (
        "run jobs in priority order",
        (
            _case(
                "runs a coroutine job",
                _runs_coroutine,
                "a worker task awaits the job's coroutine and keeps its result",
            ),
            _case(
                "runs a plain function in a thread",
                _runs_plain_function,
                "not a coroutine function: await asyncio.to_thread(func, *args)",
            ),
            _case(
                "higher priority first",
                _priority_order,
                "an asyncio.PriorityQueue of (-priority, sequence, job)",
            ),
            _case(
                "equal priorities run FIFO",
                _fifo_ties,
                "a tuple (-priority, job) compares jobs on a tie: add a sequence number",
            ),
            _case(
                "awaitable results are awaited",
                _awaitable_results,
                "if inspect.isawaitable(result): result = await result",
            ),
            _case(
                "rejects bad input",
                _bad_input,
                "validate priority in 1..10; unknown id -> KeyError",
            ),
        ),
    ),
    2: (
        "retries and timeouts",
        (
            _case(
                "retries until it succeeds",
                _retries_until_success,
                "count attempts; re-queue while attempts <= max_retries",
            ),
            _case(
                "gives up after max_retries",
                _gives_up,
                "after the last attempt mark it failed and make result() raise",
            ),
            _case(
                "backoff does not hold the worker",
                _backoff_frees_worker,
                "wait out the backoff in a separate task, then put the job back",
            ),
            _case(
                "timeout counts as a failure",
                _timeout_fails,
                "run the attempt under asyncio.timeout(job.timeout)",
            ),
        ),
    ),
    3: (
        "cancel, stop and a bounded queue",
        (
            _case(
                "cancelled queued job never runs",
                _cancel_pending,
                "the worker must skip jobs whose status is no longer pending",
            ),
            _case(
                "cancel interrupts a running job",
                _cancel_running,
                "run each attempt as its own task and call task.cancel()",
            ),
            _case(
                "graceful stop drains the queue",
                _graceful_stop,
                "wait until every job is finished before stopping the workers",
            ),
            _case(
                "hard stop cancels everything",
                _hard_stop,
                "mark queued jobs cancelled and cancel the running tasks",
            ),
            _case(
                "full queue refuses without registering",
                _full_queue,
                "record the job only once it is in the queue",
            ),
            _case("stats count each outcome", _stats, "count terminal states in one place"),
            _case(
                "every job ends exactly once",
                _every_job_ends_once,
                "one function sets the terminal state; check it is not set twice",
            ),
        ),
    ),
}

SUITES = {
    "job_queue": Suite(
        "job_queue",
        "Async priority job queue with a worker pool",
        reference=_reference,
        cases=tuple(case for _, cases in STAGES.values() for case in cases),
    )
}


def stage(number: int) -> Suite:
    """The cases of one stage of the exercise, as a suite of their own."""
    title, cases = STAGES[require_int(number, "number", minimum=1, maximum=len(STAGES))]
    return Suite(
        f"job_queue, stage {number}: {title}",
        f"Async job queue, stage {number}",
        reference=_reference,
        cases=cases,
    )
