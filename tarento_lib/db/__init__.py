"""Database connections that survive outages: pooling, retry with backoff and jitter, breakers,
failover.

Nothing is connected or built at import time; a :class:`ConnectionManager` creates its engines
when constructed and connects on the first session. The retry policies and loops are
:mod:`tarento_lib.retry`'s; this package adds which errors are transient (:func:`is_transient`).
"""

from tarento_lib.db.breaker import BreakerState, CircuitBreaker
from tarento_lib.db.errors import (
    CircuitOpenError,
    ConfigurationError,
    DatabaseUnavailable,
    InjectedFault,
)
from tarento_lib.db.faults import Faults
from tarento_lib.db.health import HealthReport, NodeHealth, health_router
from tarento_lib.db.manager import ConnectEvent, ConnectionManager
from tarento_lib.db.nodes import PoolOptions
from tarento_lib.db.retry import default_retry_policy, is_transient

__all__ = [
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
    "default_retry_policy",
    "health_router",
    "is_transient",
]
