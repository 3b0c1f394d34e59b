"""The few exceptions of :mod:`tarento_lib.ratelimit`."""

from __future__ import annotations

from tarento_lib.config import ConfigurationError

__all__ = ["ConfigurationError", "RateLimitExceeded", "StorageError"]


class StorageError(RuntimeError):
    """The backing store could not be reached or answered nonsense; wraps the driver's error."""


class RateLimitExceeded(Exception):
    """Raised by callers that prefer an exception to a denied :class:`Decision`."""

    def __init__(self, retry_after: float, limit: int) -> None:
        super().__init__(f"rate limit of {limit} exceeded; retry after {retry_after:.3f} s")
        self.retry_after = retry_after
        self.limit = limit
