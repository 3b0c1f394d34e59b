"""Throughput of no-op jobs: JobQueue vs a bare ``asyncio.PriorityQueue`` and a polling worker loop.

Used by ``benchmarks/bench_jobs.py`` and the notebook's "measure it" cell. Each function runs
``n`` no-op coroutine jobs through ``workers`` worker tasks on a fresh real event loop and
returns jobs per second of CPU time of the event-loop thread (``time.thread_time``): on a
shared machine a wall-clock timer also counts the time other processes held the CPU, which
punishes the longer-running variant. Numbers still vary from run to run; compare ratios.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import statistics
import time
from collections.abc import Callable

from tarento_lib.jobs.queue import JobQueue
from tarento_lib.jobs.virtual import run_fresh

__all__ = ["noop", "jobqueue_rate", "bare_rate", "polling_rate", "compare"]


async def noop() -> None:
    return None


_clock = time.thread_time  # CPU seconds of this thread: what the loop itself spent


def _timed(main: Callable[[], object]) -> float:
    """Run the async ``main`` on a fresh loop after a full collection (each variant starts from a clean heap)."""
    gc.collect()
    return run_fresh(main)  # type: ignore[arg-type]


def jobqueue_rate(n: int, workers: int = 4) -> float:
    async def main() -> float:
        queue = JobQueue(workers, max_size=n)
        await queue.start()
        start = _clock()
        for _ in range(n):
            await queue.enqueue(noop)
        await queue.stop(graceful=True)
        return _clock() - start

    return n / _timed(main)


def bare_rate(n: int, workers: int = 4) -> float:
    """The floor: ``(priority, sequence, func)`` tuples, workers that await ``get()``."""

    async def main() -> float:
        queue: asyncio.PriorityQueue[tuple[int, int, Callable[[], object]]] = asyncio.PriorityQueue()

        async def worker() -> None:
            while True:
                _, _, func = await queue.get()
                await func()  # type: ignore[misc]
                queue.task_done()

        tasks = [asyncio.create_task(worker()) for _ in range(workers)]
        seq = itertools.count()
        start = _clock()
        for _ in range(n):
            queue.put_nowait((-5, next(seq), noop))
        await queue.join()
        elapsed = _clock() - start
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return elapsed

    return n / _timed(main)


def polling_rate(n: int, workers: int = 4, poll: float = 1.0) -> float:
    """The typical answer's worker: ``wait_for(get(), timeout)`` in a loop, to notice a stop flag."""

    async def main() -> float:
        queue: asyncio.PriorityQueue[tuple[int, int, Callable[[], object]]] = asyncio.PriorityQueue()
        running = True

        async def worker() -> None:
            while running:
                try:
                    _, _, func = await asyncio.wait_for(queue.get(), timeout=poll)
                except TimeoutError:
                    continue
                await func()  # type: ignore[misc]
                queue.task_done()

        tasks = [asyncio.create_task(worker()) for _ in range(workers)]
        seq = itertools.count()
        start = _clock()
        for _ in range(n):
            await queue.put((-5, next(seq), noop))
        await queue.join()
        elapsed = _clock() - start
        running = False
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return elapsed

    return n / _timed(main)


def compare(n: int = 20_000, rounds: int = 5, workers: int = 4) -> dict[str, float]:
    """Median jobs/s of each variant over interleaved rounds (one round runs all three)."""
    runners = {"JobQueue": jobqueue_rate, "bare PriorityQueue": bare_rate, "polling wait_for": polling_rate}
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, runner in runners.items():
            samples[name].append(runner(n, workers))
    return {name: statistics.median(values) for name, values in samples.items()}
