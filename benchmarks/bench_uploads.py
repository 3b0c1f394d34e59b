"""Benchmark: resumable HTTP upload to local storage vs the bare-HTTP-PUT ceiling.

Measured in one run, rounds interleaved, medians reported:
  * throughput of a 200 MiB upload in 8 MiB chunks through the JSON API on loopback
    (uvicorn in a separate process, with httptools and uvloop when installed) vs bare PUTs of
    the same chunks to an endpoint that only reads the body (the HTTP stack alone: the ceiling
    of any upload endpoint on this server; target >= 0.8x it), and the same upload through the
    tus endpoints with tuspy (a peer client) when it is installed;
  * for scale, not as baselines: ``shutil.copyfile`` and a read()+write() copy on the same disk,
    and a bare socket (no HTTP, no checksum) from ``socket.sendfile`` into a Python
    ``recv_into`` + ``pwrite`` loop in another process;
  * peak memory of the server process (VmHWM over the whole run) above its size before the first
    upload;
  * bytes sent again after an upload cut three times (before a chunk, after it, and half-way
    through its body) is resumed: only the half-sent chunk goes twice.

    python benchmarks/bench_uploads.py            # 200 MiB, 3 rounds
    python benchmarks/bench_uploads.py --quick    # 64 MiB, 2 rounds
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import httpx
from _report import print_load, print_target
from fastapi import Request

from tarento_lib.uploads import MiB
from tarento_lib.uploads.client import UploadInterrupted, upload_file
from tarento_lib.uploads.demo import write_random_file
from tarento_lib.uploads.embedded import free_port
from tarento_lib.uploads.faults import CutConnection

CHUNK = 8 * MiB
PIECE = 1024 * 1024  # as our client streams a chunk


def server_options() -> dict[str, str]:
    """uvicorn's fastest installed parts
    (what its "auto" picks too), named so the report can say so."""

    def have(name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    return {
        "http": "httptools" if have("httptools") else "h11",
        "loop": "uvloop" if have("uvloop") else "asyncio",
    }


def serve(root: str, port: int) -> None:
    """Run the upload server (JSON API + tus) on loopback; used as this script's child process."""
    import uvicorn

    from tarento_lib.uploads import LocalStorage, SQLiteSessionStore, UploadService
    from tarento_lib.uploads.api import create_app

    service = UploadService(
        LocalStorage(Path(root) / "store"),
        SQLiteSessionStore(Path(root) / "sessions.db"),
        chunk_size=CHUNK,
        max_size=4096 * MiB,
    )
    app = create_app(service)

    @app.put("/sink")
    async def sink(request: Request) -> dict[str, int]:
        """The HTTP stack alone: read a body and drop it (the ceiling for any upload endpoint)."""
        total = 0
        async for piece in request.stream():
            total += len(piece)
        return {"bytes": total}

    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, **server_options()
    )


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(root), str(port)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/uploads/none", timeout=1)
            return child, url
        except httpx.TransportError:
            time.sleep(0.05)
    child.kill()
    raise RuntimeError("the upload server did not start")


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def tus_upload(path: Path, url: str) -> None:
    from tusclient import client as tus_client

    with open(path, "rb") as stream:
        tus_client.TusClient(f"{url}/files").uploader(
            file_stream=stream, chunk_size=CHUNK, metadata={"filename": path.name}
        ).upload()


def bare_puts(source: Path, url: str) -> None:
    """The same bytes in the same chunks, streamed as our client does,
    to an endpoint that only reads the body."""
    with open(source, "rb") as handle, httpx.Client(timeout=120) as client:
        while data := handle.read(CHUNK):
            pieces = [data[at : at + PIECE] for at in range(0, len(data), PIECE)]
            client.put(
                f"{url}/sink", content=iter(pieces), headers={"Content-Length": str(len(data))}
            ).raise_for_status()


def read_write_copy(source: Path, target: Path) -> None:
    """A plain user-space copy: read() and write() in 8 MiB blocks."""
    buffer = bytearray(CHUNK)
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while count := reader.readinto(buffer):
            writer.write(memoryview(buffer)[:count])


def socket_sink(target: str, port_file: str) -> None:
    """Child process: accept one loopback connection and write
    what arrives to ``target`` (recv_into + pwrite)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        Path(port_file).write_text(str(listener.getsockname()[1]))
        connection, _ = listener.accept()
    buffer = bytearray(1024 * 1024)
    view, offset = memoryview(buffer), 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with connection:
        while count := connection.recv_into(buffer):
            os.pwrite(descriptor, view[:count], offset)
            offset += count
        os.close(descriptor)
        connection.sendall(b"k")  # all written: the sender stops its clock here, not at our exit


def bare_socket(source: Path, work: Path) -> float:
    """Seconds to move the file over a bare loopback socket into a file in another process."""
    port_file, target = work / "sink.port", work / "sink.bin"
    port_file.unlink(missing_ok=True)
    child = subprocess.Popen(
        [sys.executable, __file__, "--socket-sink", str(target), str(port_file)]
    )
    try:
        for _ in range(400):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.01)
        start = time.perf_counter()
        with (
            socket.create_connection(("127.0.0.1", int(port_file.read_text()))) as sender,
            open(source, "rb") as handle,
        ):
            sender.sendfile(handle)
            sender.shutdown(socket.SHUT_WR)
            if sender.recv(1) != b"k":
                raise RuntimeError("the socket sink did not confirm")
        elapsed = time.perf_counter() - start
        child.wait(timeout=120)
        return elapsed
    finally:
        child.kill()
        target.unlink(missing_ok=True)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_throughput(source: Path, url: str, work: Path, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        k: [] for k in ("copy", "rw copy", "socket", "upload", "upload x2", "tus", "bare")
    }
    state = work / "state"
    for round_no in range(rounds):
        copy_target = work / f"copy-{round_no}.bin"
        times["copy"].append(timed(partial(shutil.copyfile, source, copy_target)))
        copy_target.unlink()
        times["rw copy"].append(timed(partial(read_write_copy, source, copy_target)))
        copy_target.unlink()
        times["socket"].append(bare_socket(source, work))
        times["upload"].append(
            timed(
                lambda: upload_file(
                    source, url, resume=False, state_dir=state, progress=False, verify=False
                )
            )
        )
        times["upload x2"].append(
            timed(
                lambda: upload_file(
                    source,
                    url,
                    resume=False,
                    state_dir=state,
                    progress=False,
                    verify=False,
                    workers=2,
                )
            )
        )
        times["tus"].append(timed(lambda: tus_upload(source, url)))
        times["bare"].append(timed(lambda: bare_puts(source, url)))
        shutil.rmtree(work / "server" / "store" / "objects", ignore_errors=True)
        (work / "server" / "store" / "objects").mkdir()
    return times


def peak_rss(pid: int) -> int:
    """The server's peak resident size so far (VmHWM), in bytes."""
    return _status_kib(pid, "VmHWM") * 1024


def measure_resend(source: Path, url: str, work: Path) -> tuple[int, int]:
    """Bytes on the wire for an upload cut three times: before the server got a chunk, after
    it, and half-way through a chunk's body (that half crosses the wire and is thrown away)."""
    state = work / "resume-state"
    sent = 0
    for cut_at, after_send, mid_body in ((4, False, False), (3, True, False), (2, False, True)):
        cut = CutConnection(
            httpx.HTTPTransport(), {cut_at}, after_send=after_send, mid_body=mid_body
        )
        with (
            httpx.Client(transport=cut, timeout=120) as flaky,
            contextlib.suppress(UploadInterrupted),
        ):
            upload_file(
                source,
                url,
                state_dir=state,
                client=flaky,
                progress=False,
                max_retries=0,
                verify=False,
            )
        sent += cut.bytes_sent
    final = CutConnection(httpx.HTTPTransport(), set())
    with httpx.Client(transport=final, timeout=120) as client:
        report = upload_file(
            source, url, state_dir=state, client=client, progress=False, verify=False
        )
    assert report.resumed
    return sent + final.bytes_sent, source.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="64 MiB and 2 rounds")
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--socket-sink", nargs=2, metavar=("TARGET", "PORT_FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    if args.socket_sink:
        socket_sink(*args.socket_sink)
        return 0
    size, rounds = (64 * MiB, 2) if args.quick else (200 * MiB, 3)
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
        work = Path(tmp)
        source = work / "source.bin"
        write_random_file(source, size, seed=1)
        # A fresh server sees only JSON-API uploads: its peak memory over its idle size.
        child, url = start_server(work / "server")
        try:
            idle = peak_rss(child.pid)  # started, imported, answered one request; no upload yet
            upload_file(
                source, url, resume=False, state_dir=work / "state", progress=False, verify=True
            )
            wire, file_size = measure_resend(source, url, work)
            peak = peak_rss(child.pid)
        finally:
            child.terminate()
            child.wait(timeout=10)
        child, url = start_server(work / "server")
        try:
            upload_file(
                source, url, resume=False, state_dir=work / "state", progress=False, verify=False
            )  # warm-up
            server_cpu = cpu_seconds(child.pid)
            times = measure_throughput(source, url, work, rounds)
            server_cpu = (
                cpu_seconds(child.pid) - server_cpu
            ) / rounds  # per round: 3 uploads + bare PUTs
        finally:
            child.terminate()
            child.wait(timeout=10)
    med = {k: statistics.median(v) for k, v in times.items()}
    copy_s, mib = med["copy"], size / MiB

    def ratio(key: str) -> float:
        return copy_s / med[key]

    def line(label: str, key: str, note: str = "") -> None:
        print(f"  {label:33s}{mib / med[key]:8.0f} MiB/s   = {ratio(key):.2f}x the copy{note}")

    options = server_options()
    print(
        f"file: {mib:.0f} MiB, chunks of {CHUNK // MiB} MiB, {rounds} interleaved rounds, medians; "
        f"server: uvicorn http={options['http']} loop={options['loop']}"
    )
    line("copy on the same disk (copyfile):", "copy", "   (for scale only)")
    line("read()+write() copy, 8 MiB blocks:", "rw copy", "   (for scale only)")
    line("bare loopback socket -> file:", "socket", "   (for scale: no HTTP, no checksum)")
    line("JSON API upload (our client):", "upload")
    line("JSON API, 2 chunks in flight:", "upload x2")
    line("tus upload (tuspy client):", "tus")
    line(
        "bare PUTs to a no-op endpoint:",
        "bare",
        f"   (the ceiling; our upload = {med['bare'] / med['upload']:.2f}x it, target >= 0.8x)",
    )
    print(f"  server CPU per round:            {server_cpu:8.2f} s     (3 uploads + bare PUTs)")
    print(
        f"  JSON-API server peak above idle: {(peak - idle) / MiB:8.1f} MiB   = "
        f"{(peak - idle) / CHUNK:.2f} chunks (target <= 3)"
    )
    print(
        f"  bytes re-sent after 3 cuts:      {wire - file_size:8d}       (file {file_size} bytes, "
        f"on the wire {wire}; a cut half-way through a {CHUNK // MiB} MiB chunk wastes half)"
    )
    print_load()
    ceiling = med["bare"] / med["upload"]
    print_target(
        "throughput >= 0.8x bare HTTP PUTs (same run)",
        ceiling >= 0.8,
        f"{ceiling:.2f}x; {mib / med['upload']:.0f} vs {mib / med['bare']:.0f} MiB/s",
    )
    print_target(
        "server peak <= 3 chunks above idle",
        peak - idle <= 3 * CHUNK,
        f"{(peak - idle) / CHUNK:.2f} chunks",
    )
    print_target(
        "only the chunk cut mid-body is re-sent, nothing else",
        wire - file_size == CHUNK // 2,
        f"{wire - file_size} bytes re-sent",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
