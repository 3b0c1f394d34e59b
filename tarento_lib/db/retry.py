"""Retry policies as small composable objects, each a pure function of the retry state.

The shape follows tenacity: a *stop* policy says when to give up, a *wait* policy says how long to
sleep before the next attempt, a *retry* predicate says which errors are worth another try, and
:class:`RetryPolicy` bundles the three into one callable ``state -> seconds | None``::

    policy = RetryPolicy(
        stop=stop_after_attempt(5) | stop_after_delay(20),
        wait=wait_full_jitter(initial=0.5, maximum=8),
    )

Randomness comes in through the state (``state.jitter``, a uniform draw in ``[0, 1)`` made by
the retry loop from a seeded generator), so every policy is deterministic and testable alone, and
the same policy object drives the real connection manager and the thundering-herd simulation.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass

from tarento_lib.clock import validate_seconds

__all__ = [
    "TRANSIENT_ERRORS",
    "Policy",
    "RetryPolicy",
    "RetryState",
    "StopPolicy",
    "WaitPolicy",
    "is_transient",
    "retry_if_exception_type",
    "stop_after_attempt",
    "stop_after_delay",
    "stop_never",
    "wait_exponential",
    "wait_fixed",
    "wait_full_jitter",
    "wait_none",
    "wait_random",
]


@dataclass(frozen=True)
class RetryState:
    """What a policy sees after a failed attempt.

    ``attempt`` attempts have been made (the last one failed with ``error``), ``elapsed`` seconds
    have passed since the first one began, ``last_wait`` is the previous sleep and ``jitter`` a
    uniform random draw in ``[0, 1)`` for this decision.
    """

    attempt: int
    elapsed: float = 0.0
    error: BaseException | None = None
    jitter: float = 0.5
    last_wait: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.attempt, bool) or not isinstance(self.attempt, int):
            raise TypeError(f"attempt must be an int, got {type(self.attempt).__name__}")
        if self.attempt < 1:
            raise ValueError(f"attempt must be >= 1 (attempts made so far), got {self.attempt}")
        validate_seconds("elapsed", self.elapsed)
        validate_seconds("last_wait", self.last_wait)
        if (
            isinstance(self.jitter, bool)
            or not isinstance(self.jitter, (int, float))
            or not 0 <= self.jitter < 1
        ):
            raise ValueError(f"jitter must be a number in [0, 1), got {self.jitter!r}")


Policy = Callable[[RetryState], "float | None"]
"""Anything that maps a retry state to seconds to wait, or ``None`` to give up."""


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


# --- stop policies ---------------------------------------------------------------------------


class StopPolicy:
    """``policy(state) -> True`` means give up. Combine with ``|`` (either) and ``&`` (both)."""

    def __call__(self, state: RetryState) -> bool:
        raise NotImplementedError

    def __or__(self, other: StopPolicy) -> StopPolicy:
        return _StopCombined(self, other, any, "|")

    def __and__(self, other: StopPolicy) -> StopPolicy:
        return _StopCombined(self, other, all, "&")


class _StopCombined(StopPolicy):
    def __init__(
        self, left: StopPolicy, right: StopPolicy, how: Callable[[object], bool], symbol: str
    ) -> None:
        for name, part in (("left", left), ("right", right)):
            if not isinstance(part, StopPolicy):
                raise TypeError(f"{name} operand must be a StopPolicy, got {type(part).__name__}")
        self.parts, self.how, self.symbol = (left, right), how, symbol

    def __call__(self, state: RetryState) -> bool:
        return self.how(part(state) for part in self.parts)

    def __repr__(self) -> str:
        return f"({self.parts[0]!r} {self.symbol} {self.parts[1]!r})"


class stop_after_attempt(StopPolicy):
    """Give up once ``attempts`` attempts have been made."""

    def __init__(self, attempts: int) -> None:
        self.attempts = _positive_int("attempts", attempts)

    def __call__(self, state: RetryState) -> bool:
        return state.attempt >= self.attempts

    def __repr__(self) -> str:
        return f"stop_after_attempt({self.attempts})"


class stop_after_delay(StopPolicy):
    """Give up once ``seconds`` have passed since the first attempt began."""

    def __init__(self, seconds: float) -> None:
        self.seconds = validate_seconds("seconds", seconds)

    def __call__(self, state: RetryState) -> bool:
        return state.elapsed >= self.seconds

    def __repr__(self) -> str:
        return f"stop_after_delay({self.seconds:g})"


class stop_never(StopPolicy):
    """Never give up (only sensible with a retry predicate that eventually says no)."""

    def __call__(self, state: RetryState) -> bool:
        return False

    def __repr__(self) -> str:
        return "stop_never()"


# --- wait policies ---------------------------------------------------------------------------


class WaitPolicy:
    """``policy(state) -> seconds`` to sleep before the next attempt. Add two with ``+``."""

    def __call__(self, state: RetryState) -> float:
        raise NotImplementedError

    def __add__(self, other: WaitPolicy) -> WaitPolicy:
        if not isinstance(other, WaitPolicy):
            return NotImplemented
        return _WaitSum(self, other)


class _WaitSum(WaitPolicy):
    def __init__(self, left: WaitPolicy, right: WaitPolicy) -> None:
        self.parts = (left, right)

    def __call__(self, state: RetryState) -> float:
        return self.parts[0](state) + self.parts[1](state)

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
        self.seconds = validate_seconds("seconds", seconds)

    def __call__(self, state: RetryState) -> float:
        return self.seconds

    def __repr__(self) -> str:
        return f"wait_fixed({self.seconds:g})"


def _capped_power(initial: float, base: float, exponent: int, maximum: float) -> float:
    """``min(maximum, initial * base ** exponent)`` without overflowing for huge exponents."""
    if initial == 0 or exponent == 0:
        return min(maximum, initial)
    if math.log(initial) + exponent * math.log(base) >= math.log(
        maximum
    ):  # logs: nothing can overflow
        return maximum
    try:
        return min(maximum, initial * base**exponent)
    except OverflowError:  # a subnormal ``initial`` times a huge power: go through logarithms
        return min(maximum, math.exp(math.log(initial) + exponent * math.log(base)))


class wait_exponential(WaitPolicy):
    """``initial * base ** (attempt - 1)``, capped at ``maximum``: 1, 2, 4, 8, ... s."""

    def __init__(self, initial: float = 1.0, *, base: float = 2.0, maximum: float = 60.0) -> None:
        self.initial = validate_seconds("initial", initial)
        self.maximum = validate_seconds("maximum", maximum, allow_zero=False)
        if isinstance(base, bool) or not isinstance(base, (int, float)) or not 1 < base <= 10:
            raise ValueError(f"base must be a number in (1, 10], got {base!r}")
        self.base = float(base)

    def ceiling(self, attempt: int) -> float:
        """The pause after ``attempt`` failed attempts, before any jitter."""
        return _capped_power(self.initial, self.base, attempt - 1, self.maximum)

    def __call__(self, state: RetryState) -> float:
        return self.ceiling(state.attempt)

    def __repr__(self) -> str:
        return (
            f"wait_exponential(initial={self.initial:g}, base={self.base:g}, "
            f"maximum={self.maximum:g})"
        )


class wait_random(WaitPolicy):
    """A uniform pause in ``[low, high)``, taken from ``state.jitter``."""

    def __init__(self, low: float = 0.0, high: float = 1.0) -> None:
        self.low = validate_seconds("low", low)
        self.high = validate_seconds("high", high)
        if self.high < self.low:
            raise ValueError(f"high must be >= low, got low={low!r}, high={high!r}")

    def __call__(self, state: RetryState) -> float:
        return self.low + state.jitter * (self.high - self.low)

    def __repr__(self) -> str:
        return f"wait_random({self.low:g}, {self.high:g})"


class wait_full_jitter(wait_exponential):
    """Exponential backoff with *full jitter*: uniform in ``[0, ceiling)``.

    Clients that failed together spread their retries over the whole window instead of
    coming back in lock-step (the thundering herd).
    """

    def __call__(self, state: RetryState) -> float:
        return state.jitter * self.ceiling(state.attempt)

    def __repr__(self) -> str:
        return super().__repr__().replace("wait_exponential", "wait_full_jitter", 1)


# --- which errors are worth retrying ------------------------------------------------------------


def _transient_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy import exc

    return (
        ConnectionError,
        TimeoutError,
        asyncio.TimeoutError,
        OSError,
        exc.OperationalError,
        exc.InterfaceError,
    )


TRANSIENT_ERRORS = _transient_errors()
"""Errors that say "the database could not be reached right now": network, refused, timed out."""


# SQLSTATEs that mean "not now": connection exceptions (class 08), the server shutting down or
# starting up (57P01-57P03), too many connections (53300).
TRANSIENT_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE a driver attached to ``error`` (asyncpg:
    ``sqlstate``, through SQLAlchemy: ``orig``)."""
    driver_error = getattr(error, "orig", None)
    for candidate in (error, driver_error, getattr(driver_error, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(error: BaseException) -> bool:
    """True for connection-level failures; False for bugs, constraint violations, a full pool."""
    from sqlalchemy import exc

    if isinstance(
        error, exc.TimeoutError
    ):  # the pool already waited pool_timeout: don't multiply it
        return False
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    code = _sqlstate(error)
    if code is not None and code.startswith(TRANSIENT_SQLSTATES):
        return True
    return isinstance(error, TRANSIENT_ERRORS)


class retry_if_exception_type:
    """Retry only errors that are instances of ``types``."""

    def __init__(self, *types: type[BaseException]) -> None:
        if not types or not all(
            isinstance(t, type) and issubclass(t, BaseException) for t in types
        ):
            raise TypeError("retry_if_exception_type needs one or more exception classes")
        self.types = types

    def __call__(self, error: BaseException) -> bool:
        return isinstance(error, self.types)

    def __repr__(self) -> str:
        return f"retry_if_exception_type({', '.join(t.__name__ for t in self.types)})"


# --- the bundle ---------------------------------------------------------------------------------


class RetryPolicy:
    """``stop`` + ``wait`` + ``retry`` in one callable: ``policy(state) -> seconds | None``."""

    def __init__(
        self,
        *,
        stop: StopPolicy | None = None,
        wait: WaitPolicy | None = None,
        retry: Callable[[BaseException], bool] = is_transient,
    ) -> None:
        self.stop = stop if stop is not None else stop_after_attempt(3)
        self.wait = wait if wait is not None else wait_full_jitter(initial=0.5, maximum=10.0)
        if not isinstance(self.stop, StopPolicy):
            raise TypeError(
                f"stop must be a StopPolicy such as stop_after_attempt(3), got {stop!r}"
            )
        if not isinstance(self.wait, WaitPolicy):
            raise TypeError(f"wait must be a WaitPolicy such as wait_fixed(1), got {wait!r}")
        if not callable(retry):
            raise TypeError(f"retry must be a predicate error -> bool, got {retry!r}")
        self.retry = retry

    def __call__(self, state: RetryState) -> float | None:
        if state.error is not None and not self.retry(state.error):
            return None
        if self.stop(state):
            return None
        return self.wait(state)

    def __repr__(self) -> str:
        return f"RetryPolicy(stop={self.stop!r}, wait={self.wait!r})"
