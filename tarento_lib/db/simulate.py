"""Simulations on a FakeClock: one client's retry timeline, and a herd of clients reconnecting.

Both drive the very same policy objects the connection manager uses; since a policy is a pure
function of the retry state, simulating thousands of attempts takes milliseconds and gives the
same picture every run.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from tarento_lib._validate import require_int, require_number
from tarento_lib.clock import FakeClock
from tarento_lib.retry import Attempt, Policy, RetryError, RetryState, decide, retry_call

__all__ = ["HerdResult", "bucket_counts", "reconnect_herd", "retry_timeline", "timeline_spans"]


def retry_timeline(
    policy: Policy, *, outage: float, attempt_cost: float = 0.05, seed: int = 0
) -> list[Attempt]:
    """The attempts of one client that starts connecting
    at t=0 to a server down until ``outage``."""
    outage = require_number(outage, "outage", minimum=0)
    attempt_cost = require_number(attempt_cost, "attempt_cost", minimum=0)
    clock, record = FakeClock(), []

    def connect() -> str:
        clock.advance(attempt_cost)
        if clock.now() <= outage:
            raise ConnectionRefusedError("server is down")
        return "connected"

    with contextlib.suppress(RetryError):  # giving up is part of the picture
        retry_call(
            connect, policy, clock=clock, rng=random.Random(seed), record=record, what="connect"
        )
    return record


def timeline_spans(lane: str, attempts: Sequence[Attempt]) -> list[tuple[str, float, float, str]]:
    """``(lane, start, end, kind)`` spans
    for :func:`tarento_lib.lab.timeline`: attempts and waits."""
    spans = []
    for attempt in attempts:
        spans.append(
            (lane, attempt.start, attempt.end, "connected" if attempt.ok else "failed attempt")
        )
        if attempt.wait:
            spans.append((lane, attempt.end, attempt.end + attempt.wait, "waiting"))
    return spans


@dataclass
class HerdResult:
    """Every attempt time of every client,
    and when each client got connected (``None``: gave up)."""

    attempts: list[float] = field(default_factory=list)
    connected: list[float | None] = field(default_factory=list)

    @property
    def gave_up(self) -> int:
        return sum(t is None for t in self.connected)

    @property
    def all_connected_at(self) -> float | None:
        """When the last client got its connection (``None`` if any gave up)."""
        return None if self.gave_up else max(t for t in self.connected if t is not None)


def reconnect_herd(
    policy: Policy,
    *,
    clients: int = 100,
    outage: float = 10.0,
    capacity: int | None = None,
    bucket: float = 1.0,
    seed: int = 0,
    horizon: float = 600.0,
) -> HerdResult:
    """``clients`` all lose their connection at t=0; the server is back at ``outage``.

    Once back it accepts at most ``capacity`` new connections per ``bucket`` seconds (``None``:
    unlimited); the rest are refused and retry under ``policy``. A discrete-event simulation on a
    :class:`FakeClock`, attempts processed in time order (ties by client number).
    """
    require_int(clients, "clients", minimum=1, maximum=100_000)
    if capacity is not None:
        require_int(capacity, "capacity", minimum=1)
    outage, horizon = (
        require_number(outage, "outage", minimum=0),
        require_number(horizon, "horizon", minimum=0, min_inclusive=False),
    )
    bucket = require_number(bucket, "bucket", minimum=0, min_inclusive=False)
    clock, rng, result = FakeClock(), random.Random(seed), HerdResult(connected=[None] * clients)
    accepted: dict[int, int] = {}
    queue = [(0.0, client, 1) for client in range(clients)]  # (time, client, attempt)
    while queue:
        now, client, attempt = heapq.heappop(queue)
        clock.set(now)
        result.attempts.append(now)
        slot = math.floor(now / bucket)
        if now >= outage and (capacity is None or accepted.get(slot, 0) < capacity):
            accepted[slot] = accepted.get(slot, 0) + 1
            result.connected[client] = now
            continue
        error = ConnectionRefusedError("server down" if now < outage else "server overloaded")
        wait = decide(policy, RetryState(attempt, elapsed=now, error=error, jitter=rng.random()))
        if wait is not None and now + wait <= horizon:
            heapq.heappush(queue, (now + wait, client, attempt + 1))
    return result


def bucket_counts(times: Sequence[float], *, width: float, until: float) -> list[int]:
    """How many of ``times`` fall in each bucket ``[k*width, (k+1)*width)`` up to ``until``."""
    width = require_number(width, "width", minimum=0, min_inclusive=False)
    counts = [0] * max(1, math.ceil(require_number(until, "until", minimum=0) / width))
    for t in times:
        k = int(t // width)
        if 0 <= k < len(counts):
            counts[k] += 1
    return counts
