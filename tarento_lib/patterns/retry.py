"""A ``retry`` decorator over the retry core, for plain and async functions (tenacity's shape).

* stop policies answer "give up now?": ``stop_after_attempt(5) | stop_after_delay(30)``;
* wait policies answer "how long before the next try?": ``wait_exponential(0.1) + wait_random()``;
* ``retry_if_exception_type(ConnectionError, TimeoutError)`` answers "is this error worth it?".

The policies are :mod:`tarento_lib.retry`'s, re-exported here; each is a pure function of a
:class:`~tarento_lib.retry.RetryState`, so it can be tested and plotted alone. Time comes from an
injected :class:`~tarento_lib.clock.Clock` (tests and notebooks pass a ``FakeClock`` and never
wait), jitter from an injected ``random.Random``. Cancellation and Ctrl-C are never retried.
"""

from __future__ import annotations

import functools
import inspect
import random
from collections.abc import Callable
from typing import Any

from tarento_lib._validate import require_callable
from tarento_lib.clock import Clock
from tarento_lib.retry import (
    OnRetry,
    Retrying,
    RetryPolicy,
    RetryState,
    StopPolicy,
    WaitPolicy,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_fixed,
    wait_random,
)

__all__ = [
    "RetryState",
    "retry",
    "retry_if_exception_type",
    "stop_after_attempt",
    "stop_after_delay",
    "wait_exponential",
    "wait_fixed",
    "wait_random",
]


def retry(
    *,
    stop: StopPolicy | None = None,
    wait: WaitPolicy | None = None,
    retry: Callable[[BaseException], bool] | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    on_retry: OnRetry | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Retry the decorated plain or async function; the last error propagates when ``stop`` says so.

    Defaults: 3 attempts, exponential waits from 0.1 s capped at 30 s, any ``Exception``, the
    real clock. ``on_retry(state, delay)`` is called before each wait (for logs or a timeline).
    """
    policy = RetryPolicy(
        stop=stop_after_attempt(3) if stop is None else stop,
        wait=wait_exponential(0.1, maximum=30) if wait is None else wait,
        retry=retry,
    )
    retrying = Retrying(policy, clock=clock, rng=rng, on_retry=on_retry, reraise=True)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        require_callable(fn, "the decorated function")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await retrying.acall(fn, *args, **kwargs)

            return async_wrapper

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            return retrying(fn, *args, **kwargs)

        return sync_wrapper

    return decorate
