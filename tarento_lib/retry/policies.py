"""Retry policies: one state, composable stop and wait policies, the bundle, the decision step.

Each policy is a small callable of one :class:`RetryState`, a pure function of it, so it can be
tested and plotted alone; randomness arrives as ``state.jitter``, drawn by the loop.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tarento_lib._validate import require_callable, require_int, require_number


@dataclass(frozen=True)
class RetryState:
    """What a policy sees after attempt number ``attempt`` (1-based) failed.

    ``elapsed`` seconds have passed since the first attempt began, ``error`` is what the attempt
    raised, and ``jitter`` is a uniform draw in ``[0, 1)`` for this decision, made by the loop.
    """

    attempt: int
    elapsed: float = 0.0
    error: BaseException | None = None
    jitter: float = 0.5

    def __post_init__(self) -> None:
        require_int(self.attempt, "attempt", minimum=1)
        require_number(self.elapsed, "elapsed", minimum=0)
        require_number(self.jitter, "jitter", minimum=0, maximum=1, max_inclusive=False)


Policy = Callable[[RetryState], "float | None"]
"""Anything that maps a retry state to seconds to wait, or ``None`` to give up."""


def _name(thing: object) -> str:
    """A readable name for a policy or predicate, never a memory address."""
    if isinstance(thing, (StopPolicy, WaitPolicy, RetryPolicy, retry_if_exception_type)):
        return repr(thing)
    return getattr(thing, "__name__", type(thing).__name__)


# --- stop policies: give up now? --------------------------------------------------------------


class StopPolicy(ABC):
    """``stop(state) -> True`` gives up. ``a | b`` stops when either does; ``a & b``, both."""

    @abstractmethod
    def __call__(self, state: RetryState) -> bool: ...

    def __or__(self, other: StopPolicy) -> StopPolicy:
        return _StopCombined(self, other, any) if isinstance(other, StopPolicy) else NotImplemented

    def __and__(self, other: StopPolicy) -> StopPolicy:
        return _StopCombined(self, other, all) if isinstance(other, StopPolicy) else NotImplemented


class _StopCombined(StopPolicy):
    def __init__(
        self, left: StopPolicy, right: StopPolicy, how: Callable[[Iterable[bool]], bool]
    ) -> None:
        self.parts, self.how = (left, right), how

    def __call__(self, state: RetryState) -> bool:
        return self.how(part(state) for part in self.parts)

    def __repr__(self) -> str:
        symbol = "|" if self.how is any else "&"
        return f"({self.parts[0]!r} {symbol} {self.parts[1]!r})"


class stop_after_attempt(StopPolicy):
    """Give up once ``attempts`` attempts have been made."""

    def __init__(self, attempts: int) -> None:
        self.attempts = require_int(attempts, "attempts", minimum=1)

    def __call__(self, state: RetryState) -> bool:
        return state.attempt >= self.attempts

    def __repr__(self) -> str:
        return f"stop_after_attempt({self.attempts})"


class stop_after_delay(StopPolicy):
    """Give up once ``seconds`` have passed since the first attempt began."""

    def __init__(self, seconds: float) -> None:
        self.seconds = require_number(seconds, "seconds", minimum=0)

    def __call__(self, state: RetryState) -> bool:
        return state.elapsed >= self.seconds

    def __repr__(self) -> str:
        return f"stop_after_delay({self.seconds:g})"


class stop_never(StopPolicy):
    """Never give up (sensible only with a ``retry`` predicate that eventually says no)."""

    def __call__(self, state: RetryState) -> bool:
        return False

    def __repr__(self) -> str:
        return "stop_never()"


# --- wait policies: how long before the next attempt? -----------------------------------------


class WaitPolicy(ABC):
    """``wait(state) -> seconds`` to pause. ``a + b`` pauses for both, within any stated cap.

    ``maximum`` is the cap the policy states (``None``: it states none).
    """

    maximum: float | None = None

    @abstractmethod
    def __call__(self, state: RetryState) -> float: ...

    def __add__(self, other: WaitPolicy) -> WaitPolicy:
        return _WaitSum(self, other) if isinstance(other, WaitPolicy) else NotImplemented


class _WaitSum(WaitPolicy):
    """Two waits added, the total cut at the smallest cap either part states.

    So ``wait_exponential(maximum=8) + wait_random(0, 1)`` never pauses longer than 8 s.
    """

    def __init__(self, left: WaitPolicy, right: WaitPolicy) -> None:
        self.parts = (left, right)
        caps = [part.maximum for part in self.parts if part.maximum is not None]
        self.maximum = min(caps) if caps else None

    def __call__(self, state: RetryState) -> float:
        total = self.parts[0](state) + self.parts[1](state)
        return total if self.maximum is None else min(total, self.maximum)

    def __repr__(self) -> str:
        return f"({self.parts[0]!r} + {self.parts[1]!r})"


class wait_none(WaitPolicy):
    """Retry at once (what a bare ``for`` loop does)."""

    def __call__(self, state: RetryState) -> float:
        return 0.0

    def __repr__(self) -> str:
        return "wait_none()"


class wait_fixed(WaitPolicy):
    """The same pause every time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = require_number(seconds, "seconds", minimum=0)

    def __call__(self, state: RetryState) -> float:
        return self.seconds

    def __repr__(self) -> str:
        return f"wait_fixed({self.seconds:g})"


class wait_random(WaitPolicy):
    """A uniform pause in ``[low, high)``, taken from ``state.jitter``."""

    def __init__(self, low: float = 0.0, high: float = 1.0) -> None:
        self.low = require_number(low, "low", minimum=0)
        self.high = require_number(high, "high", minimum=self.low)

    def __call__(self, state: RetryState) -> float:
        return self.low + state.jitter * (self.high - self.low)

    def __repr__(self) -> str:
        return f"wait_random({self.low:g}, {self.high:g})"


class wait_exponential(WaitPolicy):
    """``initial * base ** (attempt - 1)``, capped at ``maximum``: 1, 2, 4, 8, ... s."""

    def __init__(self, initial: float = 1.0, *, base: float = 2.0, maximum: float = 60.0) -> None:
        self.initial = require_number(initial, "initial", minimum=0)
        self.base = require_number(base, "base", minimum=1, maximum=10)
        self.maximum = require_number(maximum, "maximum", minimum=0, min_inclusive=False)

    def ceiling(self, attempt: int) -> float:
        """The pause after ``attempt`` failed attempts, before any jitter."""
        if self.initial == 0:
            return 0.0
        # compare logarithms first: after many attempts ``base ** n`` no longer fits in a float
        log_pause = math.log(self.initial) + (attempt - 1) * math.log(self.base)
        if log_pause >= math.log(self.maximum):
            return self.maximum
        try:
            return min(self.maximum, self.initial * self.base ** (attempt - 1))
        except OverflowError:  # a tiny ``initial`` times a power too large for a float
            return math.exp(log_pause)

    def __call__(self, state: RetryState) -> float:
        return self.ceiling(state.attempt)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(initial={self.initial:g}, base={self.base:g}, maximum={self.maximum:g})"


class wait_full_jitter(wait_exponential):
    """Exponential backoff with *full jitter*: uniform in ``[0, ceiling)``, so never over the cap.

    Clients that failed together spread their retries over the whole window instead of coming
    back in lock-step (the thundering herd).
    """

    def __call__(self, state: RetryState) -> float:
        return state.jitter * self.ceiling(state.attempt)


# --- which errors are worth another try --------------------------------------------------------


class retry_if_exception_type:
    """Retry only errors that are instances of ``types``."""

    def __init__(self, *types: type[BaseException]) -> None:
        if not types or not all(
            isinstance(t, type) and issubclass(t, BaseException) for t in types
        ):
            raise TypeError(f"types must be one or more exception classes, got {types!r}")
        self.types = types

    def __call__(self, error: BaseException) -> bool:
        return isinstance(error, self.types)

    def __repr__(self) -> str:
        return f"retry_if_exception_type({', '.join(t.__name__ for t in self.types)})"


# --- the bundle and the decision step ----------------------------------------------------------


class RetryPolicy:
    """``stop`` + ``wait`` + ``retry`` in one policy: ``policy(state) -> seconds | None``.

    Defaults: 3 attempts, full-jitter backoff from 0.5 s capped at 10 s, any ``Exception``.
    """

    def __init__(
        self,
        *,
        stop: StopPolicy | None = None,
        wait: WaitPolicy | None = None,
        retry: Callable[[BaseException], bool] | None = None,
    ) -> None:
        self.stop = stop_after_attempt(3) if stop is None else stop
        self.wait = wait_full_jitter(0.5, maximum=10) if wait is None else wait
        self.retry = retry_if_exception_type(Exception) if retry is None else retry
        if not isinstance(self.stop, StopPolicy):
            raise TypeError(
                f"stop must be a StopPolicy such as stop_after_attempt(3), got {stop!r}"
            )
        if not isinstance(self.wait, WaitPolicy):
            raise TypeError(f"wait must be a WaitPolicy such as wait_fixed(1), got {wait!r}")
        require_callable(self.retry, "retry")

    def __call__(self, state: RetryState) -> float | None:
        if state.error is not None and not self.retry(state.error):
            return None
        if self.stop(state):
            return None
        return self.wait(state)

    def __repr__(self) -> str:
        return f"RetryPolicy(stop={self.stop!r}, wait={self.wait!r}, retry={_name(self.retry)})"


def decide(policy: Policy, state: RetryState) -> float | None:
    """The decision step: seconds to pause before the next attempt, or ``None`` to stop.

    Every loop (and the simulations) asks through here, so a policy that answers something else
    than ``None`` or a finite number of seconds >= 0 is caught in one place.
    """
    wait = policy(state)
    if wait is None:
        return None
    if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not 0 <= wait < math.inf:
        raise TypeError(f"policy {_name(policy)} must return seconds >= 0 or None, got {wait!r}")
    return float(wait)
