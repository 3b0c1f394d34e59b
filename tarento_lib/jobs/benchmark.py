"""Throughput of no-op jobs: JobQueue, the Q8 interview answer, a bare ``asyncio.PriorityQueue``
and a polling worker loop.

Used by ``benchmarks/bench_jobs.py`` and the notebook's "measure it" cell. Each variant runs
``n`` no-op coroutine jobs through ``workers`` worker tasks on a fresh real event loop, timed
from the first enqueue until every job is done, and each is read on two clocks in the same
run: CPU seconds of the event-loop thread (``time.thread_time``), the headline figure, since on
a shared machine a wall-clock timer also counts the time other processes held the CPU (which
punishes the longer-running variant), and wall-clock seconds (``time.perf_counter``) beside
it. Numbers still vary from run to run; compare ratios.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from tarento_lib.answers import q08_job_queue
from tarento_lib.jobs.queue import JobQueue
from tarento_lib.virtual_time import run_fresh

__all__ = [
    "VARIANTS",
    "Timing",
    "bare_rate",
    "compare",
    "jobqueue_rate",
    "measure",
    "noop",
    "polling_rate",
    "time_answer",
    "time_bare",
    "time_jobqueue",
    "time_polling",
]


async def noop() -> None:
    return None


class Timing(NamedTuple):
    """Seconds one variant took for its ``n`` jobs, on both clocks."""

    cpu: float  # time.thread_time: what the loop's own thread spent
    wall: float  # time.perf_counter


def _now() -> Timing:
    return Timing(time.thread_time(), time.perf_counter())


def _since(start: Timing) -> Timing:
    cpu, wall = time.thread_time(), time.perf_counter()
    return Timing(cpu - start.cpu, wall - start.wall)


def _timed(main: Callable[[], Awaitable[Timing]]) -> Timing:
    """Run the async ``main`` on a fresh loop after a full collection
    (each variant starts from a clean heap)."""
    gc.collect()
    return run_fresh(main)


def _time_queue(make: Callable[..., Any], label: str, n: int, workers: int) -> Timing:
    """Enqueue ``n`` no-op jobs on a started queue and stop it gracefully; time the lot."""

    async def main() -> Timing:
        queue = make(workers, max_size=n)
        await queue.start()
        start = _now()
        for _ in range(n):
            await queue.enqueue(noop)
        await queue.stop(graceful=True)
        elapsed = _since(start)
        if queue.stats()["completed"] != n:
            raise RuntimeError(f"{label} completed {queue.stats()['completed']} of {n} jobs")
        return elapsed

    return _timed(main)


def time_jobqueue(n: int, workers: int = 4) -> Timing:
    return _time_queue(JobQueue, "JobQueue", n, workers)


def time_answer(n: int, workers: int = 4) -> Timing:
    """The interview answer: one task and one ``asyncio.Event`` per job, a uuid per id."""
    return _time_queue(q08_job_queue.JobQueue, "the answer", n, workers)


def time_bare(n: int, workers: int = 4) -> Timing:
    """The floor: ``(priority, sequence, func)`` tuples, workers that await ``get()``."""

    async def main() -> Timing:
        queue: asyncio.PriorityQueue[tuple[int, int, Callable[[], Awaitable[None]]]] = (
            asyncio.PriorityQueue()
        )

        async def worker() -> None:
            while True:
                _, _, func = await queue.get()
                await func()
                queue.task_done()

        tasks = [asyncio.create_task(worker()) for _ in range(workers)]
        seq = itertools.count()
        start = _now()
        for _ in range(n):
            queue.put_nowait((-5, next(seq), noop))
        await queue.join()
        elapsed = _since(start)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return elapsed

    return _timed(main)


def time_polling(n: int, workers: int = 4, poll: float = 1.0) -> Timing:
    """The typical answer's worker: ``wait_for(get(),
    timeout)`` in a loop, to notice a stop flag."""

    async def main() -> Timing:
        queue: asyncio.PriorityQueue[tuple[int, int, Callable[[], Awaitable[None]]]] = (
            asyncio.PriorityQueue()
        )
        running = True

        async def worker() -> None:
            while running:
                try:
                    _, _, func = await asyncio.wait_for(queue.get(), timeout=poll)
                except TimeoutError:
                    continue
                await func()
                queue.task_done()

        tasks = [asyncio.create_task(worker()) for _ in range(workers)]
        seq = itertools.count()
        start = _now()
        for _ in range(n):
            await queue.put((-5, next(seq), noop))
        await queue.join()
        elapsed = _since(start)
        running = False
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return elapsed

    return _timed(main)


VARIANTS: dict[str, Callable[[int, int], Timing]] = {
    "JobQueue": time_jobqueue,
    "interview answer": time_answer,
    "bare PriorityQueue": time_bare,
    "polling wait_for": time_polling,
}


def jobqueue_rate(n: int, workers: int = 4) -> float:
    """JobQueue's no-op jobs per CPU second."""
    return n / time_jobqueue(n, workers).cpu


def bare_rate(n: int, workers: int = 4) -> float:
    """A bare ``asyncio.PriorityQueue``'s no-op jobs per CPU second."""
    return n / time_bare(n, workers).cpu


def polling_rate(n: int, workers: int = 4, poll: float = 1.0) -> float:
    """The polling worker loop's no-op jobs per CPU second."""
    return n / time_polling(n, workers, poll).cpu


def measure(n: int = 20_000, rounds: int = 5, workers: int = 4) -> dict[str, dict[str, float]]:
    """Median jobs/s of each variant over interleaved rounds (one round runs them all), per clock.

    Returns ``{"cpu": {variant: rate}, "wall": {variant: rate}}``, both read from the same runs.
    """
    samples: dict[str, list[Timing]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, run in VARIANTS.items():
            samples[name].append(run(n, workers))
    return {
        clock: {
            name: statistics.median(n / getattr(t, clock) for t in timings)
            for name, timings in samples.items()
        }
        for clock in Timing._fields
    }


def compare(n: int = 20_000, rounds: int = 5, workers: int = 4) -> dict[str, float]:
    """Median jobs per CPU second of each variant over interleaved rounds."""
    return measure(n, rounds, workers)["cpu"]
