"""The JSON API: every client mistake is a 4xx with a JSON body, and the resuming client."""

from __future__ import annotations

import hashlib
import random
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tarento_lib.uploads import (
    LocalStorage,
    S3Storage,
    SQLiteSessionStore,
    UploadService,
    content_md5,
    errors,
)
from tarento_lib.uploads.api import create_app
from tarento_lib.uploads.checksums import upload_checksum
from tarento_lib.uploads.client import UploadInterrupted, upload_file
from tarento_lib.uploads.embedded import S3Endpoint, serve_app
from tarento_lib.uploads.faults import CutConnection


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> UploadService:
    root = tmp_path_factory.mktemp("uploads")
    return UploadService(
        LocalStorage(root / "store"),
        SQLiteSessionStore(root / "s.db"),
        chunk_size=1024,
        max_size=1 << 20,
    )


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture
def BASE(server: str) -> str:
    return server


def flaky_client(
    server: str, cut_at: set[int], *, after_send: bool = False, mid_body: bool = False
) -> tuple[httpx.Client, CutConnection]:
    cut = CutConnection(httpx.HTTPTransport(), cut_at, after_send=after_send, mid_body=mid_body)
    return httpx.Client(base_url=server, transport=cut, timeout=30), cut


def initiate(http: httpx.Client, size: int = 2500, **extra: object) -> dict:
    response = http.post("/uploads", json={"filename": "a.bin", "size": size, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return str(response.json()["detail"])


@pytest.mark.parametrize(
    "body, status",
    [
        ({"filename": "../../etc/passwd", "size": 5}, 400),
        ({"filename": "/etc/passwd", "size": 5}, 400),
        ({"filename": "a\u0000b", "size": 5}, 400),
        ({"filename": "a.bin", "size": True}, 422),
        ({"filename": "a.bin", "size": -5}, 400),
        ({"filename": "a.bin", "size": (1 << 20) + 1}, 413),
        ({"filename": "a.bin", "size": "lots"}, 422),
        ({"filename": "a.bin"}, 422),
        ({"filename": "a.bin", "size": 5, "sha256": "xyz"}, 400),
    ],
)
def test_bad_initiate_requests_get_4xx_json(http: httpx.Client, body: dict, status: int) -> None:
    error(http.post("/uploads", json=body), status)


def test_bad_chunks_get_4xx_json(http: httpx.Client) -> None:
    uid = initiate(http)["upload_id"]
    good = b"a" * 1024
    error(http.put("/uploads/no-such-id/chunks/0", content=good), 404)
    error(http.put(f"/uploads/{uid}/chunks/3", content=good), 400)
    error(http.put(f"/uploads/{uid}/chunks/-1", content=good), 400)
    error(http.put(f"/uploads/{uid}/chunks/abc", content=good), 422)
    error(http.put(f"/uploads/{uid}/chunks/0", content=good[:-1]), 400)
    error(http.put(f"/uploads/{uid}/chunks/0", content=good + b"x"), 413)
    error(
        http.put(
            f"/uploads/{uid}/chunks/0", content=good, headers={"Content-MD5": content_md5(b"x")}
        ),
        400,
    )
    error(
        http.put(
            f"/uploads/{uid}/chunks/0",
            content=good,
            headers={"Content-MD5": hashlib.md5(good).hexdigest()},
        ),
        400,
    )
    assert http.get(f"/uploads/{uid}").json()["missing"] == [0, 1, 2]


def test_correct_base64_content_md5_is_accepted(http: httpx.Client) -> None:
    uid = initiate(http)["upload_id"]
    data = b"b" * 1024
    response = http.put(
        f"/uploads/{uid}/chunks/1", content=data, headers={"Content-MD5": content_md5(data)}
    )
    assert response.status_code == 200 and response.json()["received"] == [1]
    assert (
        http.put(f"/uploads/{uid}/chunks/1", content=data).status_code == 200
    )  # same bytes again: no-op
    error(http.put(f"/uploads/{uid}/chunks/1", content=b"c" * 1024), 409)


def test_upload_checksum_header_is_checked_before_a_chunk_counts(http: httpx.Client) -> None:
    uid = initiate(http)["upload_id"]
    data = b"d" * 1024
    error(
        http.put(
            f"/uploads/{uid}/chunks/0",
            content=data,
            headers={"Upload-Checksum": upload_checksum("crc32c", b"x")},
        ),
        400,
    )
    error(
        http.put(
            f"/uploads/{uid}/chunks/0",
            content=data,
            headers={"Upload-Checksum": "crc32c not-base64"},
        ),
        400,
    )
    error(
        http.put(
            f"/uploads/{uid}/chunks/0",
            content=data,
            headers={"Upload-Checksum": "adler32 AAAAAA=="},
        ),
        400,
    )
    assert http.get(f"/uploads/{uid}").json()["missing"] == [0, 1, 2]
    streamed = iter([data[:100], data[100:]])  # a streamed body, as our client sends it
    response = http.put(
        f"/uploads/{uid}/chunks/0",
        content=streamed,
        headers={"Upload-Checksum": upload_checksum("crc32c", data), "Content-Length": "1024"},
    )
    assert response.status_code == 200 and response.json()["received"] == [0]


def test_a_body_cut_off_mid_chunk_never_counts_and_frees_the_chunk(
    BASE: str, http: httpx.Client
) -> None:
    uid = initiate(http)["upload_id"]
    host, port = BASE.removeprefix("http://").split(":")
    with socket.create_connection(
        (host, int(port))
    ) as raw:  # 100 of the 1024 bytes promised, then gone
        raw.sendall(
            f"PUT /uploads/{uid}/chunks/0 HTTP/1.1\r\nHost: x\r\nContent-Length: "
            "1024\r\n\r\n".encode()
            + b"x" * 100
        )
    assert http.get(f"/uploads/{uid}").json()["missing"] == [0, 1, 2]
    data = b"e" * 1024  # the retry waits, if at all, only until the server has seen the cut
    response = http.put(
        f"/uploads/{uid}/chunks/0",
        content=data,
        headers={"Upload-Checksum": upload_checksum("crc32c", data)},
    )
    assert response.status_code == 200 and response.json()["received"] == [0]


def test_lifecycle_errors_are_4xx_never_500(http: httpx.Client) -> None:
    uid = initiate(http, size=1500)["upload_id"]
    http.put(f"/uploads/{uid}/chunks/0", content=b"x" * 1024)
    error(http.post(f"/uploads/{uid}/complete"), 409)  # chunk 1 missing
    http.put(f"/uploads/{uid}/chunks/1", content=b"y" * 476)
    done = http.post(f"/uploads/{uid}/complete")
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert http.post(f"/uploads/{uid}/complete").json() == done.json()  # idempotent
    error(http.delete(f"/uploads/{uid}"), 409)
    error(http.put(f"/uploads/{uid}/chunks/0", content=b"x" * 1024), 409)
    other = initiate(http)["upload_id"]
    assert http.delete(f"/uploads/{other}").status_code == 204
    error(http.put(f"/uploads/{other}/chunks/0", content=b"x" * 1024), 410)
    error(http.post(f"/uploads/{other}/complete"), 410)
    error(http.get("/uploads/nope"), 404)
    error(http.delete("/uploads/nope"), 404)
    error(http.post("/uploads/nope/complete"), 404)


def test_status_of_a_fresh_upload_never_divides_by_zero(http: httpx.Client) -> None:
    status = initiate(http, size=1)
    assert (status["total_chunks"], status["missing"], status["received_bytes"]) == (1, [0], 0)


def _file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def test_client_uploads_and_the_server_verifies_the_checksum(
    BASE: str, http: httpx.Client, service: UploadService, tmp_path: Path
) -> None:
    path = _file(tmp_path, 10_000)
    sent: list[str] = []
    http.event_hooks["request"] = [
        lambda request: sent.append(request.headers.get("upload-checksum", ""))
    ]
    report = upload_file(path, BASE, client=http, state_dir=tmp_path / "state", progress=False)
    assert (report.chunks_sent, report.bytes_sent, report.resumed) == (10, 10_000, False)
    chunks = [path.read_bytes()[i : i + 1024] for i in range(0, 10_000, 1024)]
    assert [h for h in sent if h] == [upload_checksum("crc32c", chunk) for chunk in chunks]
    with service.storage.open(report.key) as handle:
        assert handle.read() == path.read_bytes()
    assert service.session(report.upload_id).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_client_resumes_after_a_cut_connection_sending_only_missing_chunks(
    BASE: str, http: httpx.Client, service: UploadService, tmp_path: Path
) -> None:
    path = _file(tmp_path, 10_000)
    flaky, _ = flaky_client(BASE, {4})
    with flaky, pytest.raises(UploadInterrupted) as stopped:
        upload_file(
            path, BASE, client=flaky, state_dir=tmp_path / "state", progress=False, max_retries=0
        )
    assert service.status(stopped.value.upload_id).received == [0, 1, 2]
    report = upload_file(path, BASE, client=http, state_dir=tmp_path / "state", progress=False)
    assert report.resumed and report.upload_id == stopped.value.upload_id
    assert (report.chunks_sent, report.bytes_sent) == (7, 10_000 - 3 * 1024)
    with service.storage.open(report.key) as handle:
        assert handle.read() == path.read_bytes()


@pytest.mark.parametrize("after_send, resent", [(False, 0), (True, 0)])
def test_client_retries_within_one_call(
    BASE: str, http: httpx.Client, tmp_path: Path, after_send: bool, resent: int
) -> None:
    path = _file(tmp_path, 10_000)
    flaky, cut = flaky_client(BASE, {2, 5}, after_send=after_send)
    with flaky:
        report = upload_file(path, BASE, client=flaky, state_dir=tmp_path / "state", progress=False)
    assert not report.resumed
    assert cut.bytes_sent - 10_000 == resent  # a chunk the server got is never sent twice


def test_client_starts_over_when_resume_is_off_or_the_upload_was_aborted(
    BASE: str, http: httpx.Client, tmp_path: Path
) -> None:
    path = _file(tmp_path, 3000)
    flaky, _ = flaky_client(BASE, {2})
    with flaky, pytest.raises(UploadInterrupted) as stop:
        upload_file(path, BASE, client=flaky, state_dir=tmp_path, progress=False, max_retries=0)
    http.delete(f"/uploads/{stop.value.upload_id}")
    report = upload_file(path, BASE, client=http, state_dir=tmp_path, progress=False)
    assert not report.resumed and report.upload_id != stop.value.upload_id
    again = upload_file(path, BASE, resume=False, client=http, state_dir=tmp_path, progress=False)
    assert again.upload_id != report.upload_id


def test_client_rejects_bad_arguments(BASE: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="path"):
        upload_file(tmp_path / "missing.bin", BASE, progress=False)
    path = _file(tmp_path, 10)
    with pytest.raises(ValueError, match="max_retries"):
        upload_file(path, BASE, max_retries=-1, progress=False)


def test_client_sends_chunks_in_parallel(
    BASE: str, http: httpx.Client, service: UploadService, tmp_path: Path
) -> None:
    path = _file(tmp_path, 20_000)
    report = upload_file(
        path, BASE, client=http, state_dir=tmp_path / "state", progress=False, workers=4
    )
    assert (report.chunks_sent, report.bytes_sent) == (20, 20_000)
    with service.storage.open(report.key) as handle:
        assert handle.read() == path.read_bytes()
    with pytest.raises(ValueError, match="workers"):
        upload_file(
            path, BASE, client=http, state_dir=tmp_path / "state", progress=False, workers=0
        )


def test_error_bodies_carry_a_stable_code_never_a_python_class_name(http: httpx.Client) -> None:
    class_names = set(errors.__all__) | {"ValueError", "TypeError", "LookupError", "TusError"}
    uid = initiate(http, size=1500)["upload_id"]
    http.put(f"/uploads/{uid}/chunks/0", content=b"x" * 1024)
    responses = {
        "not_found": http.get("/uploads/nope"),
        "chunk_conflict": http.put(f"/uploads/{uid}/chunks/0", content=b"z" * 1024),
        "incomplete_upload": http.post(f"/uploads/{uid}/complete"),
        "invalid_request": http.put(f"/uploads/{uid}/chunks/9", content=b"x"),
        "too_large": http.put(f"/uploads/{uid}/chunks/1", content=b"x" * 2000),
        "tus_protocol": http.post("/files"),  # no Tus-Resumable header
    }
    for code, response in responses.items():
        body = response.json()["detail"]
        assert body["error"] == code, (code, body)
        assert not any(name in response.text for name in class_names), response.text


def test_completion_returns_a_download_url_that_serves_the_file(http: httpx.Client) -> None:
    uid = initiate(http, size=1500)["upload_id"]
    error(http.get(f"/uploads/{uid}/file"), 404)  # not complete yet
    http.put(f"/uploads/{uid}/chunks/0", content=b"x" * 1024)
    http.put(f"/uploads/{uid}/chunks/1", content=b"y" * 476)
    done = http.post(f"/uploads/{uid}/complete").json()
    assert done["download_url"].endswith(f"/uploads/{uid}/file")
    download = http.get(done["download_url"])
    assert download.status_code == 200 and download.content == b"x" * 1024 + b"y" * 476
    assert "a.bin" in download.headers["content-disposition"]


def test_s3_storage_hands_out_a_presigned_download_url(moto_endpoint: S3Endpoint) -> None:
    moto_endpoint.client.create_bucket(Bucket="presign-test")
    storage = S3Storage(moto_endpoint.client, "presign-test", min_part_size=1)
    service = UploadService(storage, SQLiteSessionStore(), chunk_size=1024, max_size=1 << 20)
    with serve_app(create_app(service)) as base, httpx.Client(base_url=base) as api:
        uid = api.post("/uploads", json={"filename": "s.bin", "size": 10}).json()["upload_id"]
        api.put(f"/uploads/{uid}/chunks/0", content=b"0123456789")
        url = api.post(f"/uploads/{uid}/complete").json()["download_url"]
    assert not url.startswith(base) and "Signature" in url
    assert httpx.get(url).content == b"0123456789"  # straight from S3, not through the app
    with pytest.raises(ValueError, match="expires_in"):
        storage.presigned_url("x", expires_in=0)


def test_a_cut_in_the_middle_of_a_chunk_costs_half_a_chunk_sent_again(
    BASE: str, tmp_path: Path
) -> None:
    data = random.Random(9).randbytes(2500)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    flaky, cut = flaky_client(BASE, {2}, mid_body=True)
    with flaky:
        report = upload_file(path, BASE, client=flaky, state_dir=tmp_path, progress=False)
    assert (cut.puts, report.chunks_sent, report.bytes_sent) == (4, 3, len(data))
    assert cut.bytes_sent - len(data) == 1024 // 2  # the half body that crossed, then was lost
    with httpx.Client(base_url=BASE) as http:
        assert http.get(f"/uploads/{report.upload_id}/file").content == data


def test_cut_connection_takes_one_kind_of_cut() -> None:
    with pytest.raises(ValueError, match="choose one"):
        CutConnection(httpx.HTTPTransport(), {1}, after_send=True, mid_body=True)
    with pytest.raises(TypeError, match="mid_body must be a bool"):
        CutConnection(httpx.HTTPTransport(), {1}, mid_body=1)
