"""The tus 1.0 endpoints, driven by tuspy (an independent client) and by raw requests."""

from __future__ import annotations

import base64
import hashlib
import random
from pathlib import Path

import httpx
import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from tarento_lib.uploads import LocalStorage, SQLiteSessionStore, UploadService

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> UploadService:
    root = tmp_path_factory.mktemp("tus")
    return UploadService(
        LocalStorage(root / "store"),
        SQLiteSessionStore(root / "s.db"),
        chunk_size=4096,
        max_size=1 << 24,
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "video.bin"
    path.write_bytes(random.Random(3).randbytes(50_000))
    return path


def _object(service: UploadService, url: str) -> bytes:
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    status = service.status(upload_id)
    assert status.state == "completed" and status.key is not None
    with service.storage.open(status.key) as handle:
        return handle.read()


def test_tuspy_uploads_a_file_with_checksums(
    server: str, service: UploadService, source: Path
) -> None:
    with open(source, "rb") as stream:  # tuspy leaves a file it opened itself unclosed
        uploader = tus_client.TusClient(f"{server}/files").uploader(
            file_stream=stream,
            chunk_size=7000,
            metadata={"filename": "video.bin"},
            upload_checksum=True,
        )
        uploader.upload()
    assert uploader.offset == 50_000
    assert _object(service, uploader.url) == source.read_bytes()
    assert service.status(uploader.url.rsplit("/", 1)[1]).filename == "video.bin"


def test_tuspy_resumes_an_interrupted_upload(
    server: str, service: UploadService, source: Path
) -> None:
    client = tus_client.TusClient(f"{server}/files")
    with open(source, "rb") as stream:
        first = client.uploader(
            file_stream=stream, chunk_size=5000, metadata={"filename": "video.bin"}
        )
        first.upload(stop_at=22_000)  # the last PATCH is cut short at 22,000 bytes
    assert first.offset == 22_000  # 5 whole chunks of 4096 + a 1,520-byte tail
    with open(source, "rb") as stream:
        second = client.uploader(file_stream=stream, url=first.url, chunk_size=9000)
        assert second.offset == 22_000  # asked the server with HEAD
        second.upload()
    assert _object(service, first.url) == source.read_bytes()


def test_options_advertises_version_extensions_and_algorithms(server: str) -> None:
    response = httpx.options(f"{server}/files")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert set(response.headers["tus-extension"].split(",")) == {
        "creation",
        "termination",
        "checksum",
    }
    assert "sha1" in response.headers["tus-checksum-algorithm"]


def _create(server: str, length: int = 10_000) -> str:
    response = httpx.post(
        f"{server}/files",
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": "filename " + base64.b64encode(b"x.bin").decode(),
        },
    )
    assert response.status_code == 201
    return f"{server}{response.headers['location']}"


def _patch(url: str, body: bytes, offset: int, **headers: str) -> httpx.Response:
    base = {**TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)}
    return httpx.patch(url, content=body, headers={**base, **headers})


def test_protocol_errors(server: str) -> None:
    url = _create(server)
    assert httpx.post(f"{server}/files", headers={"Upload-Length": "5"}).status_code == 412
    assert httpx.post(f"{server}/files", headers=TUS).status_code == 400
    assert httpx.post(f"{server}/files", headers={**TUS, "Upload-Length": "-3"}).status_code == 400
    assert (
        httpx.post(f"{server}/files", headers={**TUS, "Upload-Length": str(1 << 25)}).status_code
        == 413
    )
    assert (
        httpx.post(
            f"{server}/files",
            headers={**TUS, "Upload-Length": "5", "Upload-Metadata": "filename Li4vZXRj"},
        ).status_code
        == 400
    )  # '../etc'
    assert _patch(url, b"abc", 5).status_code == 409
    assert _patch(url, b"abc", 0, **{"Content-Type": "text/plain"}).status_code == 415
    assert _patch(url, b"abc", 0, **{"Upload-Checksum": "crc32 AAAA"}).status_code == 400
    bad_sum = "sha1 " + base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    assert _patch(url, b"abc", 0, **{"Upload-Checksum": bad_sum}).status_code == 460
    assert _patch(url, b"x" * 10_001, 0).status_code == 413
    assert httpx.head(url, headers=TUS).headers["upload-offset"] == "0"  # nothing was kept
    assert httpx.head(f"{server}/files/nope", headers=TUS).status_code == 404


def test_patches_of_any_size_and_termination(server: str, service: UploadService) -> None:
    data = random.Random(5).randbytes(10_000)
    url = _create(server)
    offset = 0
    for size in (1, 4094, 3000, 2000):
        good_sum = (
            "md5 " + base64.b64encode(hashlib.md5(data[offset : offset + size]).digest()).decode()
        )
        response = _patch(
            url, data[offset : offset + size], offset, **{"Upload-Checksum": good_sum}
        )
        assert response.status_code == 204
        offset += size
        assert int(response.headers["upload-offset"]) == offset
    head = httpx.head(url, headers=TUS)
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == ("9095", "10000")
    assert head.headers["cache-control"] == "no-store"
    assert httpx.delete(url, headers=TUS).status_code == 204
    assert httpx.head(url, headers=TUS).status_code == 410
    assert _patch(url, data[offset:], offset).status_code == 410
    assert service.storage.pending() == [] or all(  # other tests' uploads may still be open
        service.session(url.rsplit("/", 1)[1]).storage_ref != ref
        for ref in service.storage.pending()
    )


def test_tuspy_reports_a_server_refusal(server: str, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate((1 << 24) + 1)
    with open(big, "rb") as stream, pytest.raises(TusCommunicationError):
        tus_client.TusClient(f"{server}/files").uploader(
            file_stream=stream, chunk_size=1 << 20
        ).upload()


def test_the_tus_routes_do_not_import_the_json_api() -> None:
    """No import circle: both route modules lean on ``uploads.http``, neither on the other."""
    import subprocess
    import sys

    code = "import sys, tarento_lib.uploads.tus; print('tarento_lib.uploads.api' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "False"), result.stderr
