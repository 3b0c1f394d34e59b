"""The Redis store: every decision is one EVALSHA of the strategy's Lua script (one round trip,
atomic on the server). Scripts are loaded once per store and reloaded if Redis forgets them.

Which clock? ``time_source="clock"`` (default) passes the limiter's injected clock, which keeps
notebooks and tests deterministic but is only right when every instance shares that clock.
Several app instances each have their own monotonic clock, so production should use
``time_source="server"``: the script reads Redis's ``TIME``, the one clock they all share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redis.exceptions import NoScriptError, RedisError

from tarento_lib.ratelimit.decision import Decision, new_decision
from tarento_lib.ratelimit.errors import ConfigurationError, StorageError
from tarento_lib.ratelimit.storage.scripts import SCRIPTS

if TYPE_CHECKING:
    from tarento_lib.ratelimit.base import RateLimiter

__all__ = ["RedisStore", "TIME_SOURCES"]

TIME_SOURCES = ("clock", "server")
_ONE = (b"1", "1")  # a client built with decode_responses=True answers str


class RedisStore:
    """Limiter state in Redis, shared by every process that uses the same server."""

    blocking = True

    def __init__(self, client: Any, *, time_source: str = "clock") -> None:
        if time_source not in TIME_SOURCES:
            raise ConfigurationError(f"time_source must be one of {TIME_SOURCES}, got {time_source!r}")
        if not callable(getattr(client, "evalsha", None)):
            raise TypeError(f"client must be a redis.Redis-like client, got {type(client).__name__}")
        self.client = client
        self.time_source = time_source
        self._shas: dict[str, str] = {}

    def supports(self, strategy: str) -> bool:
        return strategy in SCRIPTS

    def decide(self, limiter: RateLimiter, key: str, now: float, cost: int, consume: bool) -> Decision:
        when = "" if self.time_source == "server" else now
        args = (when, cost, 1 if consume else 0, *limiter.script_args())
        allowed, remaining, retry, reset = self._run(limiter.name, key, args).split()
        return new_decision((allowed in _ONE, limiter.limit, int(remaining), float(retry), float(reset), False))

    def clear(self, key: str) -> None:
        try:
            self.client.delete(key)
        except RedisError as exc:
            raise StorageError(f"redis DEL failed: {exc}") from exc

    def _run(self, name: str, key: str, args: tuple[Any, ...]) -> Any:
        try:
            sha = self._shas.get(name) or self._load(name)
            try:
                return self.client.evalsha(sha, 1, key, *args)
            except NoScriptError:  # the server restarted or ran SCRIPT FLUSH: load again, once
                return self.client.evalsha(self._load(name), 1, key, *args)
        except RedisError as exc:
            raise StorageError(f"redis {name} script failed: {type(exc).__name__}: {exc}") from exc

    def _load(self, name: str) -> str:
        sha = self.client.script_load(SCRIPTS[name])
        self._shas[name] = sha if isinstance(sha, str) else sha.decode()
        return self._shas[name]

    def __repr__(self) -> str:
        return f"RedisStore(time_source={self.time_source!r})"
