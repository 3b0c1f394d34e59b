"""One test per Q9 pitfall of the typical answer: tarento_lib does the right thing instead."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.uploads import (
    LocalStorage,
    S3Storage,
    SQLiteSessionStore,
    UploadClosed,
    UploadGone,
    UploadService,
    content_md5,
)
from tarento_lib.uploads.api import create_app
from tarento_lib.uploads.embedded import S3Endpoint, serve_app


@pytest.fixture
def s3_storage(moto_endpoint: S3Endpoint) -> S3Storage:
    import secrets

    bucket = f"pf-{secrets.token_hex(6)}"
    moto_endpoint.client.create_bucket(Bucket=bucket)
    return S3Storage(moto_endpoint.client, bucket)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    service = UploadService(
        LocalStorage(tmp_path / "store"),
        SQLiteSessionStore(tmp_path / "s.db"),
        chunk_size=1024,
        max_size=1 << 20,
    )
    with serve_app(create_app(service)) as url:
        yield url


def test_q9_1_imports_without_aiofiles_and_initiate_returns_an_id(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        sys.modules["aiofiles"] = None  # any import of it now fails
        from tarento_lib.uploads import LocalStorage, SQLiteSessionStore, UploadService
        service = UploadService(LocalStorage({str(tmp_path)!r}), SQLiteSessionStore())
        print(len(service.initiate("a.txt", 5).upload_id))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "32"


@pytest.mark.s3
def test_q9_2_parts_go_to_s3_with_base64_content_md5(s3_storage: S3Storage) -> None:
    sent: list[str] = []
    events = s3_storage.client.meta.events

    def record(request: Any, **_: Any) -> None:
        sent.append(request.headers["Content-MD5"])

    events.register("before-send.s3.UploadPart", record)
    try:
        service = UploadService(s3_storage, SQLiteSessionStore(), chunk_size=1)
        uid = service.initiate("a.bin", 10).upload_id
        service.put_chunk(uid, 0, b"0123456789")
    finally:
        events.unregister("before-send.s3.UploadPart", record)
    value = sent[0].decode() if isinstance(sent[0], bytes) else sent[0]
    assert len(value) == 24 and base64.b64decode(value) == hashlib.md5(b"0123456789").digest()


def test_q9_3_correct_base64_content_md5_accepted_and_wrong_one_400(server: str) -> None:
    uid = httpx.post(f"{server}/uploads", json={"filename": "a", "size": 10}).json()["upload_id"]
    wrong = httpx.put(
        f"{server}/uploads/{uid}/chunks/0",
        content=b"0123456789",
        headers={"Content-MD5": content_md5(b"x")},
    )
    assert wrong.status_code == 400
    right = httpx.put(
        f"{server}/uploads/{uid}/chunks/0",
        content=b"0123456789",
        headers={"Content-MD5": content_md5(b"0123456789")},
    )
    assert right.status_code == 200


@pytest.mark.s3
def test_q9_4_wrong_chunk_lengths_are_refused_before_reaching_s3(s3_storage: S3Storage) -> None:
    service = UploadService(s3_storage, SQLiteSessionStore(), chunk_size=1)
    status = service.initiate("a.bin", 10 * 1024 * 1024)
    assert (
        status.chunk_size == 5 * 1024 * 1024 and status.total_chunks == 2
    )  # raised to S3's minimum part
    for index in (0, 1):
        with pytest.raises(ValueError, match="exactly 5242880 bytes"):
            service.put_chunk(status.upload_id, index, b"x" * 100)
    assert s3_storage.list_parts(service.session(status.upload_id).storage_ref) == {}


def test_q9_5_an_empty_file_has_no_chunks_and_completes_a_negative_size_is_refused(
    server: str,
) -> None:
    empty = httpx.post(f"{server}/uploads", json={"filename": "a", "size": 0}).json()
    assert (empty["total_chunks"], empty["missing"], empty["received_bytes"]) == (0, [], 0)
    done = httpx.post(f"{server}/uploads/{empty['upload_id']}/complete").json()
    assert done["state"] == "completed"
    response = httpx.post(f"{server}/uploads", json={"filename": "a", "size": -5})
    assert response.status_code == 400 and "size must be an int >= 0" in response.text


def test_q9_6_unknown_id_is_404_and_bad_chunk_number_400(server: str) -> None:
    assert httpx.put(f"{server}/uploads/no-such-id/chunks/1", content=b"x").status_code == 404
    uid = httpx.post(f"{server}/uploads", json={"filename": "a", "size": 10}).json()["upload_id"]
    assert httpx.put(f"{server}/uploads/{uid}/chunks/7", content=b"x").status_code == 400


@pytest.mark.s3
def test_q9_7_one_long_lived_s3_client(
    s3_storage: S3Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    def no_new_clients(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a new S3 client was built during an upload")

    monkeypatch.setattr(boto3, "client", no_new_clients)
    monkeypatch.setattr(boto3.session.Session, "client", no_new_clients)
    service = UploadService(s3_storage, SQLiteSessionStore(), chunk_size=1)
    uid = service.initiate("a.bin", 10, sha256=hashlib.sha256(b"0123456789").hexdigest()).upload_id
    service.put_chunk(uid, 0, b"0123456789")
    service.status(uid)
    assert service.complete(uid).state == "completed"


@pytest.mark.s3
def test_q9_8_sessions_are_shared_expire_and_abort_their_s3_uploads(
    s3_storage: S3Storage, tmp_path: Path
) -> None:
    clock = FakeClock(start=1_700_000_000.0)
    worker_a = UploadService(
        s3_storage, SQLiteSessionStore(tmp_path / "s.db"), chunk_size=1, ttl=86_400, clock=clock
    )
    worker_b = UploadService(
        s3_storage, SQLiteSessionStore(tmp_path / "s.db"), chunk_size=1, ttl=86_400, clock=clock
    )
    uid = worker_a.initiate("a.bin", 10).upload_id
    worker_b.put_chunk(uid, 0, b"0123456789")  # another worker knows the session
    assert worker_a.status(uid).received == [0]
    clock.advance(3 * 86_400)
    with pytest.raises(UploadGone, match="expired"):
        worker_a.put_chunk(uid, 0, b"0123456789")
    assert (
        s3_storage.client.list_multipart_uploads(Bucket=s3_storage.bucket).get("Uploads", []) == []
    )


@pytest.mark.s3
def test_q9_9_delete_or_complete_after_completion_is_never_500(s3_storage: S3Storage) -> None:
    service = UploadService(s3_storage, SQLiteSessionStore(), chunk_size=1)
    with serve_app(create_app(service)) as url:
        uid = httpx.post(f"{url}/uploads", json={"filename": "a", "size": 10}).json()["upload_id"]
        httpx.put(f"{url}/uploads/{uid}/chunks/0", content=b"0123456789")
        assert httpx.post(f"{url}/uploads/{uid}/complete").status_code == 200
        assert httpx.post(f"{url}/uploads/{uid}/complete").status_code == 200
        deleted = httpx.delete(f"{url}/uploads/{uid}")
        assert deleted.status_code == 409 and deleted.json()["detail"]["error"] == "upload_closed"
    with pytest.raises(UploadClosed):
        service.abort(uid)


def test_q9_10_storage_root_is_created_with_its_parents(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b" / "c"
    LocalStorage(root)
    assert (root / "objects").is_dir() and (root / ".staging").is_dir()


def test_abort_of_an_expired_upload_is_harmless(tmp_path: Path) -> None:
    clock = FakeClock(start=1_700_000_000.0)
    service = UploadService(
        LocalStorage(tmp_path), SQLiteSessionStore(), chunk_size=4, ttl=10, clock=clock
    )
    uid = service.initiate("a.bin", 10).upload_id
    clock.advance(11)
    assert service.expire_stale() == [uid]
    service.abort(uid)
    with pytest.raises(UploadGone):
        service.complete(uid)
