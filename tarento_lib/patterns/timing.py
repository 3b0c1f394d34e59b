"""``log_execution_time``: one decorator for plain and async functions, logging lazily.

The usual version wraps everything in ``async def``, which silently turns a plain function
into one that returns a coroutine. This one picks the wrapper by the function's kind, times
with ``time.perf_counter`` (monotonic, high resolution) and hands the logger a format string
plus arguments, so nothing is formatted when the level is off.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, overload

from tarento_lib._validate import require_callable, require_int

__all__ = ["log_execution_time"]

F = TypeVar("F", bound=Callable[..., Any])
_DEFAULT_LOGGER = logging.getLogger("tarento_lib.timing")


@overload
def log_execution_time(func: F) -> F: ...
@overload
def log_execution_time(
    *, logger: logging.Logger | None = ..., level: int = ..., timer: Callable[[], float] = ...
) -> Callable[[F], F]: ...


def log_execution_time(
    func: Callable[..., Any] | None = None,
    *,
    logger: logging.Logger | None = None,
    level: int = logging.INFO,
    timer: Callable[[], float] = time.perf_counter,
) -> Any:
    """Log how long each call of ``func`` took
    (``@log_execution_time`` or ``@log_execution_time(level=...)``)."""
    require_callable(timer, "timer")
    require_int(level, "level")
    log = logger or _DEFAULT_LOGGER

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn):
            raise TypeError(f"log_execution_time decorates a function, got {fn!r}")
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            raise TypeError(
                f"{fn.__qualname__} is a generator: its body runs after the call returns"
            )
        name = fn.__qualname__
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                start = timer()
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as exc:
                    log.log(logging.ERROR, "%s failed after %.6f s: %r", name, timer() - start, exc)
                    raise
                log.log(level, "%s took %.6f s", name, timer() - start)
                return result

            return async_wrapper

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = timer()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                log.log(logging.ERROR, "%s failed after %.6f s: %r", name, timer() - start, exc)
                raise
            log.log(level, "%s took %.6f s", name, timer() - start)
            return result

        return sync_wrapper

    return decorate(func) if func is not None else decorate
