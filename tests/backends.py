"""The backends every contract test runs on, and the markers that skip a real service when unset.

One table per kind of service, as ``pytest.param`` lists: the embedded default always runs;
the real service runs when its ``TARENTO_*`` variable is set (``.ci/run`` sets them;
``tarento_lib.config`` names and reads them) and is skipped with a reason otherwise. Each
real-service parameter also carries its marker (``redis``, ``postgres``, ``s3``), so
``pytest -m "not redis"`` deselects it. A single test that needs a service uses the marker and
the ``needs_*`` skip together::

    @pytest.mark.redis
    @needs_redis
    def test_on_the_real_server() -> None: ...
"""

from __future__ import annotations

import pytest

from tarento_lib import config

_SET = config.settings()  # read once, at collection: which real services this run has
REDIS_URL = _SET.redis_url or ""
DATABASE_URL = _SET.database_url or ""
DATABASE_REPLICA_URLS = list(_SET.database_replica_urls)
PG_CTL = _SET.pg_ctl or ""  # a command prefix that stops and starts the real server
REAL_S3 = _SET.real_s3

needs_redis = pytest.mark.skipif(not REDIS_URL, reason=f"{config.REDIS_URL} not set")
needs_postgres = pytest.mark.skipif(not DATABASE_URL, reason=f"{config.DATABASE_URL} not set")
needs_pg_ctl = pytest.mark.skipif(not PG_CTL, reason=f"{config.PG_CTL} not set")
needs_s3 = pytest.mark.skipif(
    not REAL_S3, reason=f"{config.S3_ENDPOINT}/{config.S3_BUCKET} not set"
)

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
