"""Count what a Redis-backed limiter costs: commands the client sends, commands the server runs.

``client_commands()`` records every command redis-py writes (connection handshakes left out):
without pipelining, one command is one round trip. ``server_commands(client)`` counts what the
server executes, the ``redis.call`` inside a script included, by command name: on a real server
from ``INFO commandstats`` deltas (so only meaningful when nobody else uses that server
meanwhile), on fakeredis by watching it run them. Both are for notebooks, tests and benchmarks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis.connection import AbstractConnection

__all__ = ["client_commands", "server_commands"]

_HANDSHAKE = {"CLIENT", "HELLO", "AUTH", "SELECT", "READONLY"}


def _name(command: Any) -> str:
    return (command.decode() if isinstance(command, bytes) else str(command)).upper()


@contextmanager
def client_commands(*, with_args: bool = False) -> Iterator[list[Any]]:
    """What every redis-py connection sends while the block runs: command names (upper case),
    or with ``with_args=True`` each command's whole argument tuple as the caller passed it."""
    sent: list[Any] = []
    original = AbstractConnection.send_command

    def recording(conn: Any, *args: Any, **kwargs: Any) -> None:
        if _name(args[0]) not in _HANDSHAKE:
            sent.append(args if with_args else _name(args[0]))
        original(conn, *args, **kwargs)

    AbstractConnection.send_command = recording
    try:
        yield sent
    finally:
        AbstractConnection.send_command = original


@contextmanager
def server_commands(client: Any) -> Iterator[Counter[str]]:
    """Commands the server behind ``client`` runs while the block runs, by lower-case name."""
    counts: Counter[str] = Counter()
    if _is_fake(client):
        with _watch_fake(counts):
            yield counts
        return
    before = _commandstats(client)
    try:
        yield counts
    finally:
        after = _commandstats(client)
        for name, calls in after.items():
            if name != "info" and calls > before.get(name, 0):
                counts[name] = calls - before.get(name, 0)


def _commandstats(client: Any) -> dict[str, int]:
    return {
        name.removeprefix("cmdstat_"): int(stats["calls"])
        for name, stats in client.info("commandstats").items()
    }


def _is_fake(client: Any) -> bool:
    return type(client).__module__.startswith("fakeredis")


@contextmanager
def _watch_fake(counts: Counter[str]) -> Iterator[None]:
    from fakeredis._socket import (
        BaseFakeSocket,
    )  # where fakeredis runs every command, scripts' ones too

    original = BaseFakeSocket._run_command

    def counting(sock: Any, func: Any, sig: Any, args: list[Any], from_script: bool) -> Any:
        counts[sig.name.lower()] += 1
        return original(sock, func, sig, args, from_script)

    BaseFakeSocket._run_command = counting
    try:
        yield
    finally:
        BaseFakeSocket._run_command = original
