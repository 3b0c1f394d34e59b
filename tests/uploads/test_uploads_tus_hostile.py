"""tus under hostile input and concurrent PATCHes: never a 500, never a byte stored twice."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tarento_lib.uploads import LocalStorage, SQLiteSessionStore, UploadService
from tarento_lib.uploads.api import create_app

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = {**TUS, "Content-Type": "application/offset+octet-stream"}


def _service(root: Path) -> UploadService:
    return UploadService(
        LocalStorage(root / "store"),
        SQLiteSessionStore(root / "s.db"),
        chunk_size=4096,
        max_size=1 << 20,
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> UploadService:
    """The service behind the module's real server (the ``server`` fixture)."""
    return _service(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def fresh(tmp_path: Path) -> UploadService:
    return _service(tmp_path)


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


def asgi_client(service: UploadService) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(service))
    return httpx.AsyncClient(transport=transport, base_url="http://tus")


def _object(service: UploadService, location: str) -> bytes:
    status = service.status(location.rsplit("/", 1)[1])
    assert status.state == "completed" and status.key is not None
    with service.storage.open(status.key) as handle:
        return handle.read()


async def _held_body(
    body: bytes, started: asyncio.Event, release: asyncio.Event
) -> AsyncIterator[bytes]:
    started.set()  # the server is now inside its body read, past its first offset check
    await release.wait()
    yield body


@pytest.mark.asyncio
@pytest.mark.parametrize("second", [b"B" * 1000, b"A" * 1000], ids=["different", "identical"])
async def test_a_stale_patch_gets_409_and_no_byte_lands_twice(
    fresh: UploadService, second: bytes
) -> None:
    first = b"A" * 1000  # both bodies under one chunk: they would go to the kept tail
    async with asgi_client(fresh) as http:
        created = await http.post("/files", headers={**TUS, "Upload-Length": "3000"})
        url = created.headers["location"]
        started, release = asyncio.Event(), asyncio.Event()
        held = asyncio.create_task(
            http.patch(
                url,
                content=_held_body(first, started, release),
                headers={**OCTETS, "Upload-Offset": "0"},
            )
        )
        await started.wait()
        quick = await http.patch(url, content=second, headers={**OCTETS, "Upload-Offset": "0"})
        release.set()
        stale = await held
        head = await http.head(url, headers=TUS)
        assert (quick.status_code, stale.status_code) == (204, 409)
        assert (
            stale.json()["detail"]["message"] == "Upload-Offset 0 does not match the server's 1000"
        )
        assert head.headers["upload-offset"] == "1000"
        rest = b"C" * 2000
        done = await http.patch(url, content=rest, headers={**OCTETS, "Upload-Offset": "1000"})
        assert done.status_code == 204
    assert _object(fresh, url) == second + rest


@pytest.mark.parametrize(
    "value",
    ["²", "¹", "³", "٣", "１", "-1", "+5", "5.0", "0x10", "1e3", "", "5,5", "9" * 5000],
)
@pytest.mark.parametrize("header", ["Upload-Length", "Upload-Offset"])
def test_a_malformed_number_is_a_400(client: httpx.Client, header: str, value: str) -> None:
    created = client.post("/files", headers={**TUS, "Upload-Length": "10"})
    url = created.headers["location"]
    if header == "Upload-Length":
        response = client.post("/files", headers={**TUS, header: _wire(value)})
    else:
        response = client.patch(url, content=b"x", headers={**OCTETS, header: _wire(value)})
    assert response.status_code == 400, response.text
    assert response.json()["detail"]["error"] == "tus_protocol"


def _wire(value: str) -> bytes:
    """A header value as a client sends it (the server decodes header bytes as latin-1)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


header_text = st.text(  # what a client can send: latin-1, no control characters, no edge spaces
    st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=40
).map(lambda text: text.strip().encode("latin-1"))


@settings(max_examples=150, deadline=None)
@example(length=b"\xb2", offset=b"\xb3", metadata=b"", checksum=b"", defer=False)
@example(length=b"5", offset=b"0", metadata=b"filename \xa1", checksum=b"md5 \xe9", defer=False)
@given(
    length=header_text,
    offset=header_text,
    metadata=header_text,
    checksum=header_text,
    defer=st.booleans(),
)
def test_no_header_text_makes_a_500(
    client: httpx.Client,
    length: bytes,
    offset: bytes,
    metadata: bytes,
    checksum: bytes,
    defer: bool,
) -> None:
    extra = {"Upload-Defer-Length": b"1"} if defer else {}
    created = client.post(
        "/files", headers={**TUS, "Upload-Length": length, "Upload-Metadata": metadata, **extra}
    )
    assert created.status_code in (201, 400, 413), created.text
    url = client.post("/files", headers={**TUS, "Upload-Length": "10"}).headers["location"]
    patched = client.patch(
        url,
        content=b"0123456789",
        headers={**OCTETS, "Upload-Offset": offset, "Upload-Checksum": checksum},
    )
    assert patched.status_code in (204, 400, 409, 460), patched.text


@pytest.mark.asyncio
async def test_an_empty_upload_is_complete_when_created(fresh: UploadService) -> None:
    async with asgi_client(fresh) as client:
        metadata = "filename " + base64.b64encode(b"empty.txt").decode()
        created = await client.post(
            "/files", headers={**TUS, "Upload-Length": "0", "Upload-Metadata": metadata}
        )
        assert created.status_code == 201
        url = created.headers["location"]
        head = await client.head(url, headers=TUS)
        assert (head.headers["upload-offset"], head.headers["upload-length"]) == ("0", "0")
        late = await client.patch(url, content=b"", headers={**OCTETS, "Upload-Offset": "0"})
        assert late.status_code == 409  # complete: no PATCH is taken any more
    assert _object(fresh, url) == b""


@pytest.mark.asyncio
async def test_the_json_api_takes_an_empty_file_and_no_boolean_sizes(fresh: UploadService) -> None:
    async with asgi_client(fresh) as client:
        empty = await client.post("/uploads", json={"filename": "empty.txt", "size": 0})
        assert empty.status_code == 201, empty.text
        assert (empty.json()["total_chunks"], empty.json()["missing"]) == (0, [])
        done = await client.post(f"/uploads/{empty.json()['upload_id']}/complete")
        assert done.json()["state"] == "completed"
        for body in (
            {"size": True},
            {"size": 1.0},
            {"size": "1"},
            {"size": 10, "chunk_size": True},
        ):
            response = await client.post("/uploads", json={"filename": "a.bin", **body})
            assert response.status_code == 422, (body, response.text)
    with fresh.storage.open(done.json()["key"]) as handle:
        assert handle.read() == b""
