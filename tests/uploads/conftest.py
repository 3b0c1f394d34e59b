"""Fixtures for the upload tests: storage backends (local, moto's S3 server, a real S3 when set)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tarento_lib.uploads import LocalStorage, S3Storage, SQLiteSessionStore, UploadService
from tarento_lib.uploads.api import create_app
from tarento_lib.uploads.embedded import S3Endpoint, moto_s3, s3_from_env, serve_app
from tests.backends import S3_BACKENDS


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[S3Endpoint]:
    """One moto S3 server per test process; every test uses its own bucket."""
    with moto_s3(bucket=f"tarento-{secrets.token_hex(4)}") as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def server(service: UploadService) -> Iterator[str]:
    """One real uvicorn server on loopback per module, over the module's own ``service`` fixture."""
    with serve_app(create_app(service)) as url:
        yield url


def _bucket(endpoint: S3Endpoint) -> str:
    # moto's state is per process: a fresh bucket isolates each test
    name = f"t-{secrets.token_hex(6)}"
    endpoint.client.create_bucket(Bucket=name)
    return name


def _ensure_bucket(endpoint: S3Endpoint) -> None:
    """Create the configured bucket on first use (a fresh MinIO or moto server has none)."""
    try:
        endpoint.client.head_bucket(Bucket=endpoint.bucket)
    except ClientError:  # 404: not there yet
        endpoint.client.create_bucket(Bucket=endpoint.bucket)


@pytest.fixture(params=S3_BACKENDS)
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Any]:
    """A factory of storages that all see the same data (as a restarted server would)."""
    if request.param == "local":
        return lambda: LocalStorage(tmp_path / "store")
    if request.param == "moto":
        endpoint = request.getfixturevalue("moto_endpoint")
        bucket = _bucket(endpoint)
        return lambda: S3Storage(endpoint.client, bucket)
    endpoint = s3_from_env()
    assert endpoint is not None
    _ensure_bucket(endpoint)
    prefix = f"tarento-tests/{secrets.token_hex(6)}/"
    return lambda: S3Storage(endpoint.client, endpoint.bucket, prefix=prefix)


@pytest.fixture
def make_service(make_storage: Callable[[], Any], tmp_path: Path) -> Callable[..., UploadService]:
    """A factory of services over the same storage and the same SQLite file (a 'restart')."""
    db = tmp_path / "sessions.db"

    def build(**options: Any) -> UploadService:
        options.setdefault("chunk_size", 1024)
        options.setdefault("max_size", 64 * 1024 * 1024)
        return UploadService(make_storage(), SQLiteSessionStore(db), **options)

    return build


@pytest.fixture
def local_service(tmp_path: Path) -> UploadService:
    return UploadService(
        LocalStorage(tmp_path / "store"),
        SQLiteSessionStore(tmp_path / "s.db"),
        chunk_size=1024,
        max_size=1 << 20,
    )


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]
