"""FastAPI integration: a dependency that answers 429 with ``Retry-After`` and ``RateLimit-*``
headers.

Allowed responses carry the same ``RateLimit-*`` headers. The event loop never waits on Redis:
the dependency awaits ``limiter.ahit``, which awaits an ``AsyncRedisStore`` (``redis.asyncio``,
no thread), answers the memory store inline, and runs a blocking ``RedisStore`` in a thread.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, FastAPI, HTTPException, Request, Response

from tarento_lib._validate import require_callable, require_instance, require_int
from tarento_lib.ratelimit.base import RateLimiter
from tarento_lib.ratelimit.decision import Decision

__all__ = ["RateLimitDependency", "api_key_or_ip", "client_ip", "create_demo_app", "rate_limit"]

KeyFunc = Callable[[Request], str]


def client_ip(request: Request) -> str:
    """The peer address (behind a proxy, derive it from a trusted ``X-Forwarded-For`` instead)."""
    return request.client.host if request.client else "unknown"


def api_key_or_ip(request: Request) -> str:
    """Per user when the caller sends ``X-API-Key``, else per address."""
    key = request.headers.get("x-api-key")
    return f"key:{key}" if key else f"ip:{client_ip(request)}"


class RateLimitDependency:
    """``Depends(RateLimitDependency(limiter))``: admits the request or raises 429."""

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        key_func: KeyFunc = client_ip,
        cost: int = 1,
        per_route: bool = False,
    ) -> None:
        self.limiter = require_instance(limiter, "limiter", RateLimiter)
        self.key_func = require_callable(key_func, "key_func")
        self.cost = require_int(cost, "cost", minimum=1, maximum=limiter.limit)
        self.per_route = per_route

    def key(self, request: Request) -> str:
        key = self.key_func(request)
        return f"{request.method} {request.url.path}|{key}" if self.per_route else key

    async def __call__(self, request: Request, response: Response) -> Decision:
        key = self.key(request)
        decision = await self.limiter.ahit(key, self.cost)
        if not decision.allowed:
            detail = {"error": "rate_limited", "retry_after": decision.retry_after_seconds}
            raise HTTPException(status_code=429, detail=detail, headers=decision.headers())
        response.headers.update(decision.headers())
        return decision


def rate_limit(
    limiter: RateLimiter, *, key_func: KeyFunc = client_ip, cost: int = 1, per_route: bool = False
) -> Decision:
    """``Depends(...)`` marker for a route parameter:
    ``decision: Decision = rate_limit(limiter)``."""
    return Depends(RateLimitDependency(limiter, key_func=key_func, cost=cost, per_route=per_route))


def create_demo_app(limiter: RateLimiter, *, key_func: KeyFunc = api_key_or_ip) -> FastAPI:
    """A tiny app with one limited route, ``GET /hello``, and one free route, ``GET /health``."""
    app = FastAPI(title="rate limit demo")

    @app.get("/hello")
    def hello(decision: Decision = rate_limit(limiter, key_func=key_func)) -> dict[str, object]:
        return {"message": "hello", "remaining": decision.remaining}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
