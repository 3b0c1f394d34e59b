"""An event loop on virtual time: when nothing is ready, it jumps to the next timer.

``asyncio.sleep(60)`` on this loop returns at once with ``loop.time()`` 60 s later, and every
timer (``call_later``, ``asyncio.timeout``, backoff delays) keeps its order, so a schedule of
sleeps, timeouts and retries gives the same timeline on every run. Concurrency is kept: ten
tasks that each sleep 0.05 s *together* advance the clock by 0.05 s, ten that sleep one after
the other by 0.5 s. The idea is the one behind ``looptime``, in a few lines and no plugin.

How: when the loop has nothing ready to run, it would block in ``select(timeout)`` until its
next timer is due. The wrapped selector polls without blocking and moves the clock forward by
``timeout`` instead.

Work in threads (``run_in_executor``, ``asyncio.to_thread``) takes no virtual time: while a
thread is busy the loop waits for it for real instead of jumping ahead, so results stay
deterministic. When every task waits and no timer is set, nothing can ever happen again:
after ``idle_timeout`` real seconds without I/O the loop raises :class:`VirtualDeadlock`
instead of hanging.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import selectors
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from tarento_lib._validate import require_number

__all__ = ["LoopClock", "VirtualDeadlock", "VirtualTimeLoop", "run_fresh", "run_virtual"]

T = TypeVar("T")
Main = Coroutine[Any, Any, T] | Callable[[], Awaitable[T]]


class VirtualDeadlock(RuntimeError):
    """Every task of a virtual-time loop is waiting for something no timer or thread will bring."""


class _FastForwardSelector(selectors.BaseSelector):
    """The loop's selector, except that a wait with nothing to wait for advances the clock."""

    def __init__(self, loop: VirtualTimeLoop, inner: selectors.BaseSelector) -> None:
        self._loop = loop
        self._inner = inner

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if self._loop.busy_threads or (timeout is not None and timeout <= 0):
            return self._inner.select(timeout)  # a thread's result arrives through the self-pipe
        if timeout is None:  # no timer: only I/O can wake us, or nothing will
            events = self._inner.select(self._loop.idle_timeout)
            if not events:
                raise VirtualDeadlock("every task is waiting and no timer is set: a deadlock")
            return events
        events = self._inner.select(0)
        if not events:
            self._loop.advance(timeout)
        return events

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._inner.get_map()

    def close(self) -> None:
        self._inner.close()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` starts at ``start`` and fast-forwards when idle."""

    def __init__(self, start: float = 0.0, *, idle_timeout: float = 5.0) -> None:
        self._virtual_now = 0.0
        self._busy_threads = 0
        super().__init__(_FastForwardSelector(self, selectors.DefaultSelector()))
        try:
            self._virtual_now = require_number(start, "start")
            self.idle_timeout = require_number(idle_timeout, "idle_timeout", minimum=0)
        except (TypeError, ValueError):
            self.close()  # a half-made loop would warn when collected
            raise

    @property
    def busy_threads(self) -> int:
        """How many ``run_in_executor`` calls are still running (virtual time stands still)."""
        return self._busy_threads

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move virtual time forward (the loop does this itself when it would wait)."""
        self._virtual_now += require_number(seconds, "seconds", minimum=0)

    def run_in_executor(
        self, executor: concurrent.futures.Executor | None, func: Callable[..., T], *args: Any
    ) -> asyncio.Future[T]:
        future = super().run_in_executor(executor, func, *args)
        self._busy_threads += 1
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _: asyncio.Future[Any]) -> None:
        self._busy_threads -= 1


def _coroutine(main: Main[T]) -> Coroutine[Any, Any, T]:
    """``main`` itself if it is a coroutine, else what calling it returns (it must be one)."""
    coro = main() if callable(main) else main
    if not asyncio.iscoroutine(coro):
        raise TypeError(f"main must be a coroutine or an async function, got {type(main).__name__}")
    return coro


def run_fresh(
    main: Main[T], *, loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
) -> T:
    """``asyncio.run`` that also works where a loop is already running (on a helper thread then).

    ``main`` is a coroutine or a zero-argument async function; a Jupyter cell and an async
    test already run a loop, and one thread cannot run two.
    """
    coro = _coroutine(main)

    def run() -> T:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coro)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()  # no loop in this thread: run here
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="fresh-loop") as pool:
        return pool.submit(run).result()


def run_virtual(main: Main[T], *, start: float = 0.0, idle_timeout: float = 5.0) -> T:
    """Run a coroutine (or a zero-argument async function) to completion on virtual time."""
    require_number(start, "start")
    require_number(idle_timeout, "idle_timeout", minimum=0)
    return run_fresh(main, loop_factory=lambda: VirtualTimeLoop(start, idle_timeout=idle_timeout))


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
