"""The backends every contract test runs on, and the markers that skip a real service when unset.

One table per kind of service, as ``pytest.param`` lists: the embedded default always runs; the
real service runs when the environment names it (``.ci/run`` does) and is skipped with a reason
otherwise. Each real-service parameter also carries its marker (``redis``, ``postgres``, ``s3``),
so ``pytest -m "not redis"`` deselects it. A single test that needs a service uses the marker and
the ``needs_*`` skip together::

    @pytest.mark.redis
    @needs_redis
    def test_on_the_real_server() -> None: ...
"""

from __future__ import annotations

import os

import pytest

__all__ = [
    "DATABASE_BACKENDS",
    "DATABASE_REPLICA_URLS",
    "DATABASE_URL",
    "PG_CTL",
    "POSTGRES",
    "REAL_S3",
    "REDIS_BACKENDS",
    "REDIS_URL",
    "S3_BACKENDS",
    "needs_postgres",
    "needs_redis",
    "needs_s3",
]

REDIS_URL = os.environ.get("TARENTO_REDIS_URL", "")
DATABASE_URL = os.environ.get("TARENTO_DATABASE_URL", "")
DATABASE_REPLICA_URLS = [
    url.strip() for url in os.environ.get("TARENTO_DATABASE_REPLICA_URLS", "").split(",") if url
]
PG_CTL = os.environ.get("TARENTO_PG_CTL", "")  # a command that stops/starts the real server
REAL_S3 = bool(os.environ.get("TARENTO_S3_ENDPOINT") and os.environ.get("TARENTO_S3_BUCKET"))

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TARENTO_REDIS_URL not set")
needs_postgres = pytest.mark.skipif(not DATABASE_URL, reason="TARENTO_DATABASE_URL not set")
needs_s3 = pytest.mark.skipif(not REAL_S3, reason="TARENTO_S3_ENDPOINT/TARENTO_S3_BUCKET not set")

# Redis-like stores: fakeredis (with Lua through lupa) always, the real server when set.
REDIS_BACKENDS = [
    pytest.param("fakeredis", id="fakeredis"),
    pytest.param("redis", id="redis", marks=[pytest.mark.redis, needs_redis]),
]

# SQL databases: SQLite always, PostgreSQL when set.
POSTGRES = pytest.param("postgres", id="postgres", marks=[pytest.mark.postgres, needs_postgres])
DATABASE_BACKENDS = [pytest.param("sqlite", id="sqlite"), POSTGRES]

# Object storage: a local directory always, moto's S3 server always, a real S3 API when set.
S3_BACKENDS = [
    pytest.param("local", id="local"),
    pytest.param("moto", id="moto-s3", marks=pytest.mark.s3),
    pytest.param("s3", id="real-s3", marks=[pytest.mark.s3, needs_s3]),
]
