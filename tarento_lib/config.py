"""Shared configuration: the ``TARENTO_*`` variables, one error, one engine factory.

Every environment variable the library or its tests read is named here, once. They are read
when :func:`settings` is called, never at import, so a test that sets one with ``monkeypatch``
and a notebook kernel started with ``tarento-lab --real`` both see what is set *now*. A blank
value counts as unset.

:func:`async_engine` builds every SQLAlchemy ``AsyncEngine`` of the library from a URL with the
same rules everywhere: ``sqlite+aiosqlite://`` (in memory, or a file) or
``postgresql+asyncpg://``; each package passes its own pool options.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tarento_lib._validate import require_bool, require_int, require_number

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "AUTH_AUDIENCE",
    "AUTH_SECRET",
    "CHROMIUM",
    "DATABASE_REPLICA_URLS",
    "DATABASE_URL",
    "DATABASE_URL_SCHEMES",
    "ENVIRONMENT",
    "ENVIRONMENTS",
    "PG_CTL",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ENDPOINT",
    "SERVICE_VARIABLES",
    "ConfigurationError",
    "Settings",
    "async_engine",
    "is_in_memory",
    "parse_database_url",
    "settings",
]

REDIS_URL = "TARENTO_REDIS_URL"
"""A real Redis (``redis://host:6379/0``) instead of fakeredis."""
DATABASE_URL = "TARENTO_DATABASE_URL"
"""A real PostgreSQL (``postgresql+asyncpg://user@host/db``) instead of SQLite."""
DATABASE_REPLICA_URLS = "TARENTO_DATABASE_REPLICA_URLS"
"""Comma-separated read replicas of ``TARENTO_DATABASE_URL`` (the connection-manager lesson)."""
S3_ENDPOINT = "TARENTO_S3_ENDPOINT"
"""A real S3 API (AWS, MinIO) for the upload tests; needs ``TARENTO_S3_BUCKET`` too."""
S3_BUCKET = "TARENTO_S3_BUCKET"
"""The bucket on ``TARENTO_S3_ENDPOINT``."""
PG_CTL = "TARENTO_PG_CTL"
"""Tests only: a ``pg_ctl -D … -w`` prefix that lets the outage test stop and start PostgreSQL."""
CHROMIUM = "TARENTO_CHROMIUM"
"""Tests only: the Chromium binary of the browser tests."""
AUTH_SECRET = "TARENTO_AUTH_SECRET"
"""The key that signs and checks API tokens (32 bytes or more); unset: the public dev key."""
AUTH_AUDIENCE = "TARENTO_AUTH_AUDIENCE"
"""The ``aud`` claim a token must carry to be accepted (default ``tarento-lab``)."""
ENVIRONMENT = "TARENTO_ENV"
"""``development`` (the default) or ``production``, where development credentials are refused."""

ENVIRONMENTS = ("development", "production")
"""The values ``TARENTO_ENV`` may take; anything else is a :class:`ConfigurationError`."""

SERVICE_VARIABLES = (REDIS_URL, DATABASE_URL, DATABASE_REPLICA_URLS, S3_ENDPOINT, S3_BUCKET)
"""The switches to real services: ``tarento-lab`` removes them unless given ``--real``."""

DATABASE_URL_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
"""The async drivers :func:`async_engine` accepts."""


class ConfigurationError(ValueError):
    """A URL, variable or option the library cannot work with; the message says what is allowed.

    Each package's own ``ConfigurationError`` derives from this one, so
    ``except tarento_lib.config.ConfigurationError`` catches them all.
    """


@dataclass(frozen=True)
class Settings:
    """The ``TARENTO_*`` variables as read at one moment (``None`` or ``()`` when unset)."""

    redis_url: str | None = None
    database_url: str | None = None
    database_replica_urls: tuple[str, ...] = ()
    s3_endpoint: str | None = None
    s3_bucket: str | None = None
    pg_ctl: str | None = None
    chromium: str | None = None
    auth_secret: str | None = field(default=None, repr=False)
    auth_audience: str | None = None
    environment: str = "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the variables from ``environ`` (default: ``os.environ``, now)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(name, "").strip() or None

        replicas = env.get(DATABASE_REPLICA_URLS, "")
        return cls(
            redis_url=get(REDIS_URL),
            database_url=get(DATABASE_URL),
            database_replica_urls=tuple(u.strip() for u in replicas.split(",") if u.strip()),
            s3_endpoint=get(S3_ENDPOINT),
            s3_bucket=get(S3_BUCKET),
            pg_ctl=get(PG_CTL),
            chromium=get(CHROMIUM),
            auth_secret=get(AUTH_SECRET),
            auth_audience=get(AUTH_AUDIENCE),
            environment=get(ENVIRONMENT) or "development",
        )

    @property
    def production(self) -> bool:
        """Whether ``TARENTO_ENV`` says production; a value that is neither name is refused.

        A typo such as ``prod`` must not quietly mean development.
        """
        choices = " or ".join(ENVIRONMENTS)
        if self.environment not in ENVIRONMENTS:
            raise ConfigurationError(f"{ENVIRONMENT} must be {choices}, got {self.environment!r}")
        return self.environment == "production"

    @property
    def real_s3(self) -> bool:
        """Whether both S3 variables are set (one without the other means the embedded store)."""
        return bool(self.s3_endpoint and self.s3_bucket)


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The ``TARENTO_*`` variables of this process as they are set right now."""
    return Settings.from_env(environ)


def parse_database_url(url: str | URL) -> URL:
    """``url`` parsed, if it names an async driver we support; else a :class:`ConfigurationError`.

    The message never repeats the URL itself: it may carry a password.
    """
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    if not isinstance(url, (str, URL)):
        raise TypeError(f"database URL must be a str or sqlalchemy URL, got {type(url).__name__}")
    allowed = " or ".join(f"{scheme}://..." for scheme in DATABASE_URL_SCHEMES)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigurationError(
            f"database URL must be {allowed}, got text that is not a URL"
        ) from None
    if parsed.drivername not in DATABASE_URL_SCHEMES:
        raise ConfigurationError(f"database URL must be {allowed}, got {parsed.drivername}://...")
    return parsed


def is_in_memory(url: URL) -> bool:
    """Whether ``url`` is in-memory SQLite (``sqlite+aiosqlite://`` or ``...:///:memory:``)."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def async_engine(
    url: str | URL,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    pool_recycle: float = -1,
    pool_pre_ping: bool = False,
    **options: Any,
) -> AsyncEngine:
    """An ``AsyncEngine`` on ``url`` with an asyncio queue pool of the given options.

    In-memory SQLite is one database per connection, so there the pool is exactly one
    connection, kept for the engine's lifetime (the size, overflow and recycle options are
    ignored): every session sees the same data, and concurrent sessions take turns. Other
    ``options`` (``echo``, ``connect_args``, ...) go to ``create_async_engine``.
    """
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import AsyncAdaptedQueuePool

    parsed = parse_database_url(url)
    pool = {
        "pool_size": require_int(pool_size, "pool_size", minimum=1),
        "max_overflow": require_int(max_overflow, "max_overflow", minimum=0),
        "pool_timeout": require_number(pool_timeout, "pool_timeout", minimum=0),
        "pool_recycle": require_number(pool_recycle, "pool_recycle", minimum=-1),
        "pool_pre_ping": require_bool(pool_pre_ping, "pool_pre_ping"),
    }
    if is_in_memory(parsed):
        pool.update(pool_size=1, max_overflow=0, pool_recycle=-1)
    return create_async_engine(parsed, poolclass=AsyncAdaptedQueuePool, **pool, **options)
