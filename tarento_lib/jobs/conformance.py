"""The ``job_queue`` suite: what any job queue with this API must do, run on virtual time.

A candidate is a class built as ``cls(workers=N, max_size=M)`` with ``async start()``,
``async stop(graceful=True)``, ``async enqueue(func, *args, priority=5, max_retries=3,
timeout=None)``, ``status(job_id)``, ``async result(job_id)``, ``cancel(job_id)`` and
``stats()`` (a dict with at least ``completed``, ``failed`` and ``cancelled``). Each case runs
on :func:`~tarento_lib.virtual_time.run_virtual`, so backoffs and sleeps take no real time.

``INTERVIEWS`` is the mock interview: the exercise's three stages, then two follow-ups (a
backoff that grows, and cancel and stop in every state), and a probe of submit-and-run time.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import random
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from tarento_lib._validate import require_int
from tarento_lib.grading import Case, CaseFailure, Rule, Steps, Suite, between, is_number
from tarento_lib.grading.values import show
from tarento_lib.interview.plan import Interview, Probe, Stage
from tarento_lib.virtual_time import VirtualTimeLoop, run_virtual

__all__ = ["INTERVIEWS", "STAGES", "SUITES", "stage"]

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


async def noop(i: int) -> int:
    return i


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


# -- the mock interview: the three stages above, then the follow-ups ----------------------------


def _retry_waits(log: list[tuple[str, float]]) -> dict[int, list[float]]:
    """Seconds each job waited before its k-th retry (attempts of ``Flaky`` last 1 s)."""
    starts: dict[str, list[float]] = {}
    for attempt, at in log:
        starts.setdefault(attempt.partition("#")[0], []).append(at)
    waits: dict[int, list[float]] = {}
    for times in starts.values():
        for k, (start, following) in enumerate(itertools.pairwise(times), start=1):
            waits.setdefault(k, []).append(round(following - start - 1, 6))
    return waits


def _within_ceilings(got: Any) -> bool:
    return isinstance(got, list) and all(
        is_number(wait) and 0 <= wait <= 2 ** (k - 1) + 1e-6 for k, wait in enumerate(got, 1)
    )


def _doubling(got: Any) -> bool:
    return (
        isinstance(got, list)
        and len(got) == 3
        and all(is_number(mean) for mean in got)
        and got[2] >= 0.5
        and got[2] >= 2 * got[0]
    )


_CEILINGS = Rule(
    "the k-th retry waits at most 1, 2, 4 s (2 ** (k - 1))", lambda got, _: _within_ceilings(got)
)
_GROWING = Rule(
    "the average wait before the 3rd retry must be >= 0.5 s and >= twice that before the 1st",
    lambda got, _: _doubling(got),
)
_CAPPED = Rule("no wait over 60 s", lambda got, _: is_number(got) and 0 <= got <= 60 + 1e-6)


async def _backoff_grows(cls: Any, steps: Steps) -> None:
    log: list[tuple[str, float]] = []
    jobs = 40
    q = await _started(cls, steps, workers=jobs)
    for i in range(jobs):
        await q.enqueue(Flaky(99, log, f"j{i}"), max_retries=3)
    steps.note(f"{jobs} jobs that always fail after 1 s, max_retries=3, one worker each")
    await _acall(steps, q, "stop", graceful=True)
    waits = _retry_waits(log)  # None where a job was never retried that often
    longest = [max(waits[k]) if k in waits else None for k in (1, 2, 3)]
    means = [round(sum(waits[k]) / len(waits[k]), 3) if k in waits else None for k in (1, 2, 3)]
    steps.note(f"longest wait before retry 1, 2, 3: {longest}; average: {means}")
    steps.expect(longest, "longest wait before retries 1, 2 and 3", _CEILINGS)
    steps.expect(means, "average wait before retries 1, 2 and 3", _GROWING)


async def _backoff_capped(cls: Any, steps: Steps) -> None:
    log: list[tuple[str, float]] = []
    q = await _started(cls, steps, workers=1)
    flaky = Flaky(99, log, "doomed")
    await _acall(steps, q, "enqueue", flaky, max_retries=8)
    await _acall(steps, q, "stop", graceful=True)
    waits = [wait for _, each in sorted(_retry_waits(log).items()) for wait in each]
    steps.note(f"waits before each retry: {waits}")
    steps.expect(flaky.calls, "attempts made (1 + max_retries)")
    steps.expect(
        max(waits, default=-1.0), "longest wait (retries 7 and 8 would be 64, 128 s)", _CAPPED
    )


async def _outcome(awaitable: Awaitable[Any], seconds: float = 600) -> str:
    """``"returned"``, ``"raised"`` (a cancelled job may raise CancelledError) or ``"waited"``.

    Not ``asyncio.wait_for``: a job's own TimeoutError must count as raised, not as waiting.
    """
    task = asyncio.ensure_future(awaitable)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        return "waited"
    return "raised" if task.cancelled() or task.exception() is not None else "returned"


async def _timeout_retried(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", record, log, "slow", 60, timeout=1, max_retries=2)
    steps.expect(await _outcome(q.result(job)), "result() of a job that always times out")
    steps.expect(log, "attempts started (a timeout is retried like any failure)")
    steps.expect(_state(steps.call(q, "status", job)), "status after its last timeout")
    quick = await _acall(steps, q, "enqueue", record, log, "quick", 1, timeout=5)
    steps.expect(await _acall(steps, q, "result", quick), "a 1 s job with a 5 s timeout")
    await _acall(steps, q, "stop")


async def _cancel_in_backoff(cls: Any, steps: Steps) -> None:
    flaky = Flaky(99)
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", flaky, max_retries=5)
    await asyncio.sleep(1.01)
    steps.note("t = 1.01 s: attempt 1 failed at t = 1 s, the job waits out its backoff")
    before = flaky.calls
    steps.expect(steps.call(q, "cancel", job), "cancel() of a job waiting to retry")
    await asyncio.sleep(120)
    steps.expect(flaky.calls - before, "attempts started in the 120 s after the cancel")
    steps.expect(_state(steps.call(q, "status", job)), "status")
    steps.expect(await _outcome(q.result(job), 30), "result() of the cancelled job")
    await _acall(steps, q, "stop")


async def _cancel_finished(cls: Any, steps: Steps) -> None:
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", add_later, 1, 2)
    await _acall(steps, q, "result", job)
    steps.expect(steps.call(q, "cancel", job), "cancel() of a job that has finished")
    steps.expect(_state(steps.call(q, "status", job)), "status after that cancel")
    await _acall(steps, q, "stop")


async def _graceful_waits_for_retry(cls: Any, steps: Steps) -> None:
    flaky = Flaky(1)
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", flaky, max_retries=1)
    await _acall(steps, q, "stop", graceful=True)
    steps.expect(_state(steps.call(q, "status", job)), "status after a graceful stop")
    steps.expect(flaky.calls, "attempts made (the first fails, its retry succeeds)")


async def _hard_stop_in_backoff(cls: Any, steps: Steps) -> None:
    flaky = Flaky(99)
    q = await _started(cls, steps, workers=1)
    job = await _acall(steps, q, "enqueue", flaky, max_retries=5)
    await asyncio.sleep(1.01)
    steps.note("t = 1.01 s: attempt 1 failed at t = 1 s, the job waits out its backoff")
    before, loop = flaky.calls, asyncio.get_running_loop()
    stopping = loop.time()
    await _acall(steps, q, "stop", graceful=False)
    steps.expect(
        loop.time() - stopping,
        "virtual seconds stop(graceful=False) took",
        between(0, 1, "a hard stop must not wait out the backoff"),
    )
    steps.expect(_state(steps.call(q, "status", job)), "status after the hard stop")
    await asyncio.sleep(120)
    steps.expect(flaky.calls - before, "attempts started in the 120 s after the hard stop")


async def _closed_after_stop(cls: Any, steps: Steps) -> None:
    log: list[str] = []
    q = await _started(cls, steps, workers=1)
    await _acall(steps, q, "stop")
    steps.expect(await _outcome(_acall(steps, q, "stop"), 5), "a second stop()")
    late = _acall(steps, q, "enqueue", record, log, "late")
    outcome = {"returned": "accepted", "raised": "refused"}.get(await _outcome(late, 5), "waited")
    steps.expect(outcome, "enqueue() after stop (nobody would ever run it)")


def _probe(cls: Any, size: int) -> Callable[[int], object]:
    """One high-priority job submitted and run while ``size`` low-priority jobs wait.

    Each waiting job sleeps one virtual second, so the worker is busy with one of them when the
    next job arrives. An operation submits a job, waits for its result (the worker finishes its
    current job, then runs ours) and tops the waiting jobs back up: two submits and two runs.
    """
    loop = VirtualTimeLoop()
    counts = {"queued": 0, "ran": 0}

    async def background() -> None:
        await asyncio.sleep(1)  # virtual: no real time passes, but the worker is busy meanwhile
        counts["ran"] += 1

    async def top_up(queue: Any) -> None:
        while counts["queued"] - counts["ran"] < size:
            counts["queued"] += 1
            await queue.enqueue(background, priority=1)

    async def build() -> Any:
        queue = cls(workers=1, max_size=size + 10)
        await top_up(queue)
        await queue.start()
        return queue

    async def one(i: int) -> None:
        await queue.result(await queue.enqueue(noop, i, priority=10))
        await top_up(queue)

    queue = loop.run_until_complete(build())

    def operation(i: int) -> object:
        return loop.run_until_complete(one(i))

    weakref.finalize(operation, _close, loop)
    return operation


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what still runs on ``loop`` (the probe's workers), then close it."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.close()


_STUB = '''"""Q8 · Async job queue. Stage 1: run jobs in priority order."""


class JobQueue:
    def __init__(self, workers: int = 4, max_size: int = 1000) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self, graceful: bool = True) -> None:
        raise NotImplementedError

    async def enqueue(self, func, *args, priority=5, max_retries=3, timeout=None) -> str:
        raise NotImplementedError

    def status(self, job_id: str) -> str:
        raise NotImplementedError

    async def result(self, job_id: str):
        raise NotImplementedError

    def cancel(self, job_id: str) -> bool:
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        raise NotImplementedError
'''

INTERVIEWS = {
    "q08": Interview(
        number="q08",
        brief=(
            "Build a background job queue for an asyncio service. Callers enqueue work with a "
            "priority from 1 to 10, higher first, and a fixed pool of workers runs it. A failed "
            "job is retried with backoff, a job can have a timeout and can be cancelled, and "
            "anyone can ask for its status and its result. Shutting down must not lose work."
        ),
        clarifications=(
            "Equal priorities run in the order they were enqueued.",
            "Jobs are coroutine functions or plain functions; plain ones must not block the "
            "event loop.",
            "max_retries=3 means up to 4 attempts; a timeout counts as a failed attempt.",
            "A full queue makes enqueue wait for room or refuse; either way it registers nothing.",
            "stop(graceful=True) finishes the queued work; graceful=False cancels it.",
            "Status is one of pending, running, completed, failed, cancelled (a string or an "
            "enum of strings); an unknown job id raises KeyError.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                STAGES[1][0],
                "Write JobQueue(workers=4, max_size=1000) with async start(), async "
                "stop(graceful=True), async enqueue(func, *args, priority=5, max_retries=3, "
                "timeout=None) returning a job id, status(job_id), async result(job_id), "
                "cancel(job_id) and stats(). First, make jobs run: higher priority first, equal "
                "priorities in FIFO order, coroutine functions awaited, plain functions in a "
                "thread, an awaitable result awaited too. A priority outside 1..10 raises "
                "ValueError, an unknown id KeyError.",
                STAGES[1][1],
                (
                    "An asyncio.PriorityQueue, and start() creating `workers` tasks that loop on "
                    "`await queue.get()`.",
                    "Put (-priority, next(counter), job): the counter keeps ties FIFO and means "
                    "two jobs are never compared.",
                    "Give each job an asyncio.Event that result() awaits; run plain functions "
                    "with asyncio.to_thread and await whatever comes back if it is awaitable.",
                ),
                10,
                "The interview answer",
            ),
            Stage(
                STAGES[2][0],
                "Jobs fail. Retry a failed job up to max_retries more times, after a backoff "
                "that does not hold a worker; when the retries run out the status is 'failed' "
                "and result() raises. A job with timeout=1 that runs longer has failed that "
                "attempt.",
                STAGES[2][1],
                (
                    "Count the attempts on the job; a failure with attempts <= max_retries is "
                    "retried.",
                    "A worker that sleeps through the backoff serves nobody meanwhile: sleep in "
                    "a task of its own, then put the job back in the queue.",
                    "Run the attempt inside `async with asyncio.timeout(job.timeout):`.",
                ),
                6,
                "The worker and its one attempt path",
            ),
            Stage(
                STAGES[3][0],
                "Now cancel(job_id): a queued job never runs, a running one is interrupted, and "
                "its status is 'cancelled'. stop(graceful=True) lets every job finish; "
                "stop(graceful=False) cancels what has not. In a queue built with max_size=2, a "
                "third enqueue waits or raises, and registers nothing. stats() counts completed, "
                "failed and cancelled jobs. Every job ends exactly once.",
                STAGES[3][1],
                (
                    "A flag alone does not stop a job that is already running.",
                    "Run each attempt as its own task and wait with asyncio.wait({task}): "
                    "cancelling that task leaves the worker alive.",
                    "One _finish(job, status) sets the terminal state and the Event, and returns "
                    "at once if the job has already finished; the worker skips jobs that are no "
                    "longer pending.",
                ),
                7,
                "A cancel that only flips a flag",
            ),
            Stage(
                "backoff that grows, timeouts that retry",
                "Make the backoff exponential: after the k-th failed attempt wait at most "
                "2 ** (k - 1) seconds (1, 2, 4 ...), never more than 60 s. A random wait below "
                "that ceiling (full jitter) is fine. A timeout is a failure like any other: it "
                "is retried while retries remain, then result() raises.",
                (
                    _case(
                        "backoff doubles with each retry",
                        _backoff_grows,
                        "ceiling = min(60, 2 ** (attempt - 1)); wait random.uniform(0, ceiling)",
                    ),
                    _case(
                        "backoff is capped at 60 s",
                        _backoff_capped,
                        "take the min with the cap before drawing the jitter",
                    ),
                    _case(
                        "a timeout is retried",
                        _timeout_retried,
                        "TimeoutError goes down the same failure path as any other error",
                    ),
                ),
                (
                    "The ceiling after failed attempt k is min(60, 1 * 2 ** (k - 1)) seconds.",
                    "Full jitter draws random.uniform(0, ceiling): retries of jobs that failed "
                    "together spread out, and the average wait still doubles.",
                    "Do not catch TimeoutError apart from other errors: asyncio.timeout raises "
                    "it in the attempt, and the attempt path retries it.",
                ),
                5,
                "Which job ran where, and when",
            ),
            Stage(
                "cancel and stop in every state",
                "A job can also be waiting out its backoff, or already finished. cancel() of a "
                "job waiting to retry returns True and it never runs again; cancel() of a "
                "finished job returns False and changes nothing; result() of a cancelled job "
                "raises. stop(graceful=True) also waits for jobs waiting to retry; "
                "stop(graceful=False) cancels them without waiting. After stop(), enqueue "
                "raises and a second stop() does nothing.",
                (
                    _case(
                        "cancel during the backoff",
                        _cancel_in_backoff,
                        "when the backoff ends, put the job back only if it is still pending",
                    ),
                    _case(
                        "cancel of a finished job is refused",
                        _cancel_finished,
                        "a terminal status never changes: return False",
                    ),
                    _case(
                        "graceful stop waits for retries",
                        _graceful_waits_for_retry,
                        "wait until every job has finished, retries included",
                    ),
                    _case(
                        "hard stop cancels jobs in backoff",
                        _hard_stop_in_backoff,
                        "cancel every unfinished job, whatever its state, then return",
                    ),
                    _case(
                        "a stopped queue takes no jobs",
                        _closed_after_stop,
                        "set a closed flag first thing in stop(); enqueue raises when it is set",
                    ),
                ),
                (
                    "List the states a job can be in (queued, running, waiting to retry, "
                    "finished) and decide what cancel and stop do in each.",
                    "A job waiting to retry is in no queue: its backoff task (or timer) must "
                    "check the status before putting the job back, or be cancelled itself.",
                    "stop() marks the queue closed before anything else, so no job slips in while "
                    "it drains; a second call finds it closed and returns.",
                ),
                5,
                "The rest, each proven by a test",
            ),
        ),
        probe=Probe(
            what="one priority-10 job submitted and run while n priority-1 jobs wait",
            growth="O(log n)",
            sizes=(100, 10_000),
            prepare=_probe,
            limit=3.0,
            repeat=500,
        ),
    )
}
