"""Throughput and latency of ``GET /contents/{key}?lang=hi`` under uvicorn, vs a constant endpoint.

For each backend (SQLite in a temp file; PostgreSQL when ``TARENTO_DATABASE_URL`` is set, also
with the optional 1 s in-process read cache) one uvicorn process serves the content app plus
``GET /constant`` (the framework's ceiling on the same server). A load client on loopback (plain
asyncio keep-alive connections, so the client costs as little CPU as possible) runs interleaved
rounds of both endpoints; the script prints medians and the ratio. A short in-process breakdown
then shows where a read's time goes.

    python benchmarks/bench_content_api.py            # full run (a few minutes)
    python benchmarks/bench_content_api.py --quick    # about a minute
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tarento_lib.content import create_app  # noqa: E402

KEY = "homepage.welcome"
SEED = {"content_key": KEY, "category": "home", "translations": [
    {"language": "en", "title": "Welcome", "body": "Welcome to the citizen services portal. " * 8, "status": "published"},
    {"language": "hi", "title": "स्वागत है", "body": "नागरिक सेवा पोर्टल पर आपका स्वागत है। " * 8, "status": "published"},
    {"language": "ta", "title": "வரவேற்கிறோம்", "body": "குடிமக்கள் சேவை இணையதளம். " * 8, "status": "published"},
]}


def build_app(database_url: str, schema: str | None, read_cache_ttl: float = 0.0):
    app = create_app(database_url, schema=schema, read_cache_ttl=read_cache_ttl)

    @app.get("/constant")
    async def constant() -> dict[str, str]:
        return {"hello": "world"}

    return app


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    app = build_app(args.database_url, args.schema or None, args.read_cache_ttl)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, schema: str | None, ttl: float) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", "--port", str(port), "--database-url", database_url,
               "--schema", schema or "", "--read-cache-ttl", str(ttl)]
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/constant", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start within 30 s")


async def _worker(port: int, request: bytes, count: int, latencies: list[float], stop_at: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            if time.perf_counter() > stop_at:
                return
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"unexpected response: {head[:60]!r}")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
    finally:
        writer.close()
        await writer.wait_closed()


async def load(port: int, path: str, requests: int, concurrency: int, max_seconds: float) -> dict[str, float]:
    """Send ``requests`` GETs over ``concurrency`` keep-alive connections (or stop at ``max_seconds``)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: hi\r\n\r\n".encode()
    latencies: list[float] = []
    start = time.perf_counter()
    share = -(-requests // concurrency)
    await asyncio.gather(*(_worker(port, request, share, latencies, start + max_seconds) for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {"rps": len(ordered) / elapsed, "p50": ordered[len(ordered) // 2] * 1000,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def measure_backend(database_url: str, schema: str | None, ttl: float, args: argparse.Namespace) -> dict[str, dict]:
    process, port = start_server(database_url, schema, ttl)
    try:
        created = httpx.post(f"http://127.0.0.1:{port}/contents", json=SEED, timeout=10)
        assert created.status_code == 201, created.text
        targets = {"constant": "/constant", "content": f"/contents/{KEY}?lang=hi"}
        rounds: dict[str, list[dict[str, float]]] = {label: [] for label in targets}
        for label, path in targets.items():  # warm-up
            asyncio.run(load(port, path, args.requests // 4, args.concurrency, args.max_seconds))
        for _ in range(args.rounds):
            for label, path in targets.items():
                rounds[label].append(asyncio.run(load(port, path, args.requests, args.concurrency, args.max_seconds)))
        if schema:
            httpx.delete(f"http://127.0.0.1:{port}/contents/{KEY}", timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if schema:
            asyncio.run(_drop_schema(database_url, schema))
    return {label: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
            for label, runs in rounds.items()}


async def _drop_schema(database_url: str, schema: str) -> None:
    app = create_app(database_url, schema=schema)
    await app.state.database.drop_schema()
    await app.state.database.dispose()


async def breakdown(database_url: str, schema: str | None, n: int) -> dict[str, float]:
    """Microseconds per read for: the session and its SQL statement, building + hashing the body, the whole ASGI call."""
    from tarento_lib.content import service
    from tarento_lib.content.languages import LanguageCode, resolution_order
    from tarento_lib.content.schemas import LocalizedContent

    app = build_app(database_url, schema)
    database = app.state.database
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            assert (await client.post("/contents", json=SEED)).status_code == 201
            timings: dict[str, float] = {}
            start = time.perf_counter()
            for _ in range(n):
                async with database.read_session() as session:
                    content = await service.get_content(session, content_key=KEY)
            timings["session + 1 SQL statement"] = (time.perf_counter() - start) / n * 1e6
            start = time.perf_counter()
            for _ in range(n):
                async with database.engine.connect() as conn:
                    await conn.exec_driver_sql("SELECT 1")
            timings["bare SELECT 1 round trip"] = (time.perf_counter() - start) / n * 1e6
            start = time.perf_counter()
            for _ in range(n):
                translation, tried = service.localize(content, order=resolution_order(LanguageCode.HINDI, None))
                body = LocalizedContent(content_key=KEY, category="home", language="hi", requested_language="hi",
                                        fallback_used=False, tried=tried, title=translation.title,
                                        body=translation.body, summary=service.summarize(translation.body),
                                        meta_description=None, keywords=[], revision=1)
                hashlib.sha256(body.model_dump_json().encode()).hexdigest()
            timings["fallback + body + summary + ETag"] = (time.perf_counter() - start) / n * 1e6
            for label, path in (("in-process GET /constant", "/constant"),
                                ("in-process GET /contents/{key}", f"/contents/{KEY}?lang=hi")):
                start = time.perf_counter()
                for _ in range(n):
                    await client.get(path)
                timings[label] = (time.perf_counter() - start) / n * 1e6
    finally:
        await database.drop_schema()
        await database.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (a few seconds per backend)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per round and endpoint")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=10.0, help="cap on one round")
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
        args.requests, args.rounds, args.max_seconds = 600, 3, 3.0
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite (file)", f"sqlite+aiosqlite:///{tmp}/bench.db", None, 0.0)]
        pg_url = os.environ.get("TARENTO_DATABASE_URL")
        if pg_url:
            backends.append(("PostgreSQL", pg_url, f"bench_{uuid.uuid4().hex[:12]}", 0.0))
            backends.append(("PG + 1 s cache", pg_url, f"bench_{uuid.uuid4().hex[:12]}", 1.0))
        else:
            print("TARENTO_DATABASE_URL not set: PostgreSQL skipped")
        print(f"uvicorn (1 worker, h11, asyncio loop); {args.rounds} interleaved rounds of {args.requests} requests, "
              f"{args.concurrency} keep-alive connections; medians\n")
        print(f"{'backend':<15} {'endpoint':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs constant':>12}")
        for name, url, schema, ttl in backends:
            result = measure_backend(url, schema, ttl, args)
            ceiling = result["constant"]["rps"]
            for label, path in (("constant", "GET /constant"), ("content", "GET /contents/{key}?lang=hi")):
                row = result[label]
                print(f"{name:<15} {path:<28} {row['rps']:>8.0f} {row['p50']:>8.2f} {row['p99']:>8.2f} "
                      f"{row['rps'] / ceiling:>11.0%}")
        print("\nwhere one read's time goes (in-process, microseconds per call):")
        n = 200 if args.quick else 1000
        for name, url, schema, ttl in backends[:2]:
            timings = asyncio.run(breakdown(url.replace("bench.db", "breakdown.db"), schema and schema + "_b", n))
            print(f"  {name}: " + ", ".join(f"{label} {value:.0f}" for label, value in timings.items()))


if __name__ == "__main__":
    main()
