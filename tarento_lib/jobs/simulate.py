"""Seeded experiments on virtual time for the notebook: timelines, throughput, latency per priority.

Every function here builds its own :class:`JobQueue`, drives it on
:func:`~tarento_lib.virtual_time.run_virtual`, and returns plain numbers, so a plot
of the result is the same on every run and any cell can be re-run.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from dataclasses import dataclass

from tarento_lib._validate import require_choice
from tarento_lib.jobs.model import Attempt, JobInfo
from tarento_lib.jobs.queue import JobQueue
from tarento_lib.retry import wait_exponential
from tarento_lib.virtual_time import run_fresh, run_virtual
from tarento_lib.workloads import poisson_arrivals

__all__ = [
    "CpuModel",
    "TimelineRun",
    "cpu_burn",
    "latency_by_priority",
    "real_cpu_rate",
    "throughput",
    "timeline_run",
]


@dataclass(frozen=True)
class TimelineRun:
    """What :func:`timeline_run` saw: every attempt
    (a span per worker) and each job's final record."""

    spans: list[Attempt]
    jobs: list[JobInfo]
    finished_at: float


class _FailsFirst:
    """An I/O-bound job that fails its first ``failures`` attempts."""

    def __init__(self, seconds: float, failures: int) -> None:
        self.seconds, self.failures, self.calls = seconds, failures, 0
        self.__qualname__ = "job"

    async def __call__(self) -> str:
        self.calls += 1
        await asyncio.sleep(self.seconds)
        if self.calls <= self.failures:
            raise ConnectionError(f"attempt {self.calls} failed")
        return "ok"


def timeline_run(
    workers: int = 3, n_jobs: int = 12, failure_rate: float = 0.25, *, seed: int = 8
) -> TimelineRun:
    """``n_jobs`` jobs of 1-3 s; each fails its first attempt with probability ``failure_rate``."""
    rng = random.Random(seed)
    plan = [
        (rng.choice([1.0, 2.0, 3.0]), int(rng.random() < failure_rate), rng.randint(1, 10))
        for _ in range(n_jobs)
    ]

    async def main() -> TimelineRun:
        async with JobQueue(workers, backoff=wait_exponential(2.0)) as queue:
            ids = [
                await queue.enqueue(_FailsFirst(s, f), priority=p, max_retries=2)
                for s, f, p in plan
            ]
        return TimelineRun(
            queue.timeline(), [queue.info(i) for i in ids], asyncio.get_running_loop().time()
        )

    return run_virtual(main)


class CpuModel:
    """CPU-bound work on virtual time: at most ``cores`` jobs make progress at once.

    Threads in CPython share one interpreter lock, so CPU-bound Python in threads behaves
    like ``cores=1`` however many workers there are; a process pool gets the machine's cores.
    """

    def __init__(self, cores: int) -> None:
        self._cores = asyncio.Semaphore(cores)

    async def run(self, seconds: float) -> None:
        async with self._cores:
            await asyncio.sleep(seconds)


def throughput(
    workers: int, *, kind: str, n_jobs: int = 80, seconds: float = 0.1, cores: int = 4
) -> float:
    """Jobs per (virtual) second for ``kind`` = ``"io"``,
    ``"cpu-threads"`` or ``"cpu-processes"``."""
    require_choice(kind, "kind", ("io", "cpu-threads", "cpu-processes"))

    async def main() -> float:
        cpu = CpuModel(1 if kind == "cpu-threads" else min(cores, workers))
        job = (lambda: asyncio.sleep(seconds)) if kind == "io" else (lambda: cpu.run(seconds))
        async with JobQueue(workers, max_size=n_jobs) as queue:
            for _ in range(n_jobs):
                await queue.enqueue(job)
        return round(n_jobs / asyncio.get_running_loop().time(), 6)

    return run_virtual(main)


def latency_by_priority(
    workers: int = 2,
    *,
    load: float = 0.9,
    service: float = 1.0,
    duration: float = 600.0,
    seed: int = 8,
) -> dict[int, float]:
    """Mean wait (enqueue to start) per priority,
    for Poisson arrivals at ``load`` x the pool's capacity."""
    rate = load * workers / service
    arrivals = poisson_arrivals(rate=rate, duration=duration, seed=seed)
    rng = random.Random(seed)
    priorities = [rng.randint(1, 10) for _ in arrivals]

    async def main() -> dict[int, float]:
        loop = asyncio.get_running_loop()
        waits: dict[int, list[float]] = {p: [] for p in range(1, 11)}
        async with JobQueue(
            workers, max_size=len(arrivals) + 1, keep_finished=len(arrivals)
        ) as queue:
            ids = []
            for when, priority in zip(arrivals, priorities, strict=True):
                await asyncio.sleep(max(0.0, when - loop.time()))
                ids.append(await queue.enqueue(asyncio.sleep, service, priority=priority))
        for job_id in ids:
            info = queue.info(job_id)
            waits[info.priority].append(info.started_at - info.enqueued_at)
        return {p: statistics.fmean(w) if w else 0.0 for p, w in waits.items()}

    return run_virtual(main)


def cpu_burn(size: int = 300_000) -> int:
    """Pure-Python arithmetic that holds the interpreter
    the whole time (module level: picklable)."""
    total = 0
    for i in range(size):
        total += i * i % 7
    return total


def real_cpu_rate(workers: int, *, pool: str, n_jobs: int = 8, size: int = 300_000) -> float:
    """Measured jobs/s of :func:`cpu_burn` through a JobQueue
    on the real clock, in a thread or process pool."""
    import multiprocessing
    import time
    from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

    require_choice(pool, "pool", ("threads", "processes"))
    executor: Executor = (
        ThreadPoolExecutor(workers)
        if pool == "threads"
        else ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    )

    async def main() -> float:
        async with JobQueue(workers, executor=executor) as queue:
            warm = [
                await queue.enqueue(cpu_burn, 1) for _ in range(workers)
            ]  # start the pool first
            for job_id in warm:
                await queue.result(job_id)
            start = time.perf_counter()
            ids = [await queue.enqueue(cpu_burn, size) for _ in range(n_jobs)]
            for job_id in ids:
                await queue.result(job_id)
            return n_jobs / (time.perf_counter() - start)

    with executor:
        return run_fresh(main)
