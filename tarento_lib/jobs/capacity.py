"""Bounded admission: ``max_size`` slots for jobs waiting in the queue.

A job takes a slot when it is enqueued and gives it back when a worker starts it (or it is
cancelled first). Retries never need a slot: they were admitted already, so a full queue can
never stop a retry from being re-queued.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from tarento_lib.jobs.errors import QueueFullError

__all__ = ["Capacity"]


class Capacity:
    """``free`` slots out of ``max_size``; ``on_full`` is
    ``"raise"`` or ``"wait"`` (up to ``wait_timeout`` s)."""

    def __init__(self, max_size: int, on_full: str, wait_timeout: float | None) -> None:
        self.max_size = max_size
        self.free = max_size  # read and decremented directly on the enqueue fast path
        self._on_full = on_full
        self._wait_timeout = wait_timeout
        self.waiters: deque[asyncio.Future[None]] = (
            deque()
        )  # producers waiting for a slot (wait mode)

    async def wait(self, check_open: Callable[[], None]) -> None:
        """Return once a slot is free, or raise QueueFullError
        (``check_open`` may raise on stop)."""
        if self._on_full == "raise":
            raise QueueFullError(self.max_size)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._wait_timeout):
                while self.free == 0:
                    waiter = loop.create_future()
                    self.waiters.append(waiter)
                    try:
                        await waiter
                    except BaseException:
                        if waiter.done() and not waiter.cancelled():
                            self.wake()  # we were woken but are leaving: pass it on
                        raise
                    check_open()
        except TimeoutError:
            raise QueueFullError(self.max_size) from None

    def give_back(self) -> None:
        self.free += 1
        if self.waiters:
            self.wake()

    def wake(self, *, everyone: bool = False) -> None:
        """Wake the first live waiter (or all of them, when the queue stops)."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                if not everyone:
                    return
