"""Throughput and latency of ``GET /contents/{key}?lang=hi`` under uvicorn, vs a constant endpoint.

For each backend (SQLite in a temp file; PostgreSQL when ``TARENTO_DATABASE_URL`` is set, also
with the optional 1 s in-process read cache) one uvicorn process serves the content app plus
``GET /constant`` (the framework's ceiling) and two probes, all in the same process with the same
settings (uvloop and httptools when installed): ``/bench/round-trip`` (the constant after one
``SELECT 1`` through the read path's session) and ``/bench/no-sql/{key}`` (the read's own work
on a row fetched once). One load client on loopback runs interleaved rounds of every endpoint;
the script prints medians, each endpoint's ratio to the constant, the CPU each process spent per
request (server, load client, the rest of the machine: the database and anything else running),
and where a read's server time goes (a lesson, no target).

The load client is ``wrk`` when it is on the PATH (``apt-get install wrk``): a C client costs a
fraction of the server's CPU per request. Without it a Python asyncio client is used; on a small
machine it competes with the server for CPU and understates both figures (the script says so).

    python benchmarks/bench_content_api.py            # full run (about four minutes)
    python benchmarks/bench_content_api.py --quick    # about a minute and a half
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Annotated

import httpx
from _report import print_load
from fastapi import Header, Response
from sqlalchemy import literal_column, select

from tarento_lib.auth import Role, TokenAuthority
from tarento_lib.config import settings
from tarento_lib.content import LanguageCode, create_app, resolution_order, routes, service

KEY = "homepage.welcome"
SEED = {
    "content_key": KEY,
    "category": "home",
    "translations": [
        {
            "language": "en",
            "title": "Welcome",
            "body": "Welcome to the citizen services portal. " * 8,
            "status": "published",
        },
        {
            "language": "hi",
            "title": "स्वागत है",
            "body": "नागरिक सेवा पोर्टल पर आपका स्वागत है। " * 8,
            "status": "published",
        },
        {
            "language": "ta",
            "title": "வரவேற்கிறோம்",
            "body": "குடிமக்கள் சேவை இணையதளம். " * 8,
            "status": "published",
        },
    ],
}
LOOP = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
HTTP = "httptools" if importlib.util.find_spec("httptools") else "h11"
CLK = os.sysconf("SC_CLK_TCK")


def build_app(database_url: str, schema: str | None, read_cache_ttl: float = 0.0):
    """The content app plus the ceiling (``/constant``) and two probes that split a read's cost.

    ``/bench/round-trip``: the constant after one ``SELECT 1`` through the read path's own
    connection pool (the floor of any endpoint that asks the database once).
    ``/bench/no-sql/{key}``: the content route's work without its SQL (parameters, fallback
    order, body, summary, JSON, ETag) on a row fetched once.
    """
    app = create_app(database_url, schema=schema, read_cache_ttl=read_cache_ttl)
    database = app.state.database
    select_one = select(literal_column("1"))
    known = _Known()

    @app.get("/constant")
    async def constant() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/bench/round-trip")
    async def round_trip() -> dict[str, str]:
        async with database.read_session() as session:
            await session.execute(select_one)
        return {"hello": "world"}

    @app.get("/bench/no-sql/{content_key}")
    async def no_sql(
        content_key: str,
        lang: LanguageCode | None = None,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> Response:
        order = resolution_order(lang, accept_language)
        if known.row is None:
            async with database.read_session() as session:
                statement = service.localized_statement(len(order))
                params = service.localized_params(content_key, order)
                known.row = (await session.execute(statement, params)).first()
        read = await routes.render_public_read(known, content_key, order)
        return Response(read.payload, media_type="application/json", headers=read.headers)

    return app


class _Known:
    """A stand-in session that answers with a row fetched once (the route's work without SQL)."""

    def __init__(self) -> None:
        self.row = None

    async def execute(self, _statement, _params):
        return self

    def first(self):
        return self.row


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    app = build_app(args.database_url, args.schema or None, args.read_cache_ttl)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop=LOOP,
        http=HTTP,
        log_level="warning",
        access_log=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, schema: str | None, ttl: float) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        __file__,
        "--serve",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--schema",
        schema or "",
        "--read-cache-ttl",
        str(ttl),
    ]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/constant", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start within 30 s")


# --- CPU accounting (Linux /proc) --------------------------------------------------------


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def machine_busy() -> float:
    """Seconds of CPU every core of the machine has spent busy so far (all processes)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLK


# --- load clients --------------------------------------------------------------------------


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_wrk(port: int, path: str, seconds: int, concurrency: int) -> dict[str, float]:
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        "Accept-Language: hi",
        f"http://127.0.0.1:{port}{path}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate()
    if process.returncode or "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk failed or saw errors:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
    }


async def _worker(port: int, request: bytes, latencies: list[float], stop_at: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"unexpected response: {head[:60]!r}")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
    finally:
        writer.close()
        await writer.wait_closed()


async def _load_python(port: int, path: str, seconds: float, concurrency: int) -> dict[str, float]:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: hi\r\n\r\n".encode()
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(
        *(_worker(port, request, latencies, start + seconds) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / elapsed,
        "p50": ordered[len(ordered) // 2] * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def load(
    client: str, port: int, path: str, seconds: float, concurrency: int, server_pid: int
) -> dict[str, float]:
    """One round: throughput and latency, plus CPU µs per
    request of the server, the client and the rest."""
    server0, busy0, client0 = process_cpu(server_pid), machine_busy(), os.times()
    if client == "wrk":
        result = load_wrk(port, path, seconds, concurrency)
    else:
        result = asyncio.run(_load_python(port, path, seconds, concurrency))
    server1, busy1, client1 = process_cpu(server_pid), machine_busy(), os.times()
    if client == "wrk":
        client_cpu = (client1.children_user + client1.children_system) - (
            client0.children_user + client0.children_system
        )
    else:
        client_cpu = (client1.user + client1.system) - (client0.user + client0.system)
    per = 1e6 / result["requests"]
    server_cpu = server1 - server0
    result.update(
        server_us=server_cpu * per,
        client_us=client_cpu * per,
        rest_us=max(0.0, (busy1 - busy0) - server_cpu - client_cpu) * per,
    )
    return result


ENDPOINTS = {
    "constant": ("GET /constant", "/constant"),
    "round-trip": ("GET /bench/round-trip", "/bench/round-trip"),
    "no-sql": ("GET /bench/no-sql/{key}?lang=hi", f"/bench/no-sql/{KEY}?lang=hi"),
    "content": ("GET /contents/{key}?lang=hi", f"/contents/{KEY}?lang=hi"),
}


def measure_backend(
    database_url: str,
    schema: str | None,
    ttl: float,
    args: argparse.Namespace,
    labels: tuple[str, ...],
) -> dict[str, dict]:
    process, port = start_server(database_url, schema, ttl)
    admin = TokenAuthority.from_settings().issue(
        "bench-admin", [Role.ADMIN]
    )  # same key as the server
    headers = {"Authorization": f"Bearer {admin}"}
    try:
        created = httpx.post(
            f"http://127.0.0.1:{port}/contents", json=SEED, headers=headers, timeout=10
        )
        assert created.status_code == 201, created.text
        targets = {label: ENDPOINTS[label][1] for label in labels}
        rounds: dict[str, list[dict[str, float]]] = {label: [] for label in targets}
        for path in targets.values():  # warm-up
            load(args.client, port, path, 1, args.concurrency, process.pid)
        for _ in range(args.rounds):
            for label, path in targets.items():
                rounds[label].append(
                    load(args.client, port, path, args.seconds, args.concurrency, process.pid)
                )
        if schema:
            httpx.delete(f"http://127.0.0.1:{port}/contents/{KEY}", headers=headers, timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if schema:
            asyncio.run(_drop_schema(database_url, schema))
    keys = ("rps", "p50", "p99", "server_us", "client_us", "rest_us")
    return {
        label: {k: statistics.median(r[k] for r in runs) for k in keys}
        for label, runs in rounds.items()
    }


async def _drop_schema(database_url: str, schema: str) -> None:
    app = create_app(database_url, schema=schema)
    await app.state.database.drop_schema()
    await app.state.database.dispose()


# --- report ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter rounds")
    parser.add_argument(
        "--seconds", type=int, default=4, help="length of one round per endpoint (whole seconds)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--schema", default="", help=argparse.SUPPRESS)
    parser.add_argument("--read-cache-ttl", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return
    if args.quick:
        args.seconds, args.rounds = 2, 3
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite (file)", f"sqlite+aiosqlite:///{tmp}/bench.db", None, 0.0)]
        pg_url = settings().database_url
        if pg_url:
            backends.append(("PostgreSQL", pg_url, f"bench_{uuid.uuid4().hex[:12]}", 0.0))
            backends.append(("PG + 1 s cache", pg_url, f"bench_{uuid.uuid4().hex[:12]}", 1.0))
        else:
            print("TARENTO_DATABASE_URL not set: PostgreSQL skipped")
        print(
            f"server: uvicorn, 1 worker, loop={LOOP}, http={HTTP} (both endpoints in the same "
            "process)"
        )
        print(
            f"client: {args.client}, {args.concurrency} keep-alive connections on loopback; "
            f"{args.rounds} interleaved rounds of {args.seconds:g} s per endpoint; medians"
        )
        print_load("before")
        if args.client == "python":
            print(
                "  note: a Python client competes with the server for CPU; install wrk for fair "
                "figures"
            )
        print()
        print(
            f"{'backend':<15} {'endpoint':<31} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'vs const':>8}"
            f"   CPU µs/request: {'server':>6} {'client':>6} {'rest':>6}"
        )
        ratios: dict[str, float] = {}
        results: dict[str, dict] = {}
        for name, url, schema, ttl in backends:
            labels = ("constant", "content") if ttl else tuple(ENDPOINTS)
            result = results[name] = measure_backend(url, schema, ttl, args, labels)
            ceiling = result["constant"]["rps"]
            ratios[name] = result["content"]["rps"] / ceiling
            for label in labels:
                row = result[label]
                print(
                    f"{name:<15} {ENDPOINTS[label][0]:<31} {row['rps']:>7.0f} {row['p50']:>7.2f} "
                    f"{row['p99']:>7.2f} "
                    f"{row['rps'] / ceiling:>8.0%}   {'':>16} {row['server_us']:>6.0f} "
                    f"{row['client_us']:>6.0f} "
                    f"{row['rest_us']:>6.0f}"
                )
        print()
        print_load("after")
        print(
            "\nwhere a read's server time goes (server CPU µs per request, each measured under the "
            "same load;"
            " 'rest' above is the rest of the machine: the database server and anything else "
            "running):"
        )
        for name in ("SQLite (file)", "PostgreSQL"):
            if name not in results:
                continue
            r = {label: row["server_us"] for label, row in results[name].items()}
            rps = {label: row["rps"] for label, row in results[name].items()}
            print(f"  {name}:")
            print(
                "    framework, uvicorn, HTTP (GET /constant)                              "
                f"{r['constant']:>6.0f}"
            )
            print(
                f"    + one database round trip (SELECT 1 through the read path's pool)    "
                f"{r['round-trip'] - r['constant']:>+6.0f}"
            )
            print(
                f"    + parameters, fallback order, body, summary, JSON, ETag (no SQL)      "
                f"{r['no-sql'] - r['constant']:>+6.0f}"
            )
            print(
                f"    + the content statement beyond SELECT 1, and what does not add up     "
                f"{r['content'] - r['round-trip'] - r['no-sql'] + r['constant']:>+6.0f}"
            )
            print(
                f"    = GET /contents/{{key}}?lang=hi                                        "
                f"{r['content']:>6.0f}"
            )
            print(
                "    bounds: an endpoint doing nothing but one SELECT 1 reaches "
                f"{rps['round-trip'] / rps['constant']:.2f}x "
                f"of the constant; the read without its SQL {rps['no-sql'] / rps['constant']:.2f}x"
            )
        print()
        for name in ("SQLite (file)", "PostgreSQL", "PG + 1 s cache"):
            if name in ratios:
                print(f"{name}: {ratios[name]:.3f}x of the constant endpoint (reported, no target)")
        if "PostgreSQL" not in ratios:
            print("PostgreSQL: not measured (set TARENTO_DATABASE_URL)")


if __name__ == "__main__":
    main()
