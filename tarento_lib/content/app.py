"""``create_app``: the application factory
(``uvicorn --factory tarento_lib.content:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tarento_lib._validate import require_instance
from tarento_lib.auth import TokenAuthority, install_authority, resolve_authority
from tarento_lib.clock import DatedClock, MonotonicClock
from tarento_lib.content.cache import ReadCache
from tarento_lib.content.database import Database
from tarento_lib.content.routes import router

__all__ = ["create_app"]


def create_app(
    database_url: str | None = None,
    *,
    schema: str | None = None,
    clock: DatedClock | None = None,
    read_cache_ttl: float = 0.0,
    auth: TokenAuthority | None = None,
    production: bool | None = None,
) -> FastAPI:
    """A new content API on ``database_url`` (default: ``$TARENTO_DATABASE_URL``, else SQLite in
    memory).

    Nothing connects until the first request; tables are created then (or at startup
    under a server that runs the lifespan).

    ``clock`` is the app's one time source (default: :class:`~tarento_lib.clock.MonotonicClock`;
    a ``FakeClock`` makes every timestamp the same from run to run). Its ``wall()`` stamps rows
    and checks token lifetimes; its monotonic ``now()`` ages cached reads, so setting the system
    clock neither expires them early nor keeps them late. ``read_cache_ttl > 0`` caches rendered
    public reads in-process for that many seconds, dropped at once by writes through this process.

    ``auth`` verifies the bearer tokens of every write (default: from ``$TARENTO_AUTH_SECRET``,
    else the development authority, whose tokens anyone can mint; both on ``clock``).
    ``production`` (default: ``$TARENTO_ENV == "production"``) refuses to build an app that
    would accept development credentials.
    """
    clock = MonotonicClock() if clock is None else require_instance(clock, "clock", DatedClock)
    authority = resolve_authority(auth, production=production, now=clock.wall)
    database = Database(database_url, schema=schema)
    read_cache = ReadCache(read_cache_ttl, clock=clock) if read_cache_ttl else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await database.create_tables()
        yield
        await database.dispose()

    app = FastAPI(
        title="Tarento multilingual content API",
        version="1.0.0",
        lifespan=lifespan,
        description="Content in English and the 22 scheduled languages of India, with fallbacks.",
    )
    app.state.clock = clock
    app.state.database = database
    app.state.read_cache = read_cache
    install_authority(app, authority)
    app.include_router(router)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _internal_error)
    return app


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    """422 with where and why, but without echoing the input
    (it may be 100 kB, or not even UTF-8)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [{"type": e["type"], "loc": list(e["loc"]), "msg": str(e["msg"])} for e in errors]
    return JSONResponse({"detail": detail}, status_code=422)


async def _internal_error(_request: Request, _exc: Exception) -> JSONResponse:
    """A bug is still answered in JSON (and re-raised by Starlette so it gets logged)."""
    return JSONResponse({"detail": "internal server error"}, status_code=500)
