"""UploadService behaviour on every storage backend (local directory, moto's S3, a real S3)."""

from __future__ import annotations

import hashlib
import random
import threading
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.uploads import (
    ChecksumMismatch,
    ChunkConflict,
    IncompleteUpload,
    UploadClosed,
    UploadGone,
    UploadNotFound,
    UploadService,
    UploadTooLarge,
    content_md5,
)
from tarento_lib.uploads.checksums import ALGORITHMS, upload_checksum


def payload(service: UploadService, chunks: int, seed: int = 0) -> bytes:
    """Bytes that need exactly ``chunks`` chunks on
    this service's storage (the last one half full)."""
    chunk = max(service.chunk_size, service.storage.min_part_size)
    return random.Random(seed).randbytes((chunks - 1) * chunk + chunk // 2 + 1)


def send(
    service: UploadService, upload_id: str, data: bytes, order: list[int] | None = None
) -> None:
    status = service.status(upload_id)
    for index in order if order is not None else range(status.total_chunks):
        piece = data[index * status.chunk_size : (index + 1) * status.chunk_size]
        service.put_chunk(upload_id, index, piece, content_md5(piece))


def stored(service: UploadService, key: str | None) -> bytes:
    assert key is not None
    with service.storage.open(key) as handle:
        return handle.read()


def test_out_of_order_chunks_assemble_byte_identical(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 3)
    status = service.initiate(
        "report.pdf", len(data), "application/pdf", hashlib.sha256(data).hexdigest()
    )
    assert (status.total_chunks, status.missing, status.received) == (3, [0, 1, 2], [])
    send(service, status.upload_id, data, [2, 0, 1])
    done = service.complete(status.upload_id)
    assert done.state == "completed" and done.key == f"{status.upload_id}/report.pdf"
    assert stored(service, done.key) == data
    assert service.storage.pending() == []


def test_resending_same_chunk_is_a_no_op_and_different_bytes_conflict(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    chunk = service.status(uid).chunk_size
    service.put_chunk(uid, 0, data[:chunk])
    assert service.put_chunk(uid, 0, data[:chunk]).received == [0]
    with pytest.raises(ChunkConflict):
        service.put_chunk(uid, 0, bytes(reversed(data[:chunk])))
    send(service, uid, data, [1])
    assert stored(service, service.complete(uid).key) == data


def test_bad_chunks_are_refused_and_nothing_is_stored(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    chunk = service.status(uid).chunk_size
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 1\]"):
        service.put_chunk(uid, 2, data[chunk:])
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 1\], got -1"):
        service.put_chunk(uid, -1, data[:chunk])
    with pytest.raises(ValueError, match="exactly"):
        service.put_chunk(uid, 0, data[: chunk - 1])
    with pytest.raises(ValueError, match="exactly"):
        service.put_chunk(uid, 1, data[chunk:] + b"x")
    with pytest.raises(ChecksumMismatch):
        service.put_chunk(uid, 0, data[:chunk], content_md5(b"other"))
    with pytest.raises(ValueError, match="base64"):
        service.put_chunk(uid, 0, data[:chunk], hashlib.md5(data[:chunk]).hexdigest())
    with pytest.raises(TypeError, match="data must be a bytes, bytearray or memoryview"):
        service.put_chunk(uid, 0, "text")
    assert service.status(uid).missing == [0, 1]
    assert service.storage.list_parts(service.session(uid).storage_ref) == {}


def test_complete_needs_every_chunk_and_is_idempotent(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    send(service, uid, data, [1])
    with pytest.raises(IncompleteUpload) as missing:
        service.complete(uid)
    assert missing.value.missing == [0]
    send(service, uid, data, [0])
    first = service.complete(uid)
    assert service.complete(uid) == first
    with pytest.raises(UploadClosed):
        service.put_chunk(uid, 0, data[: first.chunk_size])
    with pytest.raises(UploadClosed):
        service.abort(uid)


def test_abort_deletes_every_part_and_closes_the_session(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    send(service, uid, data, [0])
    assert len(service.storage.pending()) == 1
    service.abort(uid)
    assert service.storage.pending() == []
    with pytest.raises(UploadGone):
        service.put_chunk(uid, 1, data[service.status(uid).chunk_size :])
    with pytest.raises(UploadGone):
        service.complete(uid)
    service.abort(uid)  # aborting twice is harmless
    assert service.status(uid).state == "aborted"


def test_sha256_mismatch_leaves_no_visible_object(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    status = service.initiate(
        "a.bin", len(data), sha256=hashlib.sha256(b"not the data").hexdigest()
    )
    send(service, status.upload_id, data)
    with pytest.raises(ChecksumMismatch) as error:
        service.complete(status.upload_id)
    assert error.value.scope == "file"
    assert not service.storage.exists(f"{status.upload_id}/a.bin")
    assert service.storage.pending() == []
    assert service.status(status.upload_id).state == "aborted"


def test_a_restarted_service_resumes_from_the_same_sessions(make_service: Any) -> None:
    data = payload(make_service(), 3)
    first = make_service()
    uid = first.initiate("a.bin", len(data)).upload_id
    send(first, uid, data, [1])
    second = make_service()  # a new process: new storage object, same SQLite file and bucket/dir
    assert second.status(uid).missing == [0, 2]
    send(second, uid, data, [0, 2])
    assert stored(second, second.complete(uid).key) == data


def test_status_reconciles_sessions_with_the_parts_storage_holds(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 3)
    uid = service.initiate("a.bin", len(data)).upload_id
    send(service, uid, data, [0, 1])
    session = service.session(uid)
    service.sessions.replace_parts(
        uid, {1: session.parts[1], 2: "0" * 32}
    )  # crash lost 0; 2 was never stored
    assert service.status(uid).missing == [2]
    send(service, uid, data, [2])
    assert stored(service, service.complete(uid).key) == data


def test_size_limits_filename_and_checksum_format_are_checked(make_service: Any) -> None:
    service = make_service(max_size=1000)
    for size in (-1, -5):
        with pytest.raises(ValueError, match="size must be an int >= 0"):
            service.initiate("a.bin", size)
    with pytest.raises(UploadTooLarge, match="max_size=1000"):
        service.initiate("a.bin", 1001)
    with pytest.raises(TypeError, match="size must be an int"):
        service.initiate("a.bin", 10.0)
    with pytest.raises(ValueError, match="sha256"):
        service.initiate("a.bin", 10, sha256="abc")
    with pytest.raises(ValueError, match="content_type"):
        service.initiate("a.bin", 10, content_type="")
    with pytest.raises(UploadNotFound):
        service.status("no-such-id")


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        ".",
        "a/b",
        "a\\b",
        "C:\\x",
        "a\x00b",
        "line\nbreak",
        "",
        "   ",
        "x" * 256,
        "\u202egnp.exe",
    ],
)
def test_filenames_that_could_become_paths_are_refused(
    local_service: UploadService, name: str
) -> None:
    with pytest.raises(ValueError, match="filename"):
        local_service.initiate(name, 10)


def test_unicode_filenames_stay_inside_the_storage_root(local_service: UploadService) -> None:
    status = local_service.initiate("हिन्दी रिपोर्ट.txt", 3)
    local_service.put_chunk(status.upload_id, 0, b"abc")
    key = local_service.complete(status.upload_id).key
    path = (local_service.storage.root / "objects" / key).resolve()
    assert path.is_file() and path.is_relative_to(local_service.storage.root)


def test_expired_sessions_are_refused_and_their_parts_aborted(make_service: Any) -> None:
    clock = FakeClock(start=1_000_000.0)
    service = make_service(ttl=3600, clock=clock)
    data = payload(service, 2)
    stale = service.initiate("old.bin", len(data)).upload_id
    send(service, stale, data, [0])
    clock.advance(1800)
    fresh = service.initiate("new.bin", len(data)).upload_id
    clock.advance(1801)
    assert service.expire_stale() == [stale]
    assert service.status(stale).state == "expired"
    assert len(service.storage.pending()) == 1  # only the fresh one is left
    clock.advance(1800)
    with pytest.raises(UploadGone, match="expired"):
        service.put_chunk(fresh, 0, data[: service.status(fresh).chunk_size])
    assert service.storage.pending() == []


def test_concurrent_chunks_from_many_threads(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 4)
    uid = service.initiate("a.bin", len(data)).upload_id
    order = [3, 1, 0, 2, 1, 3, 0, 2]  # every chunk twice, from different threads
    errors: list[BaseException] = []

    def put(index: int) -> None:
        try:
            send(service, uid, data, [index])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(i,)) for i in order]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored(service, service.complete(uid).key) == data


def test_concurrent_different_bytes_for_one_chunk_exactly_one_wins(
    local_service: UploadService,
) -> None:
    uid = local_service.initiate("a.bin", 2048).upload_id
    versions = [bytes([n]) * 1024 for n in range(8)]
    outcomes: list[str] = []

    def put(data: bytes) -> None:
        try:
            local_service.put_chunk(uid, 0, data)
            outcomes.append("stored")
        except ChunkConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=put, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["stored"]
    local_service.put_chunk(uid, 1, b"z" * 1024)
    body = stored(local_service, local_service.complete(uid).key)
    assert body[:1024] in versions and body[1024:] == b"z" * 1024


def test_constructor_arguments_are_validated(tmp_path: Any) -> None:
    from tarento_lib.uploads import LocalStorage, SQLiteSessionStore

    storage, sessions = LocalStorage(tmp_path), SQLiteSessionStore()
    with pytest.raises(ValueError, match="chunk_size"):
        UploadService(storage, sessions, chunk_size=0)
    with pytest.raises(TypeError, match="max_size"):
        UploadService(storage, sessions, max_size="big")
    with pytest.raises(ValueError, match="ttl"):
        UploadService(storage, sessions, ttl=-1)
    with pytest.raises(TypeError, match="storage"):
        UploadService(object(), sessions)
    with pytest.raises(TypeError, match="sessions"):
        UploadService(storage, {})
    with pytest.raises(TypeError, match="clock"):
        UploadService(storage, sessions, clock=42)


def test_a_client_may_ask_for_smaller_chunks_within_the_storage_limits(make_service: Any) -> None:
    service = make_service(chunk_size=8 * 1024 * 1024)
    status = service.initiate("a.bin", 20 * 1024 * 1024, chunk_size=1024 * 1024)
    assert status.chunk_size == max(1024 * 1024, service.storage.min_part_size)
    with pytest.raises(ValueError, match=r"chunk_size must be an int in \[1, 8388608\]"):
        service.initiate("a.bin", 10, chunk_size=16 * 1024 * 1024)


def test_concurrent_completes_finish_once(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    send(service, uid, data)
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(service.complete(uid))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len({r.key for r in results}) == 1
    assert stored(service, results[0].key) == data


def test_upload_checksum_of_any_listed_algorithm_is_checked(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    first = data[: service.status(uid).chunk_size]
    for algorithm in ALGORITHMS:
        with pytest.raises(ChecksumMismatch, match="Upload-Checksum of chunk 0"):
            service.put_chunk(uid, 0, first, checksum=upload_checksum(algorithm, first + b"!"))
    assert service.status(uid).received == []
    for bad in ("crc32c", "crc32c !!", "crc64 AAAAAAAAAAA=", "md5 " + content_md5(b"x")[:-4]):
        with pytest.raises(ValueError, match="checksum"):
            service.put_chunk(uid, 0, first, checksum=bad)
    service.put_chunk(uid, 0, first, content_md5(first), checksum=upload_checksum("crc32c", first))
    rest = data[len(first) :]
    service.put_chunk(uid, 1, rest, checksum=upload_checksum("sha256", rest))
    assert stored(service, service.complete(uid).key) == data


def test_a_chunk_is_received_by_one_request_at_a_time(make_service: Any) -> None:
    service = make_service()
    service.claim_timeout = 0.01  # how long a second request for the same chunk waits before a 409
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    first = data[: service.status(uid).chunk_size]
    receiver = service.receive_chunk(uid, 0, checksum=upload_checksum("crc32c", first))
    receiver.write(first[:10])
    with pytest.raises(ChunkConflict, match="still being received"):
        service.put_chunk(uid, 0, first)
    receiver.write(first[10:])
    assert receiver.commit().received == [0]
    assert service.put_chunk(uid, 0, first).received == [
        0
    ]  # the chunk is free again: same bytes, a no-op


def test_a_discarded_or_short_chunk_never_counts(make_service: Any) -> None:
    service = make_service()
    data = payload(service, 2)
    uid = service.initiate("a.bin", len(data)).upload_id
    first = data[: service.status(uid).chunk_size]
    receiver = service.receive_chunk(uid, 0)
    receiver.write(b"\0" * 10)
    receiver.discard()  # the client went away mid-body
    short = service.receive_chunk(uid, 0)
    short.write(first[:-1])
    with pytest.raises(ValueError, match="exactly"):
        short.commit()
    with pytest.raises(UploadTooLarge):
        service.receive_chunk(uid, 0).write(first + first)
    assert service.status(uid).missing == [0, 1]
    send(service, uid, data)
    assert stored(service, service.complete(uid).key) == data


@pytest.mark.parametrize("sha256", [None, hashlib.sha256(b"").hexdigest()], ids=["plain", "sha256"])
def test_an_empty_file_has_no_chunks_and_completes(make_service: Any, sha256: str | None) -> None:
    service = make_service()
    status = service.initiate("empty.txt", 0, sha256=sha256)
    assert (status.total_chunks, status.missing, status.received_bytes) == (0, [], 0)
    with pytest.raises(ValueError, match="index"):
        service.put_chunk(status.upload_id, 0, b"")
    assert stored(service, service.complete(status.upload_id).key) == b""
