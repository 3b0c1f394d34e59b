"""Database connections that survive outages: pooling, retry with backoff and jitter, breakers,
failover.

Nothing is connected or built at import time; a :class:`ConnectionManager` creates its engines
when constructed and connects on the first session.
"""

from tarento_lib.db.breaker import BreakerState, CircuitBreaker
from tarento_lib.db.errors import (
    CircuitOpenError,
    ConfigurationError,
    DatabaseUnavailable,
    InjectedFault,
    RetryError,
)
from tarento_lib.db.faults import Faults
from tarento_lib.db.health import HealthReport, NodeHealth, health_router
from tarento_lib.db.manager import ConnectEvent, ConnectionManager, default_retry_policy
from tarento_lib.db.nodes import PoolOptions
from tarento_lib.db.retry import (
    RetryPolicy,
    RetryState,
    StopPolicy,
    WaitPolicy,
    is_transient,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    stop_never,
    wait_exponential,
    wait_fixed,
    wait_full_jitter,
    wait_none,
    wait_random,
)
from tarento_lib.db.retrying import Attempt, aretry_call, retry_call

__all__ = [
    "Attempt",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "ConfigurationError",
    "ConnectEvent",
    "ConnectionManager",
    "DatabaseUnavailable",
    "Faults",
    "HealthReport",
    "InjectedFault",
    "NodeHealth",
    "PoolOptions",
    "RetryError",
    "RetryPolicy",
    "RetryState",
    "StopPolicy",
    "WaitPolicy",
    "aretry_call",
    "default_retry_policy",
    "health_router",
    "is_transient",
    "retry_call",
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
