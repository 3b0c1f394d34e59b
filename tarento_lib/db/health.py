"""Health checks: ping one node, summarise all of them, and serve ``GET /health/database``.

The endpoint answers 200 while the primary answers (a dead replica only *degrades* the service:
reads fall back to the primary) and 503 when the primary is down, always with per-node detail.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from tarento_lib.clock import Clock

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tarento_lib.db.manager import ConnectionManager
    from tarento_lib.db.nodes import Node

__all__ = ["HealthReport", "NodeHealth", "health_router", "probe"]


@dataclass(frozen=True)
class NodeHealth:
    """One node's answer to a ping."""

    name: str
    role: str
    ok: bool
    latency_ms: float
    breaker: str
    error: str | None = None


@dataclass(frozen=True)
class HealthReport:
    """Every node's health; ``status`` is healthy, degraded
    (a replica is down) or down (the primary is)."""

    nodes: tuple[NodeHealth, ...]

    @property
    def status(self) -> str:
        if not self.nodes[0].ok:
            return "down"
        return "healthy" if all(n.ok for n in self.nodes) else "degraded"

    @property
    def http_status(self) -> int:
        return 503 if self.status == "down" else 200

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "nodes": [asdict(n) for n in self.nodes]}

    def summary(self) -> dict[str, bool]:
        """``{node name: reachable}``, the short form."""
        return {n.name: n.ok for n in self.nodes}


async def probe(node: Node, clock: Clock, timeout: float) -> NodeHealth:
    """``SELECT 1`` on ``node`` (through its injected faults),
    timed on ``clock``; feeds its breaker."""
    start = clock.now()
    try:
        node.faults.check()
        async with asyncio.timeout(timeout):
            async with node.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except (
        Exception
    ) as error:  # any failure means "not healthy"; the reason is reported, not hidden
        node.breaker.record_failure()
        message = (
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(
                ": "
            )
        )
        return NodeHealth(
            node.name, node.role, False, _ms(clock.now() - start), node.breaker.state.value, message
        )
    node.breaker.record_success()
    return NodeHealth(
        node.name, node.role, True, _ms(clock.now() - start), node.breaker.state.value
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def health_router(manager: ConnectionManager) -> APIRouter:
    """A FastAPI router with ``GET /health/database`` for ``manager``."""
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse

    router = APIRouter(tags=["health"])

    @router.get(
        "/health/database",
        response_model=None,
        responses={503: {"description": "the primary database is unreachable"}},
    )
    async def database_health():
        report = await manager.health()
        return JSONResponse(report.as_dict(), status_code=report.http_status)

    return router
