"""The decision API every strategy shares: ``hit``,
``peek``, ``reset``, ``wait`` and the error policy."""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from tarento_lib._validate import require_int, require_number, require_str
from tarento_lib.clock import Clock, MonotonicClock
from tarento_lib.ratelimit.decision import EPSILON, Decision
from tarento_lib.ratelimit.errors import ConfigurationError, RateLimitExceeded, StorageError
from tarento_lib.ratelimit.storage import AsyncStorage

if TYPE_CHECKING:
    from tarento_lib.ratelimit.storage import Storage

__all__ = ["MAX_LIMIT", "ON_ERROR_POLICIES", "RateLimiter"]

logger = logging.getLogger("tarento_lib.ratelimit")

ON_ERROR_POLICIES = ("allow", "deny", "raise")

#: The largest limit (or capacity) a limiter accepts: 2**53 - 1. Redis's Lua counts in doubles,
#: which hold every integer up to 2**53 but not 2**53 + 1, so ``count + cost > limit`` is exact
#: only up to here (and the memory store's float strategies share the arithmetic).
MAX_LIMIT = 2**53 - 1


class RateLimiter(ABC):
    """One limit (``limit`` requests per something) applied per key, over a storage backend.

    Subclasses give the algorithm twice: :meth:`step` in Python (the memory store runs it
    under its lock) and a Lua script named :attr:`script` (the Redis store runs it atomically).

    The store reads the time inside its critical section (:attr:`now` under the memory store's
    lock; Redis's ``TIME`` inside the script when no ``clock`` was passed), so concurrent
    callers never decide on a time that went stale while they waited for their turn.
    """

    name: ClassVar[str]

    #: Whether the Redis script needs a token unique to each call (the sliding log's members).
    unique_members: ClassVar[bool] = False

    #: Seconds (of the limiter's clock) between two log lines about a failing store: the first
    #: failure is logged at once, later ones are counted and reported once per interval.
    outage_log_interval: ClassVar[float] = 10.0

    def __init__(
        self,
        limit: int,
        *,
        storage: Storage | None = None,
        clock: Clock | None = None,
        on_error: str = "allow",
        prefix: str = "rl",
    ) -> None:
        from tarento_lib.ratelimit.storage.memory import MemoryStore

        self.limit = limit
        self.clock: Clock = clock if clock is not None else MonotonicClock()
        #: Whether a clock was passed. Without one, a store that has a clock every app instance
        #: shares (Redis's ``TIME``) uses that instead of this process's monotonic clock.
        self.clock_given = clock is not None
        self.storage: Storage = storage if storage is not None else MemoryStore()
        if on_error not in ON_ERROR_POLICIES:
            raise ConfigurationError(
                f"on_error must be one of {ON_ERROR_POLICIES}, got {on_error!r}"
            )
        require_str(prefix, "prefix")
        self.on_error = on_error
        if not self.storage.supports(self.name):
            raise ConfigurationError(
                f"{type(self.storage).__name__} has no implementation of {self.name!r}"
            )
        self._prefix = f"{prefix}:{self.name}:{self._signature()}:"
        #: Reads the clock; stores call it inside their critical section.
        self.now = self.clock.now
        self._outage_lock = threading.Lock()
        self._failures = 0  # fallbacks since the last log line about them
        self._last_report, self._next_report = 0.0, -math.inf

    # --- what a strategy provides -------------------------------------------------
    @abstractmethod
    def _signature(self) -> str:
        """The parameters, so two different limits never share a stored key."""

    @abstractmethod
    def step(self, state: Any, now: float, cost: int, consume: bool) -> tuple[Decision, Any, float]:
        """Pure transition: ``(decision, new_state or None for "no write", ttl seconds)``."""

    @abstractmethod
    def script_args(self) -> tuple[float, ...]:
        """The strategy parameters passed to its Lua script after ``now, cost, consume``."""

    @abstractmethod
    def _fallback_wait(self, cost: int) -> float:
        """A plausible ``retry_after`` when the store is down and the policy denies."""

    # --- the decision API -----------------------------------------------------------
    def hit(self, key: str, cost: int = 1) -> Decision:
        """Try to admit one request of ``cost`` units for ``key``;
        a denied request consumes nothing."""
        return self._decide(key, cost, True)

    async def ahit(self, key: str, cost: int = 1) -> Decision:
        """:meth:`hit` for async code: awaits an async store (``AsyncRedisStore``), answers a
        memory store inline, and runs a blocking store (``RedisStore``) in a worker thread."""
        self._check_cost(cost)
        self._check_key(key)
        try:
            if isinstance(self.storage, AsyncStorage):
                return await self.storage.adecide(self, self._prefix + key, cost, True)
            if self.storage.blocking:
                return await asyncio.to_thread(
                    self.storage.decide, self, self._prefix + key, cost, True
                )
            return self.storage.decide(self, self._prefix + key, cost, True)
        except StorageError as exc:
            return self._fallback(exc, cost)

    def peek(self, key: str, cost: int = 1) -> Decision:
        """What :meth:`hit` would answer now, without consuming anything."""
        return self._decide(key, cost, False)

    def reset(self, key: str) -> None:
        """Forget everything about ``key`` (its full allowance is back)."""
        self._check_key(key)
        self.storage.clear(self._prefix + key)

    async def areset(self, key: str) -> None:
        """:meth:`reset` for async code (required by an async store)."""
        self._check_key(key)
        if isinstance(self.storage, AsyncStorage):
            await self.storage.aclear(self._prefix + key)
        else:
            self.storage.clear(self._prefix + key)

    def hit_or_raise(self, key: str, cost: int = 1) -> Decision:
        """:meth:`hit`, but a refusal raises :class:`RateLimitExceeded` carrying ``retry_after``."""
        decision = self.hit(key, cost)
        if not decision.allowed:
            raise RateLimitExceeded(decision.retry_after, decision.limit)
        return decision

    def allow(self, key: str, cost: int = 1) -> bool:
        """``hit(key, cost).allowed``: the short form the exercises use."""
        return self._decide(key, cost, True).allowed

    def retry_after(self, key: str, cost: int = 1) -> float:
        """Seconds until a request of ``cost`` would be allowed (0 when it would be now)."""
        return self._decide(key, cost, False).retry_after

    def wait(self, key: str, cost: int = 1, timeout: float | None = None) -> bool:
        """Block on the clock until admitted (True) or until ``timeout`` runs out (False).

        ``timeout=0`` tries once and never sleeps; ``None`` waits as long as it takes. It
        returns False as soon as the wait it would need is longer than the time left, rather
        than sleeping in vain. A ``cost`` above the limit raises ``ValueError`` at once.
        """
        limit = None if timeout is None else require_number(timeout, "timeout", minimum=0)
        self._check_cost(cost)
        deadline = None if limit is None else self.clock.now() + limit
        while True:
            decision = self.hit(key, cost)
            if decision.allowed:
                return True
            delay = max(decision.retry_after, 1e-6)
            if deadline is not None and self.clock.now() + delay > deadline + EPSILON:
                return False
            self.clock.sleep(delay)

    # --- internals ------------------------------------------------------------------
    def _decide(self, key: str, cost: int, consume: bool) -> Decision:
        self._check_cost(cost)
        self._check_key(key)
        try:
            return self.storage.decide(self, self._prefix + key, cost, consume)
        except StorageError as exc:
            return self._fallback(exc, cost)

    def _fallback(self, exc: StorageError, cost: int) -> Decision:
        if self.on_error == "raise":
            raise exc
        allowed = self.on_error == "allow"
        self._report_outage(exc, "allowed" if allowed else "denied")
        if allowed:
            return Decision(True, self.limit, self.limit - cost, 0.0, 0.0, fallback=True)
        wait = self._fallback_wait(cost)
        return Decision(False, self.limit, 0, wait, wait, fallback=True)

    def _report_outage(self, exc: StorageError, outcome: str) -> None:
        """Log the first failure at once, then one line per interval with how many failed since.

        An outage under load fails every request: one WARNING each would flood the log.
        """
        now = self.clock.now()
        with self._outage_lock:
            self._failures += 1
            if now < self._next_report:
                return
            failures, since = self._failures, self._last_report
            self._failures, self._last_report = 0, now
            self._next_report = now + self.outage_log_interval
        if failures == 1:
            logger.warning(
                "rate limit store failed (%s); on_error=%r so the request is %s",
                exc,
                self.on_error,
                outcome,
            )
        else:
            logger.warning(
                "rate limit store failed %d times in the last %g s (latest: %s); "
                "on_error=%r so those requests were %s",
                failures,
                now - since,
                exc,
                self.on_error,
                outcome,
            )

    def _check_cost(self, cost: object) -> int:
        return require_int(cost, "cost", minimum=1, maximum=self.limit)

    @staticmethod
    def _check_key(key: object) -> str:
        require_str(key, "key")
        if not key:
            raise ValueError("key must be a non-empty string")
        return key

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._signature().replace('/', ', ')}, "
            f"storage={type(self.storage).__name__})"
        )
