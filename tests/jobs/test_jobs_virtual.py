"""The virtual-time event loop: fast-forwarding, ordering, threads, deadlock detection."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tarento_lib.jobs import LoopClock, VirtualDeadlock, VirtualTimeLoop, run_virtual
from tarento_lib.jobs.virtual import run_fresh


def test_sleeps_fast_forward_in_order() -> None:
    async def main() -> list[tuple[int, float]]:
        loop = asyncio.get_running_loop()
        seen: list[tuple[int, float]] = []

        async def nap(seconds: int) -> None:
            await asyncio.sleep(seconds)
            seen.append((seconds, loop.time()))

        await asyncio.gather(*(nap(s) for s in (3600, 5, 1, 86_400)))
        return seen

    assert run_virtual(main) == [(1, 1.0), (5, 5.0), (3600, 3600.0), (86_400, 86_400.0)]


def test_timeouts_fire_on_virtual_time() -> None:
    async def main() -> float:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(10):
                await asyncio.sleep(100)
        return asyncio.get_running_loop().time()

    assert run_virtual(main, start=50.0) == 60.0


def test_thread_work_takes_no_virtual_time_and_is_waited_for() -> None:
    async def main() -> tuple[str, float]:
        result = await asyncio.to_thread(lambda: threading.current_thread().name)
        return result, asyncio.get_running_loop().time()

    name, when = run_virtual(main)
    assert name != threading.current_thread().name and when == 0.0


def test_a_deadlock_raises_instead_of_hanging() -> None:
    async def main() -> None:
        await asyncio.Event().wait()

    loop = VirtualTimeLoop(idle_timeout=0.05)
    try:
        with pytest.raises(VirtualDeadlock, match="deadlock"):
            loop.run_until_complete(main())
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


def test_run_fresh_works_inside_a_running_loop() -> None:
    async def inner() -> float:
        await asyncio.sleep(30)
        return asyncio.get_running_loop().time()

    async def outer() -> float:
        return run_virtual(inner)  # e.g. a Jupyter cell: runs on a helper thread

    assert asyncio.run(outer()) == 30.0
    assert run_fresh(asyncio.sleep(0, result="plain loop")) == "plain loop"


def test_loop_clock_reads_the_running_loop() -> None:
    clock = LoopClock()

    async def main() -> tuple[float, float]:
        before = clock.now()
        await clock.asleep(12)
        return before, clock.now()

    assert run_virtual(main, start=100.0) == (100.0, 112.0)
    assert isinstance(clock.now(), float) and repr(clock) == "LoopClock()"
