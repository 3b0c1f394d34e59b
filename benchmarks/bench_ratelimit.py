"""Rate limiters: tarento_lib.ratelimit against the `limits` package, ratios measured in one run.

In memory: decisions per second for the sliding log, sliding window counter and fixed window
against limits' MovingWindow, SlidingWindowCounter and FixedWindow (memory storage), on 1 key
(mostly refusals) and on 10 000 keys (mostly admissions). Rounds are interleaved (ours, then
limits, each on fresh state); each rate is the median of the rounds and each ratio the median of
the rounds' paired ratios, so a burst of load on a shared machine hits both sides alike.

On Redis (``$TARENTO_REDIS_URL``, or a throw-away redis-server started on a free loopback port
when the binary is installed): commands sent per decision (round trips, counted by a
``redis.Redis`` subclass overriding ``execute_command``), server commands per decision
(``INFO commandstats`` deltas: the EVALSHA plus every ``redis.call`` of its script), and
decisions per second against limits' RedisStorage, on 1 key and on 1000 keys.

The last lines give one verdict per target of the issue (MET / MISSED), and the load average.

    python benchmarks/bench_ratelimit.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import limits
import redis
from _report import print_load, print_target
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)

from tarento_lib.config import settings
from tarento_lib.ratelimit import FixedWindow, RedisStore, SlidingLog, SlidingWindowCounter
from tarento_lib.ratelimit.storage.wire import CountingRedis

LIMIT, WINDOW = 100, 60.0
ITEM = limits.parse(f"{LIMIT}/minute")
PAIRS = {
    "sliding log vs MovingWindow": (SlidingLog, MovingWindowRateLimiter),
    "sliding counter vs SlidingWindowCounter": (
        SlidingWindowCounter,
        SlidingWindowCounterRateLimiter,
    ),
    "fixed window vs FixedWindow": (FixedWindow, FixedWindowRateLimiter),
}


def rate(run: Callable[[str], Any], keys: list[str], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        run(keys[i % len(keys)])
    return n / (time.perf_counter() - start)


def ours_rate(limiter: Any, keys: list[str], n: int) -> float:
    return rate(lambda k: limiter.hit(k), keys, n)


def theirs_rate(limiter: Any, keys: list[str], n: int) -> float:
    return rate(lambda k: limiter.hit(ITEM, k), keys, n)


def compare(
    make_ours: Callable[[], Any],
    make_theirs: Callable[[], Any],
    keys: list[str],
    n: int,
    rounds: int,
) -> tuple[float, float, float]:
    """(ours/s, limits/s, ratio): median rates, and the median of the rounds' paired ratios."""
    ours_rates, theirs_rates = [], []
    for _ in range(rounds):  # interleaved, each round on fresh state
        ours_rates.append(ours_rate(make_ours(), keys, n))
        theirs_rates.append(theirs_rate(make_theirs(), keys, n))
    ratio = statistics.median(a / b for a, b in zip(ours_rates, theirs_rates, strict=True))
    return statistics.median(ours_rates), statistics.median(theirs_rates), ratio


VERDICTS: list[tuple[str, bool, str]] = []


def verdict(target: str, met: bool, figure: str) -> None:
    VERDICTS.append((target, met, figure))


def memory_section(n: int, rounds: int) -> None:
    print(
        f"\n== in memory: {LIMIT} per {WINDOW:g} s, {n} decisions per round, {rounds} interleaved "
        "rounds"
    )
    print(f"{'strategy':42s} {'keys':>6s} {'ours/s':>11s} {'limits/s':>11s} {'ratio':>7s}")
    for label, (ours_cls, theirs_cls) in PAIRS.items():
        for n_keys in (1, 10_000):
            keys = [f"user{i}" for i in range(n_keys)]
            ours, theirs, ratio = compare(
                partial(ours_cls, LIMIT, WINDOW),
                lambda theirs_cls=theirs_cls: theirs_cls(MemoryStorage()),
                keys,
                n,
                rounds,
            )
            print(f"{label:42s} {n_keys:>6d} {ours:>11,.0f} {theirs:>11,.0f} {ratio:>6.2f}x")
            verdict(
                f"in memory, {label}, {n_keys} key{'s' if n_keys > 1 else ''}: >= 1.5x",
                ratio >= 1.5,
                f"{ratio:.2f}x",
            )


@contextmanager
def redis_url() -> Iterator[str | None]:
    url = settings().redis_url
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as workdir:
        proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client = redis.Redis(port=port)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def command_calls(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k not in ("cmdstat_info",))


def server_per_decision(
    client: redis.Redis, hit: Callable[[str], Any], keys: list[str], n: int
) -> float:
    for key in keys[:3]:
        hit(key)  # warm up: scripts loaded, connections open
    before = command_calls(client)
    for i in range(n):
        hit(keys[i % len(keys)])
    return (command_calls(client) - before) / n


def trips_per_decision(limiter: Any, keys: list[str], n: int) -> float:
    """Commands our limiter's counting client sent per decision (after a warm-up)."""
    for key in keys[:3]:
        limiter.hit(key)
    sent = limiter.storage.client.sent
    sent.clear()
    for i in range(n):
        limiter.hit(keys[i % len(keys)])
    return len(sent) / n


def redis_section(url: str, n: int, rounds: int) -> None:
    client = redis.Redis.from_url(url)
    prefix = f"bench{os.getpid()}"
    print(
        f"\n== on Redis ({client.info('server')['redis_version']}): {LIMIT} per {WINDOW:g} s, {n} "
        "decisions per round, "
        f"{rounds} interleaved rounds"
    )
    print(
        f"{'strategy':42s} {'keys':>6s} {'trips/dec':>9s} {'cmds/dec':>9s} {'ours/s':>9s} "
        f"{'limits/s':>9s} {'ratio':>6s}"
    )
    for label, (ours_cls, theirs_cls) in PAIRS.items():
        for n_keys in (1, 1000):
            keys = [f"user{i}" for i in range(n_keys)]

            def make_ours(ours_cls: Any = ours_cls) -> Any:
                return ours_cls(
                    LIMIT,
                    WINDOW,
                    storage=RedisStore(redis.Redis.from_url(url)),
                    prefix=f"{prefix}{time.perf_counter_ns()}",
                )

            def make_theirs(theirs_cls: Any = theirs_cls) -> Any:
                return theirs_cls(RedisStorage(url, key_prefix=f"{prefix}{time.perf_counter_ns()}"))

            counted = ours_cls(
                LIMIT,
                WINDOW,
                storage=RedisStore(CountingRedis.from_url(url)),
                prefix=f"{prefix}{time.perf_counter_ns()}",
            )
            trips = trips_per_decision(counted, keys, min(n, 2000))
            cmds = server_per_decision(client, make_ours().hit, keys, min(n, 2000))
            their_cmds = server_per_decision(
                client, partial(make_theirs().hit, ITEM), keys, min(n, 2000)
            )
            ours_rate, theirs_rate, ratio = compare(make_ours, make_theirs, keys, n, rounds)
            print(
                f"{label:42s} {n_keys:>6d} {trips:>9.2f} {cmds:>9.2f} {ours_rate:>9,.0f} "
                f"{theirs_rate:>9,.0f} {ratio:>5.2f}x"
            )
            print(f"{'   (limits)':42s} {'':>6s} {'':>9s} {their_cmds:>9.2f}")
            if ours_cls is SlidingLog:
                where = f"on Redis, sliding log, {n_keys} key{'s' if n_keys > 1 else ''}"
                verdict(f"{where}: exactly 1 round trip per decision", trips == 1.0, f"{trips:.2f}")
                verdict(
                    f"{where}: decisions/s >= 0.8x limits' MovingWindow",
                    ratio >= 0.8,
                    f"{ratio:.2f}x",
                )
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (seconds, not minutes)")
    args = parser.parse_args()
    n, rounds, redis_n, redis_rounds = (
        (5_000, 5, 1_000, 5) if args.quick else (20_000, 15, 3_000, 11)
    )
    print_load("before")
    memory_section(n, rounds)
    with redis_url() as url:
        if url is None:
            print("\n(no TARENTO_REDIS_URL and no redis-server binary: Redis section skipped)")
        else:
            redis_section(url, redis_n, redis_rounds)
    print("\n== targets (issue: performance)")
    for target, met, figure in VERDICTS:
        print_target(target, met, figure)
    print_load("after")


if __name__ == "__main__":
    main()
