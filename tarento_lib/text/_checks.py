"""Argument checks shared by the text package: each names the argument and what is allowed."""

from __future__ import annotations

import math
from typing import Any

from tarento_lib._validate import require_int

__all__ = ["require_frequency", "require_int", "require_str"]


def require_str(value: Any, name: str) -> str:
    """``value`` if it is a ``str``; else ``TypeError`` naming the argument."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def require_frequency(value: Any, name: str = "frequency") -> float:
    """A finite, non-negative real number (int or float, not bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be an int or float, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value
