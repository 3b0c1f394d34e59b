"""The few exceptions of :mod:`tarento_lib.db`, each carrying what a caller needs to act on it."""

from __future__ import annotations

from tarento_lib.config import ConfigurationError
from tarento_lib.retry import RetryError

__all__ = [
    "CircuitOpenError",
    "ConfigurationError",
    "DatabaseUnavailable",
    "InjectedFault",
]


class DatabaseUnavailable(RetryError):
    """No node could give a connection for this kind of session within the retry policy."""


class CircuitOpenError(ConnectionError):
    """A node's circuit breaker is open: the attempt failed fast, without touching the network."""

    def __init__(self, node: str, retry_after: float) -> None:
        super().__init__(f"circuit of {node!r} is open; next trial in {retry_after:.3g} s")
        self.node = node
        self.retry_after = retry_after


class InjectedFault(ConnectionRefusedError):
    """A connection attempt failed on purpose (fault injection for lessons and tests)."""

    def __init__(self, node: str, reason: str) -> None:
        super().__init__(f"injected fault on {node!r}: {reason}")
        self.node = node
        self.reason = reason
