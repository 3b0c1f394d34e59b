"""What the database adds to the retry core: which errors are transient, and the default policy.

The policies, the state and the loops live in :mod:`tarento_lib.retry`; a connection manager only
has to say which failures mean "the database could not be reached right now".
"""

from __future__ import annotations

import asyncio

from tarento_lib.retry import RetryPolicy, stop_after_attempt, stop_after_delay, wait_full_jitter

__all__ = ["TRANSIENT_ERRORS", "TRANSIENT_SQLSTATES", "default_retry_policy", "is_transient"]


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
    """The SQLSTATE a driver attached to ``error`` (asyncpg: ``sqlstate``; SQLAlchemy: ``orig``)."""
    driver_error = getattr(error, "orig", None)
    for candidate in (error, driver_error, getattr(driver_error, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(error: BaseException) -> bool:
    """True for connection-level failures; False for bugs, constraint violations, a full pool."""
    from sqlalchemy import exc

    if isinstance(error, exc.TimeoutError):  # the pool already waited pool_timeout: don't repeat
        return False
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    code = _sqlstate(error)
    if code is not None and code.startswith(TRANSIENT_SQLSTATES):
        return True
    return isinstance(error, TRANSIENT_ERRORS)


def default_retry_policy() -> RetryPolicy:
    """3 attempts within 10 s, full-jitter backoff from 0.5 s up to 5 s, transient errors only."""
    return RetryPolicy(
        stop=stop_after_attempt(3) | stop_after_delay(10),
        wait=wait_full_jitter(initial=0.5, maximum=5),
        retry=is_transient,
    )
