"""An application error hierarchy with machine-readable codes and HTTP statuses.

Raise the narrowest :class:`AppError`; the HTTP layer (:mod:`tarento_lib.patterns.http`)
turns it into ``{"error": {"code", "message", "details"}}`` with the class's status.
:func:`translate_errors` wraps lower-level exceptions *with the original kept as the cause*
(``raise ... from exc``) and lets the application's own errors through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

from tarento_lib._validate import require_str

__all__ = [
    "DEFAULT_TRANSLATIONS",
    "AppError",
    "Conflict",
    "InternalError",
    "InvalidInput",
    "NotFound",
    "ServiceUnavailable",
    "translate_errors",
]


class AppError(Exception):
    """Base of every error the application raises on purpose."""

    code: ClassVar[str] = "app_error"
    status: ClassVar[int] = 500

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(require_str(message, "message", non_empty=True))
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """The JSON body clients see: a stable code, a readable message and details."""
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class InvalidInput(AppError):
    code, status = "invalid_input", 422


class NotFound(AppError):
    code, status = "not_found", 404


class Conflict(AppError):
    code, status = "conflict", 409


class ServiceUnavailable(AppError):
    code, status = "service_unavailable", 503


class InternalError(AppError):
    code, status = "internal_error", 500


DEFAULT_TRANSLATIONS: Mapping[type[Exception], type[AppError]] = {
    ConnectionError: ServiceUnavailable,
    TimeoutError: ServiceUnavailable,
    ValueError: InvalidInput,
}


@contextmanager
def translate_errors(
    translations: Mapping[type[Exception], type[AppError]] = DEFAULT_TRANSLATIONS,
    *,
    what: str = "the operation",
) -> Iterator[None]:
    """Re-raise low-level exceptions as :class:`AppError` subclasses, chained to the original.

    An :class:`AppError` raised inside passes through untouched (its code and details survive);
    anything not in ``translations`` becomes :class:`InternalError`. ``BaseException``s that are
    not ``Exception`` (cancellation, Ctrl-C) are never wrapped.
    """
    try:
        yield
    except AppError:
        raise
    except Exception as exc:
        target = next(
            (app for low, app in translations.items() if isinstance(exc, low)), InternalError
        )
        raise target(f"{what} failed: {type(exc).__name__}", details={"cause": str(exc)}) from exc
