"""A resumable upload client: reads the file chunk by chunk, never whole, and resumes.

Each chunk goes with its CRC32C (``Upload-Checksum: crc32c <base64>``), which the server checks
before the chunk counts. ``upload_file`` remembers the upload id of each file (in a small JSON
file per file, in ``state_dir``). After a failure, whether a retry within the same call or a
later call, it asks the server which chunks are missing and sends only those.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import ssl
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import crc32c
import httpx

from tarento_lib._validate import require_int

__all__ = ["UploadInterrupted", "UploadReport", "file_sha256", "upload_file"]

_BLOCK = 1024 * 1024
_PIECE = (
    1024 * 1024
)  # httpx sends a piece as it is; bigger pieces mean fewer trips through httpcore


class UploadInterrupted(RuntimeError):
    """The upload failed more often than allowed; call ``upload_file`` again to resume it."""

    def __init__(self, upload_id: str, cause: Exception) -> None:
        super().__init__(
            f"upload {upload_id} interrupted ({type(cause).__name__}: {cause}); call again to "
            "resume"
        )
        self.upload_id = upload_id


@dataclass(frozen=True)
class UploadReport:
    """What one ``upload_file`` call did."""

    upload_id: str
    key: str
    size: int
    chunk_size: int
    chunks_sent: int
    bytes_sent: int
    resumed: bool


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs ~0.1 s, too much to pay on every upload."""
    return httpx.create_ssl_context()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            hasher.update(block)
    return hasher.hexdigest()


class _ResumeStore:
    """The upload id of a file, keyed by server, path, size and modification time."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, base_url: str, path: Path) -> Path:
        stat = path.stat()
        key = f"{base_url}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def load(self, base_url: str, path: Path) -> str | None:
        try:
            return str(json.loads(self._file(base_url, path).read_text())["upload_id"])
        except (OSError, ValueError, KeyError):
            return None

    def save(self, base_url: str, path: Path, upload_id: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file(base_url, path).write_text(json.dumps({"upload_id": upload_id}))

    def forget(self, base_url: str, path: Path) -> None:
        self._file(base_url, path).unlink(missing_ok=True)


def _check(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise httpx.HTTPStatusError(
            f"{response.status_code}: {response.text}", request=response.request, response=response
        )
    return response.json() if response.content else {}


def _progress(enabled: bool, total: int, initial: int, name: str) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=initial, unit="B", unit_scale=True, unit_divisor=1024, desc=name
    )


def upload_file(
    path: str | os.PathLike[str],
    base_url: str,
    resume: bool = True,
    *,
    client: httpx.Client | None = None,
    state_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    max_retries: int = 3,
    verify: bool = True,
    chunk_size: int | None = None,
    workers: int = 1,
) -> UploadReport:
    """Upload ``path`` to the server at ``base_url``; resume an earlier attempt when ``resume``.

    ``client`` lets a caller bring its own ``httpx.Client`` (a test transport, a proxy);
    ``verify`` sends the file's SHA-256 so the server checks the assembled file;
    ``chunk_size`` asks the server for smaller chunks than its default; ``workers`` > 1 sends
    that many chunks at once (more throughput, that many chunks in memory on each side).
    """
    source = Path(path)
    if not source.is_file():
        raise ValueError("path must name an existing regular file")
    require_int(max_retries, "max_retries", minimum=0)
    require_int(workers, "workers", minimum=1, maximum=16)
    base = base_url.rstrip("/")
    store = _ResumeStore(
        Path(state_dir)
        if state_dir is not None
        else Path(tempfile.gettempdir()) / "tarento-uploads"
    )
    http = client or httpx.Client(timeout=120, verify=_ssl_context())
    try:
        upload = _Upload(
            http,
            base,
            source,
            store,
            progress=progress,
            verify=verify,
            chunk_size=chunk_size,
            workers=workers,
        )
        return upload.run(resume, max_retries)
    finally:
        if client is None:
            http.close()


class _Upload:
    def __init__(
        self,
        http: httpx.Client,
        base: str,
        source: Path,
        store: _ResumeStore,
        *,
        progress: bool,
        verify: bool,
        chunk_size: int | None,
        workers: int,
    ) -> None:
        self.http, self.base, self.source, self.store = http, base, source, store
        self.show, self.verify, self.chunk_size, self.workers = (
            progress,
            verify,
            chunk_size,
            workers,
        )
        self.chunks_sent = self.bytes_sent = 0
        self._lock = threading.Lock()

    def _find_or_create(self, resume: bool) -> tuple[dict[str, Any], bool]:
        upload_id = self.store.load(self.base, self.source) if resume else None
        if upload_id:
            response = self.http.get(f"{self.base}/uploads/{upload_id}")
            if response.status_code == 200 and response.json()["state"] in ("open", "completed"):
                return response.json(), True
        body = {
            "filename": self.source.name,
            "size": self.source.stat().st_size,
            "sha256": file_sha256(self.source) if self.verify else None,
            "chunk_size": self.chunk_size,
        }
        status = _check(self.http.post(f"{self.base}/uploads", json=body))
        self.store.save(self.base, self.source, status["upload_id"])
        return status, False

    def run(self, resume: bool, max_retries: int) -> UploadReport:
        status, resumed = self._find_or_create(resume)
        failures = 0
        while status["state"] == "open":
            try:
                self._send_missing(status)
                status = _check(
                    self.http.post(f"{self.base}/uploads/{status['upload_id']}/complete")
                )
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code < 500:
                    raise
                failures += 1
                if failures > max_retries:
                    raise UploadInterrupted(status["upload_id"], exc) from exc
                status = _check(self.http.get(f"{self.base}/uploads/{status['upload_id']}"))
        self.store.forget(self.base, self.source)
        return UploadReport(
            status["upload_id"],
            status["key"],
            status["size"],
            status["chunk_size"],
            self.chunks_sent,
            self.bytes_sent,
            resumed,
        )

    def _send_missing(self, status: dict[str, Any]) -> None:
        bar = _progress(self.show, status["size"], status["received_bytes"], self.source.name)
        descriptor = os.open(self.source, os.O_RDONLY)
        try:
            if self.workers == 1:
                self._send_in_order(descriptor, status, bar)
            else:

                def send(index: int) -> None:
                    self._put(status, index, self._read(descriptor, status, index), bar)

                with ThreadPoolExecutor(self.workers, thread_name_prefix="upload") as pool:
                    list(pool.map(send, status["missing"]))
        finally:
            os.close(descriptor)
            if bar is not None:
                bar.close()

    def _send_in_order(self, descriptor: int, status: dict[str, Any], bar: Any) -> None:
        """One chunk on the wire at a time,
        the next one read and hashed meanwhile (two in memory)."""
        missing = status["missing"]
        with ThreadPoolExecutor(1, thread_name_prefix="upload-read") as reader:
            upcoming = (
                reader.submit(self._read, descriptor, status, missing[0]) if missing else None
            )
            for position, index in enumerate(missing):
                assert upcoming is not None
                chunk = upcoming.result()
                if position + 1 < len(missing):
                    upcoming = reader.submit(self._read, descriptor, status, missing[position + 1])
                self._put(status, index, chunk, bar)

    @staticmethod
    def _read(descriptor: int, status: dict[str, Any], index: int) -> tuple[list[bytes], str]:
        """Chunk ``index`` (``pread``: safe from several threads) in pieces, and its
        ``Upload-Checksum``.

        It is read once, in pieces of ``_PIECE`` bytes that are hashed and then streamed as the
        body: httpx sends each piece as it is, where one 8 MiB ``bytes`` body would be copied
        again for every partial socket write (httpcore slices the rest of its buffer each time).
        """
        chunk, size = status["chunk_size"], status["size"]
        start, length = index * chunk, min(chunk, size - index * chunk)
        pieces = [
            os.pread(descriptor, min(_PIECE, length - at), start + at)
            for at in range(0, length, _PIECE)
        ]
        if sum(map(len, pieces)) != length:
            raise ValueError("the file changed size during the upload")
        hasher = crc32c.CRC32CHash()
        for piece in pieces:
            hasher.update(piece)
        return pieces, f"crc32c {base64.b64encode(hasher.digest()).decode('ascii')}"

    def _put(
        self, status: dict[str, Any], index: int, chunk: tuple[list[bytes], str], bar: Any
    ) -> None:
        """PUT one chunk, streamed piece by piece, with its CRC32C."""
        pieces, checksum = chunk
        length = sum(map(len, pieces))
        url = f"{self.base}/uploads/{status['upload_id']}/chunks/{index}"
        _check(
            self.http.put(
                url,
                content=iter(pieces),
                headers={"Upload-Checksum": checksum, "Content-Length": str(length)},
            )
        )
        with self._lock:
            self.chunks_sent += 1
            self.bytes_sent += length
            if bar is not None:
                bar.update(length)
