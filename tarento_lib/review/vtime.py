"""Run a coroutine on an event loop whose clock is virtual: waiting costs no real time.

``asyncio.sleep(0.05)`` inside :func:`run_virtual` returns at once, yet ``loop.time()`` moves
on by 0.05 s, exactly as if it had waited. Concurrency is kept: ten tasks that each sleep
0.05 s *together* advance the clock by 0.05 s, ten that sleep one after the other by 0.5 s.
That is what makes "N users take N x latency" visible, deterministically, in a test or a
notebook cell.

How: when the loop has nothing ready to run, it would block in ``select(timeout)`` until its
next timer is due. The wrapped selector jumps the virtual clock forward by ``timeout`` and
polls without blocking instead.
"""

from __future__ import annotations

import asyncio
import selectors
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["VirtualTimeLoop", "run_virtual"]

T = TypeVar("T")


class _JumpingSelector:
    """A selector proxy: a blocking wait becomes a jump of the loop's virtual clock."""

    def __init__(self, inner: selectors.BaseSelector, loop: VirtualTimeLoop) -> None:
        self._inner = inner
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and timeout > 0:
            self._loop.advance(timeout)
            return self._inner.select(0)
        return self._inner.select(timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is virtual and starts at ``start``."""

    def __init__(self, start: float = 0.0) -> None:
        super().__init__()
        self._virtual_now = float(start)
        self._selector = _JumpingSelector(self._selector, self)

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward (only the loop itself should call this)."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds!r}")
        self._virtual_now += seconds


def _run_here(coro: Coroutine[Any, Any, T], start: float) -> T:
    loop = VirtualTimeLoop(start)
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_virtual(coro: Coroutine[Any, Any, T], *, start: float = 0.0) -> T:
    """Run ``coro`` to completion on a fresh :class:`VirtualTimeLoop` and return its result.

    Works from plain code, from inside a running loop (a Jupyter cell) and from a thread:
    when the calling thread already runs a loop, the virtual loop runs in a helper thread.
    """
    if not asyncio.iscoroutine(coro):
        raise TypeError(f"coro must be a coroutine object, got {type(coro).__name__}")
    if not _loop_running():
        return _run_here(coro, start)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = _run_here(coro, start)
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, name="virtual-time-loop")
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]
