"""Argument checks shared across packages: each error names the argument and what is allowed."""

from __future__ import annotations

from typing import Any

__all__ = ["require_int"]


def require_int(value: Any, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` if it is an ``int`` (not a bool) of at least ``minimum`` (and at most ``maximum``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in {minimum}..{maximum}, got {value}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value
