"""The retry loops: call until it returns or the policy gives up, pausing on an injected clock.

:class:`Retrying` holds a loop's settings; calling it runs the thread loop and ``acall`` the
asyncio one. Both drive the same per-call bookkeeping and the one decision step,
:func:`~tarento_lib.retry.policies.decide`.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar, Unpack

from tarento_lib._validate import require_bool, require_callable, require_str
from tarento_lib.clock import Clock, MonotonicClock
from tarento_lib.retry.policies import Policy, RetryPolicy, RetryState, decide

T = TypeVar("T")


class RetryError(Exception):
    """A retry policy gave up; ``last_error`` is the final attempt's error (also ``__cause__``)."""

    def __init__(
        self, message: str, *, attempts: int, elapsed: float, last_error: BaseException | None
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.elapsed = elapsed
        self.last_error = last_error


@dataclass(frozen=True)
class Attempt:
    """One try: when it ran, how it ended, and the pause chosen after it (``None``: no more)."""

    number: int
    start: float
    end: float
    error: BaseException | None
    wait: float | None

    @property
    def ok(self) -> bool:
        return self.error is None


OnRetry = Callable[[RetryState, float], object]


class Retrying:
    """A retry loop's settings. Call it with a function (threads) or ``await .acall(...)``.

    ``clock`` tells the time and sleeps (the real monotonic clock unless given). ``sleep``, if
    given, sleeps instead (``sleep=waits.append`` records the pauses; in ``acall`` it may return
    an awaitable) while time is still read from ``clock``: pass a ``FakeClock`` too when a stop
    policy counts seconds. ``rng`` draws each decision's jitter, ``record`` gets one
    :class:`Attempt` per try, and ``on_retry(state, seconds)`` is called before each pause.

    When the policy gives up: :class:`RetryError` chained to the last error, or with
    ``reraise=True`` that error itself; an error the policy's ``retry`` predicate refuses always
    propagates unchanged. Only ``Exception`` is caught: cancellation and Ctrl-C go through.
    """

    def __init__(
        self,
        policy: Policy,
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], object] | None = None,
        rng: random.Random | None = None,
        record: list[Attempt] | None = None,
        on_retry: OnRetry | None = None,
        what: str = "call",
        reraise: bool = False,
    ) -> None:
        self.policy = require_callable(policy, "policy")
        # duck-typed: isinstance(clock, Clock) on a runtime Protocol costs ~10 us a call
        if clock is not None and not callable(getattr(clock, "now", None)):
            raise TypeError(
                f"clock must be a Clock such as FakeClock(), got {type(clock).__name__}"
            )
        if rng is not None and not isinstance(rng, random.Random):
            raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
        if record is not None and not isinstance(record, list):
            raise TypeError(f"record must be a list, got {type(record).__name__}")
        self.clock = clock or MonotonicClock()
        self.sleep = None if sleep is None else require_callable(sleep, "sleep")
        self.rng = rng or random.Random()
        self.record = record
        self.on_retry = None if on_retry is None else require_callable(on_retry, "on_retry")
        self.what = require_str(what, "what")
        self.reraise = require_bool(reraise, "reraise")

    def __call__(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call ``fn(*args, **kwargs)`` until it returns or the policy gives up."""
        run = _Run(self)
        while True:
            run.begin()
            try:
                result = fn(*args, **kwargs)
            except Exception as error:
                pause = run.failed(error)  # the policy's answer; raises when it says stop
                (self.sleep or self.clock.sleep)(pause)
            else:
                return run.succeeded(result)

    async def acall(self, fn: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Await ``fn(*args, **kwargs)`` until it returns; pauses without blocking the loop."""
        run = _Run(self)
        while True:
            run.begin()
            try:
                result = await fn(*args, **kwargs)
            except Exception as error:
                slept = (self.sleep or self.clock.asleep)(run.failed(error))
                if inspect.isawaitable(slept):
                    await slept
            else:
                return run.succeeded(result)


class _Run:
    """One call's bookkeeping: attempt numbers and times, and the decision after a failure."""

    def __init__(self, settings: Retrying) -> None:
        self.settings = settings
        self.first = self.start = settings.clock.now()
        self.attempt = 0

    def begin(self) -> None:
        self.attempt += 1
        self.start = self.settings.clock.now()

    def succeeded(self, result: T) -> T:
        self._record(None, None)
        return result

    def failed(self, error: Exception) -> float:
        """Seconds to pause before the next attempt; raises when the policy says stop."""
        settings = self.settings
        elapsed = max(0.0, settings.clock.now() - self.first)
        state = RetryState(self.attempt, elapsed, error, settings.rng.random())
        wait = decide(settings.policy, state)
        self._record(error, wait)
        if wait is None:
            refused = isinstance(settings.policy, RetryPolicy) and not settings.policy.retry(error)
            if refused or settings.reraise:
                raise error
            raise self._gave_up(state, error) from error
        if settings.on_retry is not None:
            settings.on_retry(state, wait)
        return wait

    def _gave_up(self, state: RetryState, error: Exception) -> RetryError:
        tries = f"{state.attempt} attempt{'s' if state.attempt != 1 else ''}"
        return RetryError(
            f"{self.settings.what} failed after {tries} in {state.elapsed:.3g} s: "
            f"{type(error).__name__}: {error}",
            attempts=state.attempt,
            elapsed=state.elapsed,
            last_error=error,
        )

    def _record(self, error: Exception | None, wait: float | None) -> None:
        if self.settings.record is not None:
            now = self.settings.clock.now()
            self.settings.record.append(Attempt(self.attempt, self.start, now, error, wait))


class RetryOptions(TypedDict, total=False):
    """The keyword options of :func:`retry_call` and :func:`aretry_call` (see :class:`Retrying`)."""

    clock: Clock | None
    sleep: Callable[[float], object] | None
    rng: random.Random | None
    record: list[Attempt] | None
    on_retry: OnRetry | None
    what: str
    reraise: bool


def retry_call(fn: Callable[[], T], policy: Policy, **options: Unpack[RetryOptions]) -> T:
    """Call ``fn()`` until it returns or ``policy`` gives up, pausing between attempts."""
    return Retrying(policy, **options)(fn)


async def aretry_call(
    fn: Callable[[], Awaitable[T]], policy: Policy, **options: Unpack[RetryOptions]
) -> T:
    """The asyncio twin of :func:`retry_call`: awaits ``fn()`` and pauses with ``asleep``."""
    return await Retrying(policy, **options).acall(fn)
