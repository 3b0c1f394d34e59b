"""JobQueue behaviour on virtual time: ordering,
retries, timeouts, cancellation, shutdown, capacity."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.jobs import (
    JobCancelledError,
    JobFailedError,
    JobQueue,
    JobStatus,
    QueueClosedError,
    QueueFullError,
)
from tarento_lib.jobs.model import Job
from tarento_lib.retry import RetryState, wait_exponential, wait_full_jitter
from tarento_lib.virtual_time import run_virtual


async def sleep_and_log(log: list[str], name: str, seconds: float = 1.0) -> str:
    log.append(name)
    await asyncio.sleep(seconds)
    return name


async def fail(message: str = "boom") -> None:
    await asyncio.sleep(1)
    raise RuntimeError(message)


def now() -> float:
    return asyncio.get_running_loop().time()


async def blocked_queue(workers: int = 1, **options: object) -> tuple[JobQueue, asyncio.Event]:
    """A started queue whose workers are all busy until the returned event is set."""
    queue = JobQueue(workers, **options)
    await queue.start()
    gate = asyncio.Event()
    for _ in range(workers):
        await queue.enqueue(gate.wait, priority=10)
    await asyncio.sleep(0)
    return queue, gate


# -- ordering (Q8-1) -------------------------------------------------------------------------
def test_equal_priorities_run_fifo_q8_1() -> None:
    async def main() -> list[str]:
        log: list[str] = []
        queue, gate = await blocked_queue()
        for i in range(500):
            await queue.enqueue(sleep_and_log, log, f"j{i}", 0)
        gate.set()
        await queue.stop()
        return log

    assert run_virtual(main) == [f"j{i}" for i in range(500)]


def test_higher_priority_first_and_fifo_within_a_priority() -> None:
    async def main() -> list[str]:
        log: list[str] = []
        queue, gate = await blocked_queue()
        for i, priority in enumerate([1, 5, 10, 5, 1, 10]):
            await queue.enqueue(sleep_and_log, log, f"{priority}:{i}", priority=priority)
        gate.set()
        await queue.stop()
        return log

    assert run_virtual(main) == ["10:2", "10:5", "5:1", "5:3", "1:0", "1:4"]


# -- results and callables (Q8-7) ------------------------------------------------------------
class Sender:
    async def __call__(self, to: str) -> str:
        await asyncio.sleep(0.5)
        return f"sent to {to}"


async def noop() -> str:
    return "x"


def test_awaitable_results_are_awaited_q8_7() -> None:
    async def main() -> tuple[str, str]:
        async with JobQueue(2) as queue:
            a = await queue.enqueue(Sender(), "a@example.org")
            b = await queue.enqueue(lambda: noop())
            return await queue.result(a), await queue.result(b)

    assert run_virtual(main) == ("sent to a@example.org", "x")


def test_plain_functions_run_in_a_thread_or_the_given_executor() -> None:
    async def main() -> tuple[int, int, int]:
        with ThreadPoolExecutor(1, thread_name_prefix="mine") as pool:
            async with JobQueue(2, executor=pool) as queue:
                job = await queue.enqueue(threading.get_ident)
                name = await queue.enqueue(lambda: threading.current_thread().name)
                ident = await queue.result(job)
                assert (await queue.result(name)).startswith("mine")
        return ident, threading.get_ident(), 0

    ident, loop_thread, _ = run_virtual(main)
    assert ident != loop_thread


# -- retries (Q8-4) ----------------------------------------------------------------------------
class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[float] = []

    async def __call__(self) -> str:
        self.calls.append(now())
        await asyncio.sleep(1)
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"attempt {len(self.calls)}")
        return "ok"


def test_retries_follow_the_backoff_schedule() -> None:
    flaky = Flaky(3)

    async def main() -> str:
        async with JobQueue(1, backoff=wait_exponential(2, base=3, maximum=100)) as queue:
            return await queue.result(await queue.enqueue(flaky, max_retries=3))

    assert run_virtual(main) == "ok"
    # each attempt takes 1 s; then waits 2, 6, 18 s before the next
    assert flaky.calls == [0.0, 3.0, 10.0, 29.0]


def test_failed_job_reports_error_and_attempts() -> None:
    async def main() -> JobFailedError:
        async with JobQueue(1) as queue:
            job = await queue.enqueue(fail, "nope", max_retries=2)
            with pytest.raises(JobFailedError) as caught:
                await queue.result(job)
            info = queue.info(job)
            assert (info.status, info.attempts, info.error) == ("failed", 3, "RuntimeError: nope")
            return caught.value

    error = run_virtual(main)
    assert error.attempts == 3 and isinstance(error.__cause__, RuntimeError)


def test_a_retrying_job_frees_its_worker_q8_4() -> None:
    async def main() -> tuple[list[str], list[tuple[str, float, float]]]:
        log: list[str] = []
        flaky = Flaky(1)
        async with JobQueue(1, backoff=wait_exponential(5)) as queue:
            a = await queue.enqueue(flaky, max_retries=1)
            b = await queue.enqueue(sleep_and_log, log, "B")
            await queue.result(b)
            assert (
                queue.status(a) == "retrying" and now() == 2.0
            )  # B done while A still waits its 5 s
            await queue.result(a)
            spans = [(s.job_id, s.start, s.end) for s in queue.timeline()]
        return log, spans

    _, spans = run_virtual(main)
    assert spans == [("job-1", 0.0, 1.0), ("job-2", 1.0, 2.0), ("job-1", 6.0, 7.0)]


def test_retries_never_block_on_a_full_queue_q8_4() -> None:
    async def main() -> list[str]:
        async with JobQueue(1, max_size=1, backoff=wait_exponential(0.5)) as queue:
            a = await queue.enqueue(Flaky(2), max_retries=3)
            await asyncio.sleep(0.5)  # A is running: its slot is free again
            b = await queue.enqueue(sleep_and_log, [], "B", 3)
            return [await queue.result(a), await queue.result(b)]

    assert run_virtual(main) == ["ok", "B"]


def test_timeout_is_a_failed_attempt_then_retried() -> None:
    async def main() -> list[str]:
        async with JobQueue(1, backoff=wait_exponential(1)) as queue:
            job = await queue.enqueue(sleep_and_log, [], "slow", 10, timeout=2, max_retries=1)
            with pytest.raises(JobFailedError):
                await queue.result(job)
            return [a.outcome for a in queue.timeline()] + [str(now())]

    assert run_virtual(main) == ["timeout", "timeout", "5.0"]


# -- cancellation (Q8-3) --------------------------------------------------------------------
def test_cancelled_pending_job_never_runs_q8_3() -> None:
    async def main() -> tuple[list[str], dict[str, int]]:
        log: list[str] = []
        queue, gate = await blocked_queue()
        job = await queue.enqueue(sleep_and_log, log, "X")
        assert queue.cancel(job) is True
        assert queue.cancel(job) is False  # already finished
        gate.set()
        await queue.stop()
        with pytest.raises(JobCancelledError):
            await queue.result(job)
        assert queue.status(job) == "cancelled"
        return log, queue.stats()

    log, stats = run_virtual(main)
    assert log == [] and (stats["cancelled"], stats["completed"]) == (1, 1)


def test_cancel_interrupts_a_running_job_and_frees_the_worker() -> None:
    async def main() -> tuple[list[str], float]:
        log: list[str] = []

        async def long_job() -> None:
            await asyncio.sleep(60)
            log.append("finished")

        async with JobQueue(1) as queue:
            job = await queue.enqueue(long_job)
            await asyncio.sleep(1)
            assert queue.status(job) == "running"
            assert queue.cancel(job)
            assert await queue.result(await queue.enqueue(noop)) == "x"
            done_at = now()
        assert queue.timeline()[0].outcome == "cancelled"
        return log, done_at

    assert run_virtual(main) == ([], 1.0)


def test_cancel_during_backoff_stops_the_retry() -> None:
    async def main() -> list[float]:
        flaky = Flaky(5)
        async with JobQueue(1, backoff=wait_exponential(10)) as queue:
            job = await queue.enqueue(flaky, max_retries=5)
            await asyncio.sleep(2)
            assert queue.status(job) == "retrying"
            assert queue.cancel(job)
        return flaky.calls

    assert run_virtual(main) == [0.0]


def test_cancel_of_a_job_that_swallows_cancellation_still_ends_cancelled() -> None:
    async def stubborn() -> str:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            return "ignored the cancel"
        return "done"

    async def main() -> tuple[str, str]:
        async with JobQueue(1) as queue:
            job = await queue.enqueue(stubborn)
            await asyncio.sleep(1)
            queue.cancel(job)
            after = await queue.enqueue(noop)
            return str(queue.status(job)), await queue.result(after)

    assert run_virtual(main) == ("cancelled", "x")


# -- shutdown (Q8-2) -----------------------------------------------------------------------
def test_graceful_stop_runs_every_queued_and_retrying_job_q8_2() -> None:
    async def main() -> tuple[list[str], dict[str, int]]:
        queue = JobQueue(2)
        await queue.start()
        ids = [await queue.enqueue(sleep_and_log, [], f"j{i}", 1) for i in range(7)]
        ids.append(await queue.enqueue(Flaky(2), max_retries=2))
        await queue.stop(graceful=True)
        return [str(queue.status(i)) for i in ids], queue.stats()

    states, stats = run_virtual(main)
    assert states == ["completed"] * 8
    assert (stats["queued"], stats["running"], stats["retrying"], stats["busy_workers"]) == (
        0,
        0,
        0,
        0,
    )


def test_hard_stop_cancels_queued_running_and_retrying_jobs() -> None:
    async def main() -> list[str]:
        queue = JobQueue(1)
        await queue.start()
        retrying = await queue.enqueue(Flaky(9), max_retries=9, priority=10)
        await asyncio.sleep(1.5)
        ids = [await queue.enqueue(sleep_and_log, [], f"j{i}", 10) for i in range(3)]
        await asyncio.sleep(1)
        await queue.stop(graceful=False)
        return [str(queue.status(i)) for i in [retrying, *ids]]

    assert run_virtual(main) == ["cancelled"] * 4


def test_graceful_stop_with_timeout_falls_back_to_cancel() -> None:
    async def main() -> tuple[list[str], float]:
        async with JobQueue(1) as queue:
            ids = [await queue.enqueue(sleep_and_log, [], f"j{i}", 10) for i in range(3)]
            await queue.stop(graceful=True, timeout=15)
            return [str(queue.status(i)) for i in ids], now()

    assert run_virtual(main) == (["completed", "cancelled", "cancelled"], 15.0)


def test_closed_queue_refuses_jobs_and_start_runs_once() -> None:
    async def main() -> None:
        queue = JobQueue(1)
        job = await queue.enqueue(noop)  # allowed before start: it waits for the workers
        await queue.stop()  # never started: nothing can run it
        assert queue.status(job) == "cancelled"
        with pytest.raises(QueueClosedError):
            await queue.enqueue(noop)
        with pytest.raises(RuntimeError, match="once"):
            await queue.start()
        await queue.stop()  # again: harmless

    run_virtual(main)


def test_leaving_the_context_on_an_error_cancels_instead_of_draining() -> None:
    async def main() -> str:
        queue = JobQueue(1)
        with pytest.raises(ZeroDivisionError):
            async with queue:
                job = await queue.enqueue(sleep_and_log, [], "long", 100)
                raise ZeroDivisionError
        return str(queue.status(job))

    assert run_virtual(main) == "cancelled"


# -- capacity (Q8-9) and memory (Q8-8) ---------------------------------------------------------
def test_full_queue_raises_at_once_and_registers_nothing_q8_9() -> None:
    async def main() -> dict[str, int]:
        queue = JobQueue(1, max_size=2)
        await queue.enqueue(noop)
        await queue.enqueue(noop)
        with pytest.raises(QueueFullError) as caught:
            await queue.enqueue(noop)
        assert caught.value.max_size == 2 and len(queue) == 2 and now() == 0.0
        await queue.start()
        await queue.stop()
        return queue.stats()

    stats = run_virtual(main)
    assert (stats["submitted"], stats["completed"]) == (2, 2)


def test_wait_mode_waits_for_a_slot_or_gives_up_after_its_timeout() -> None:
    async def main() -> tuple[float, float, int]:
        async with JobQueue(1, max_size=1, on_full="wait", enqueue_timeout=3) as queue:
            await queue.enqueue(sleep_and_log, [], "a", 10)
            await asyncio.sleep(0)
            await queue.enqueue(sleep_and_log, [], "b", 10)  # a is running: b takes the slot
            with pytest.raises(QueueFullError):
                await queue.enqueue(noop)  # nothing frees for 10 s, gives up after 3
            gave_up = now()
            await asyncio.sleep(6)
            await queue.enqueue(noop)  # at t=9; the slot frees when b starts at t=10
            admitted = now()
            submitted = queue.stats()["submitted"]
        return gave_up, admitted, submitted

    assert run_virtual(main) == (3.0, 10.0, 3)


def test_stop_wakes_producers_waiting_for_space() -> None:
    async def main() -> None:
        queue = JobQueue(1, max_size=1, on_full="wait")
        await queue.enqueue(noop)
        waiting = asyncio.ensure_future(queue.enqueue(noop))
        await asyncio.sleep(1)
        await queue.stop()
        with pytest.raises(QueueClosedError):
            await waiting

    run_virtual(main)


def test_finished_jobs_are_forgotten_beyond_keep_finished_q8_8() -> None:
    async def main() -> tuple[int, int]:
        async with JobQueue(4, max_size=5000, keep_finished=100) as queue:
            ids = [await queue.enqueue(noop) for _ in range(5000)]
            last = await queue.result(ids[-1])
            assert last == "x"
        with pytest.raises(KeyError):
            queue.status(ids[0])
        return len(queue), queue.stats()["completed"]

    assert run_virtual(main) == (100, 5000)


# -- many producers ------------------------------------------------------------------------
def test_concurrent_producers_every_job_runs_once() -> None:
    async def main() -> tuple[dict[int, int], dict[str, int]]:
        runs: dict[int, int] = {}

        async def job(i: int) -> None:
            await asyncio.sleep(0.01 * (i % 7))
            runs[i] = runs.get(i, 0) + 1

        async with JobQueue(4, max_size=50, on_full="wait") as queue:

            async def producer(p: int) -> None:
                for k in range(50):
                    await queue.enqueue(job, p * 50 + k, priority=1 + (k % 10))

            await asyncio.gather(*(producer(p) for p in range(20)))
        return runs, queue.stats()

    runs, stats = run_virtual(main)
    assert runs == {i: 1 for i in range(1000)} and stats["completed"] == 1000


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"workers": 0}, ValueError, "workers"),
        ({"workers": "4"}, TypeError, "workers"),
        ({"workers": True}, TypeError, "workers"),
        ({"max_size": 0}, ValueError, "max_size"),
        ({"on_full": "drop"}, ValueError, "on_full"),
        ({"enqueue_timeout": -1}, ValueError, "enqueue_timeout"),
        ({"backoff": 3}, TypeError, "backoff"),
        ({"rng": 7}, TypeError, "rng"),
        ({"keep_finished": -1}, ValueError, "keep_finished"),
    ],
)
def test_constructor_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        JobQueue(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"priority": 0}, ValueError, r"priority must be an int in \[1, 10\]"),
        ({"priority": 11}, ValueError, "priority"),
        ({"priority": True}, TypeError, "priority"),
        ({"priority": 5.0}, TypeError, "priority"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": math.nan}, ValueError, "timeout"),
        ({"timeout": "1"}, TypeError, "timeout"),
    ],
)
def test_enqueue_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    async def main() -> int:
        queue = JobQueue(1)
        with pytest.raises(error, match=match):
            await queue.enqueue(noop, **kwargs)
        return len(queue)

    assert run_virtual(main) == 0


def test_unknown_ids_and_non_callables() -> None:
    async def main() -> None:
        queue = JobQueue(1)
        with pytest.raises(TypeError, match="callable"):
            await queue.enqueue("not a function")
        for call in (
            lambda: queue.status("job-404"),
            lambda: queue.cancel("job-404"),
            lambda: queue.info(None),
        ):
            with pytest.raises(KeyError, match="unknown job id"):
                call()
        with pytest.raises(KeyError):
            await queue.result("job-404")

    run_virtual(main)


def test_the_default_backoff_doubles_from_1_second_up_to_60() -> None:
    flaky = Flaky(3)

    async def main() -> str:
        async with JobQueue(1) as queue:
            return await queue.result(await queue.enqueue(flaky, max_retries=3))

    assert run_virtual(main) == "ok"
    # each attempt takes 1 s; then waits 1, 2, 4 s before the next
    assert flaky.calls == [0.0, 2.0, 5.0, 10.0]


def test_backoff_sees_the_retry_state_and_jitter_comes_from_the_rng() -> None:
    seen: list[RetryState] = []
    jittered = wait_full_jitter(1, maximum=8)

    def backoff(state: RetryState) -> float:
        seen.append(state)
        return jittered(state)

    def run(seed: int) -> list[float]:
        flaky = Flaky(3)

        async def main() -> str:
            async with JobQueue(1, backoff=backoff, rng=random.Random(seed)) as queue:
                return await queue.result(await queue.enqueue(flaky, max_retries=3))

        assert run_virtual(main) == "ok"
        return flaky.calls

    assert run(1) == run(1) != run(2)
    first = seen[:3]
    assert [s.attempt for s in first] == [1, 2, 3]
    assert all(isinstance(s.error, RuntimeError) for s in first)
    assert first[0].elapsed == 1.0  # the first attempt took 1 s
    assert all(jittered(s) <= min(8, 2 ** (s.attempt - 1)) for s in seen)


def test_timestamps_come_from_the_injected_clock() -> None:
    clock = FakeClock(start=100.0)

    async def main() -> tuple[float, float | None]:
        async with JobQueue(1, clock=clock) as queue:
            job = await queue.enqueue(noop)
            clock.advance(5)
            await queue.result(job)
            info = queue.info(job)
        return info.enqueued_at, info.finished_at

    assert run_virtual(main) == (100.0, 105.0)


def test_times_and_spans_of_a_retried_job() -> None:
    async def main() -> tuple[
        list[tuple[float | None, float | None]], list[tuple[str, str, float, float, str]]
    ]:
        async with JobQueue(2, backoff=wait_exponential(3)) as queue:
            blocker = await queue.enqueue(sleep_and_log, [], "blocker", 2)
            job = await queue.enqueue(Flaky(1), max_retries=1)
            pending = [(queue.info(job).started_at, queue.info(job).finished_at)]
            await queue.result(job)
            await queue.result(blocker)
            times = [*pending, (queue.info(job).started_at, queue.info(job).finished_at)]
            return times, [tuple(span) for span in queue.timeline()]

    times, spans = run_virtual(main)
    assert times == [
        (None, None),
        (0.0, 5.0),
    ]  # started at its first attempt, finished after its second
    # the failed attempt, its 3 s backoff, then the successful one (on w1 again: the worker idle
    # longest is woken first)
    assert spans == [
        ("job-1", "w0", 0.0, 2.0, "ok"),
        ("job-2", "w1", 0.0, 1.0, "error"),
        ("job-2", "w1", 4.0, 5.0, "ok"),
    ]


def test_status_is_a_string_enum_and_info_is_a_dict() -> None:
    async def main() -> dict[str, object]:
        async with JobQueue(1) as queue:
            job = await queue.enqueue(noop, priority=7)
            await queue.result(job)
            return queue.info(job).as_dict()

    info = run_virtual(main)
    assert info["status"] == JobStatus.COMPLETED == "completed"
    assert (info["priority"], info["attempts"], info["result"], info["name"]) == (7, 1, "x", "noop")


def test_every_job_takes_the_one_attempt_path_and_the_one_finish_path() -> None:
    seen: list[tuple[str, str]] = []

    class Recording(JobQueue):
        async def _attempt(self, job, worker):
            seen.append(("attempt", job.id))
            await super()._attempt(job, worker)

        def _finish(self, job, status, result=None, error=None, when=None):
            seen.append((status.value, job.id))
            super()._finish(job, status, result, error, when)

    async def fails_once(box: list[int]) -> str:
        box.append(1)
        if len(box) == 1:
            raise ValueError("first try")
        return "ok"

    async def main() -> list[str]:
        async with Recording(2, backoff=wait_exponential(0.1)) as queue:
            ids = [
                await queue.enqueue(fails_once, []),
                await queue.enqueue(sleep_and_log, [], "b"),
                await queue.enqueue(sleep_and_log, [], "c", timeout=5),
            ]
        return ids

    ids = run_virtual(main)
    attempts = [job_id for kind, job_id in seen if kind == "attempt"]
    finishes = [(kind, job_id) for kind, job_id in seen if kind != "attempt"]
    assert sorted(attempts) == sorted([ids[0], *ids])  # the retried job has two attempts
    assert sorted(finishes) == sorted(("completed", job_id) for job_id in ids)


def test_the_job_record_is_an_ordinary_slotted_dataclass() -> None:
    job = Job("job-1", noop, (), {}, 5, 3, None, True, enqueued_at=0.0)
    assert dataclasses.is_dataclass(job) and not hasattr(job, "__dict__")
    assert "history" in {field.name for field in dataclasses.fields(job)}
    assert (job.status, job.attempts, job.history, job.error) == (JobStatus.PENDING, 0, [], None)
    assert job.info().started_at is None
    assert Job("job-2", noop, (), {}, 5, 3, None, True, enqueued_at=0.0).history is not job.history
