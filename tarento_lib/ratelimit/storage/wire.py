"""Count what a Redis-backed limiter costs, through redis-py's and Redis's public interfaces.

Round trips: :class:`CountingRedis` is a ``redis.Redis`` whose ``execute_command`` records each
command's name before sending it (without pipelining, one command is one round trip);
``counting_client(client)`` builds one on ``client``'s own connection pool, so it sees the same
data (a fakeredis client's pool included). Server commands, the ``redis.call`` inside a script
included: :func:`server_commands` reads ``INFO commandstats`` before and after, which needs a real
server that nobody else uses meanwhile (fakeredis has no ``INFO``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

__all__ = ["CountingRedis", "counting_client", "server_commands"]


class CountingRedis(redis.Redis):
    """A ``redis.Redis`` that appends every command name it sends to :attr:`sent`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    def execute_command(self, *args: Any, **options: Any) -> Any:
        name = args[0]
        self.sent.append((name.decode() if isinstance(name, bytes) else str(name)).upper())
        return super().execute_command(*args, **options)


def counting_client(client: redis.Redis) -> CountingRedis:
    """A :class:`CountingRedis` on ``client``'s connection pool (same server, same settings)."""
    return CountingRedis(connection_pool=client.connection_pool)


@contextmanager
def server_commands(client: redis.Redis) -> Iterator[Counter[str]]:
    """Commands a real Redis server runs while the block runs, by lower-case name."""
    counts: Counter[str] = Counter()
    before = _commandstats(client)
    try:
        yield counts
    finally:
        after = _commandstats(client)
        for name, calls in after.items():
            if name != "info" and calls > before.get(name, 0):
                counts[name] = calls - before.get(name, 0)


def _commandstats(client: redis.Redis) -> dict[str, int]:
    return {
        name.removeprefix("cmdstat_"): int(stats["calls"])
        for name, stats in client.info("commandstats").items()
    }
