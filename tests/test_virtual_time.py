"""The virtual-time event loop: fast-forwarding, ordering, concurrency, threads, deadlocks."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tarento_lib.clock import Clock
from tarento_lib.virtual_time import (
    LoopClock,
    VirtualDeadlock,
    VirtualTimeLoop,
    run_fresh,
    run_virtual,
)


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


def test_concurrent_sleeps_overlap_and_sequential_ones_add_up() -> None:
    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for _ in range(4):
            await asyncio.sleep(0.5)
        middle = loop.time()
        await asyncio.gather(*(asyncio.sleep(0.5) for _ in range(4)))
        return middle - start, loop.time() - middle

    assert run_virtual(main()) == pytest.approx((2.0, 0.5))


def test_timeouts_fire_on_virtual_time() -> None:
    async def main() -> float:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(10):
                await asyncio.sleep(100)
        return asyncio.get_running_loop().time()

    assert run_virtual(main, start=50.0) == 60.0


def test_thread_work_takes_no_virtual_time_and_is_waited_for() -> None:
    async def main() -> tuple[str, float, int]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, VirtualTimeLoop)
        started = threading.Event()
        release = threading.Event()

        def work() -> str:
            started.set()
            release.wait()
            return threading.current_thread().name

        pending = asyncio.ensure_future(asyncio.to_thread(work))
        await asyncio.sleep(0)  # let to_thread hand the call to the executor
        busy = loop.busy_threads
        sleeper = asyncio.ensure_future(asyncio.sleep(30))  # a timer that must not jump ahead
        started.wait()
        release.set()
        name = await pending
        at_result = loop.time()
        await sleeper
        return name, at_result, busy

    name, when, busy = run_virtual(main)
    assert name != threading.current_thread().name
    assert when == 0.0 and busy == 1


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


def test_run_virtual_raises_a_deadlock_too() -> None:
    async def main() -> None:
        await asyncio.Event().wait()

    with pytest.raises(VirtualDeadlock):
        run_virtual(main, idle_timeout=0.05)


def test_run_virtual_works_inside_a_running_loop() -> None:
    async def inner() -> float:
        await asyncio.sleep(3600)
        return asyncio.get_running_loop().time()

    async def outer() -> tuple[float, float]:
        # e.g. a Jupyter cell: the virtual loop runs on a helper thread
        return run_virtual(inner, start=10.0), run_virtual(inner())

    assert asyncio.run(outer()) == (3610.0, 3600.0)


def test_run_fresh_runs_on_a_plain_loop_anywhere() -> None:
    async def outer() -> str:
        return run_fresh(asyncio.sleep(0, result="inside"))

    assert run_fresh(asyncio.sleep(0, result="plain loop")) == "plain loop"
    assert asyncio.run(outer()) == "inside"


def test_errors_pass_through_from_here_and_from_a_helper_thread() -> None:
    async def boom() -> None:
        raise KeyError("x")

    async def outer() -> None:
        run_virtual(boom)

    with pytest.raises(KeyError):
        run_virtual(boom())
    with pytest.raises(KeyError):
        asyncio.run(outer())


@pytest.mark.parametrize("main", [42, "coro", lambda: 42])
def test_only_coroutines_and_async_functions_are_run(main: object) -> None:
    with pytest.raises(TypeError, match="main must be a coroutine or an async function"):
        run_virtual(main)


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="idle_timeout must be a finite number >= 0"):
        VirtualTimeLoop(idle_timeout=-1)
    with pytest.raises(TypeError, match="start must be a number"):
        run_virtual(asyncio.sleep, start="0")
    loop = VirtualTimeLoop(start=5)
    try:
        with pytest.raises(ValueError, match="seconds must be a finite number >= 0"):
            loop.advance(-1)
        loop.advance(2.5)
        assert loop.time() == 7.5
    finally:
        loop.close()


def test_loop_clock_reads_the_running_loop() -> None:
    clock = LoopClock()

    async def main() -> tuple[float, float]:
        before = clock.now()
        await clock.asleep(12)
        return before, clock.now()

    assert run_virtual(main, start=100.0) == (100.0, 112.0)
    assert isinstance(clock, Clock) and isinstance(clock.now(), float)
    assert repr(clock) == "LoopClock()"
