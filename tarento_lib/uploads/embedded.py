"""Servers started from code on loopback: moto's S3 for tests and notebooks, and an ASGI app.

Nothing here runs at import; each helper is a context manager that starts its server on
``127.0.0.1`` and a free port, and stops it on exit.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tarento_lib.config import settings

__all__ = ["S3Endpoint", "free_port", "moto_s3", "s3_client", "s3_from_env", "serve_app"]

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def s3_client(
    endpoint_url: str | None,
    *,
    region: str = "us-east-1",
    credentials: tuple[str, str] | None = None,
) -> Any:
    """A boto3 S3 client (one per process, reused); path-style addressing for local servers."""
    import boto3
    from botocore.config import Config

    keys = (
        {"aws_access_key_id": credentials[0], "aws_secret_access_key": credentials[1]}
        if credentials
        else {}
    )
    config = Config(
        s3={"addressing_style": "path"},
        retries={"max_attempts": 3, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config, **keys)


@dataclass(frozen=True)
class S3Endpoint:
    """A running S3 API: its URL, a client for it, and the bucket to use."""

    url: str | None
    client: Any
    bucket: str


@contextmanager
def moto_s3(bucket: str = "tarento-uploads") -> Iterator[S3Endpoint]:
    """moto's S3 server in a thread on loopback; boto3 talks real HTTP to it. Stopped on exit."""
    from moto.server import ThreadedMotoServer

    werkzeug_log = logging.getLogger("werkzeug")  # moto's server logs every request on stderr
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        client = s3_client(url, credentials=("testing", "testing"))
        client.create_bucket(Bucket=bucket)
        yield S3Endpoint(url, client, bucket)
    finally:
        server.stop()
        werkzeug_log.setLevel(level)


def s3_from_env() -> S3Endpoint | None:
    """The real S3 (or MinIO) named by ``TARENTO_S3_ENDPOINT``
    / ``TARENTO_S3_BUCKET``, if both set.
    """
    env = settings()
    if not (env.s3_endpoint and env.s3_bucket):
        return None
    return S3Endpoint(env.s3_endpoint, s3_client(env.s3_endpoint), env.s3_bucket)


@contextmanager
def serve_app(app: Any, *, port: int | None = None) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on loopback; yield its base URL."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=LOOPBACK,
        port=port or free_port(),
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the upload server failed to start")
            threading.Event().wait(0.01)
        yield f"http://{LOOPBACK}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
