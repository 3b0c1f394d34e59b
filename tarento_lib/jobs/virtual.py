"""An event loop on virtual time: when nothing is ready, it jumps to the next timer.

``asyncio.sleep(60)`` on this loop returns at once with ``loop.time()`` 60 s later, and
every timer (``call_later``, ``asyncio.timeout``, backoff delays) keeps its order, so a
schedule of sleeps, timeouts and retries gives the same timeline on every run. The idea is
the one behind ``looptime``; this version is a few lines and needs no pytest plugin.

Work in threads (``run_in_executor``) takes no virtual time: while a thread is busy the
loop waits for it for real instead of jumping ahead, so results stay deterministic. When
every task waits and no timer is set, nothing can ever happen again: after ``idle_timeout``
real seconds without I/O the loop raises :class:`VirtualDeadlock` instead of hanging.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import selectors
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["LoopClock", "VirtualDeadlock", "VirtualTimeLoop", "run_fresh", "run_virtual"]

T = TypeVar("T")


class VirtualDeadlock(RuntimeError):
    """Every task of a virtual-time loop is waiting for something no timer or thread will bring."""


class _FastForwardSelector:
    """Wraps the loop's selector: a wait with nothing to wait for advances the loop's clock."""

    def __init__(self, loop: VirtualTimeLoop, selector: selectors.BaseSelector) -> None:
        self._loop = loop
        self._selector = selector

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None and not self._loop.busy_threads:
            events = self._selector.select(self._loop.idle_timeout)
            if not events:
                raise VirtualDeadlock("every task is waiting and no timer is set: a deadlock")
            return events
        if timeout is None or timeout <= 0 or self._loop.busy_threads:
            return self._selector.select(timeout)
        events = self._selector.select(0)
        if not events:
            self._loop.advance(timeout)
        return events

    def __getattr__(self, name: str) -> Any:
        return getattr(self._selector, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is virtual and fast-forwards when idle."""

    def __init__(self, start: float = 0.0, *, idle_timeout: float = 5.0) -> None:
        self._virtual_now = float(start)
        self.idle_timeout = idle_timeout
        self.busy_threads = 0
        super().__init__(_FastForwardSelector(self, selectors.DefaultSelector()))

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move virtual time forward (the loop does this itself when it would wait)."""
        self._virtual_now += max(0.0, seconds)

    def run_in_executor(
        self, executor: Any, func: Callable[..., T], *args: Any
    ) -> asyncio.Future[T]:
        future = super().run_in_executor(executor, func, *args)
        self.busy_threads += 1
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _: asyncio.Future[Any]) -> None:
        self.busy_threads -= 1


def run_virtual(
    main: Coroutine[Any, Any, T] | Callable[[], Awaitable[T]], *, start: float = 0.0
) -> T:
    """Run a coroutine (or a zero-argument async function) to completion on virtual time.

    Inside a running event loop (a Jupyter cell, an async test) it runs the virtual loop on a
    helper thread and waits for it, since one thread cannot run two loops.
    """
    return run_fresh(main, loop_factory=lambda: VirtualTimeLoop(start))


def run_fresh(
    main: Coroutine[Any, Any, T] | Callable[[], Awaitable[T]],
    *,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> T:
    """``asyncio.run`` that also works where a loop is already running (on a helper thread then)."""
    coro = main() if callable(main) else main

    def run() -> T:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coro)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()  # no loop in this thread: run here
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="fresh-loop") as pool:
        return pool.submit(run).result()


class LoopClock:
    """A :class:`~tarento_lib.clock.Clock` that reads the running event loop's time.

    On a :class:`VirtualTimeLoop` this is virtual time; on a normal loop it is
    ``time.monotonic()`` (what asyncio itself uses). Outside a loop it falls back to that.
    """

    def now(self) -> float:
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "LoopClock()"
