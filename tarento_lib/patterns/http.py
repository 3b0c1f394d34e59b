"""FastAPI exception handlers: :class:`AppError`
to its status and JSON body, never a bare 500 page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tarento_lib._validate import require_instance
from tarento_lib.patterns.errors import AppError, InternalError, InvalidInput

__all__ = ["error_response", "install_error_handlers"]

logger = logging.getLogger(__name__)


def error_response(error: AppError) -> JSONResponse:
    return JSONResponse(status_code=error.status, content={"error": error.to_dict()})


async def _on_app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    if exc.status >= 500:
        logger.error("%s %s failed: %r", request.method, request.url.path, exc, exc_info=exc)
    return error_response(exc)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details: dict[str, Any] = {
        "errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    }
    return error_response(InvalidInput("the request is not valid", details=details))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error(
        "%s %s raised an unexpected %s",
        request.method,
        request.url.path,
        type(exc).__name__,
        exc_info=exc,
    )
    return error_response(InternalError("internal error"))  # no internals leak to the client


def install_error_handlers(app: FastAPI) -> FastAPI:
    """Register the handlers on ``app`` and return it."""
    require_instance(app, "app", FastAPI)
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
    return app
