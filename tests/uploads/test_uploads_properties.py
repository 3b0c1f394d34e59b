"""Hypothesis: any order of chunks, duplicates, bad digests, crashes and restarts
still gives a byte-identical object, on local storage and on moto's S3 server."""

from __future__ import annotations

import hashlib
import random
import secrets
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarento_lib.uploads import (
    ChecksumMismatch,
    ChunkConflict,
    LocalStorage,
    S3Storage,
    SQLiteSessionStore,
    UploadService,
    content_md5,
)
from tarento_lib.uploads.checksums import digest_of
from tarento_lib.uploads.embedded import S3Endpoint

OPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "put", "put", "bad_md5", "conflict", "crash", "restart", "status"]),
        st.integers(0, 3),
    ),
    max_size=14,
)


def _run_program(make: Any, chunks: int, ops: list[tuple[str, int]], seed: int) -> None:
    service = make()
    chunk = max(service.chunk_size, service.storage.min_part_size)
    data = random.Random(seed).randbytes((chunks - 1) * chunk + 1 + seed % chunk)
    uid = service.initiate("f.bin", len(data), sha256=hashlib.sha256(data).hexdigest()).upload_id

    def piece(i: int) -> bytes:
        return data[i * chunk : (i + 1) * chunk]

    for op, raw in ops:
        index = raw % chunks
        if op == "put":
            service.put_chunk(uid, index, piece(index), content_md5(piece(index)))
        elif op == "bad_md5":
            before = service.status(uid).received
            with pytest.raises(ChecksumMismatch):
                service.put_chunk(uid, index, piece(index), content_md5(piece(index) + b"!"))
            assert service.status(uid).received == before
        elif op == "conflict" and index in service.session(uid).parts:
            with pytest.raises(ChunkConflict):
                flipped = piece(index)[:-1] + bytes([piece(index)[-1] ^ 1])
                service.put_chunk(uid, index, flipped)
        elif op == "crash":  # the part reached storage, the process died before recording it
            digest = digest_of(service.storage.part_checksum, piece(index))
            service.storage.write_part(
                service.session(uid).storage_ref, index, piece(index), digest, offset=index * chunk
            )
        elif op == "restart":
            service = make()
        elif op == "status":
            status = service.status(uid)
            assert sorted(status.received + status.missing) == list(range(chunks))
    for index in service.status(uid).missing:
        service.put_chunk(uid, index, piece(index))
    key = service.complete(uid).key
    assert key is not None
    with service.storage.open(key) as handle:
        assert handle.read() == data
    assert service.storage.pending() == []


@settings(max_examples=30, deadline=None)
@given(chunks=st.integers(1, 4), ops=OPS, seed=st.integers(0, 2**16))
def test_local_storage_always_yields_the_same_bytes(
    chunks: int, ops: list[tuple[str, int]], seed: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def make() -> UploadService:
            return UploadService(
                LocalStorage(root / "store"),
                SQLiteSessionStore(root / "s.db"),
                chunk_size=64,
                max_size=1 << 20,
            )

        _run_program(make, chunks, ops, seed)


@pytest.mark.s3
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunks=st.integers(1, 3), ops=OPS, seed=st.integers(0, 2**16))
def test_moto_s3_always_yields_the_same_bytes(
    moto_endpoint: S3Endpoint, chunks: int, ops: list[tuple[str, int]], seed: int
) -> None:
    bucket = f"p-{secrets.token_hex(6)}"
    moto_endpoint.client.create_bucket(Bucket=bucket)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.db"

        def make() -> UploadService:
            return UploadService(
                S3Storage(moto_endpoint.client, bucket),
                SQLiteSessionStore(db),
                chunk_size=64,
                max_size=1 << 30,
            )

        _run_program(make, chunks, ops, seed)
