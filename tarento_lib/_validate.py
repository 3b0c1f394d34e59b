"""Argument checks shared by every package.

One argument order, ``require_x(value, name, ...)``, and one message shape: the argument's
name, what is allowed, and what was given::

    TypeError: capacity must be an int, got str
    ValueError: capacity must be an int >= 1, got 0
    ValueError: jitter must be a finite number in [0, 1), got 1.5

Each check returns the value it accepted, so a constructor reads
``self.capacity = require_int(capacity, "capacity", minimum=1)``; an argument that may be
``None`` reads ``None if ttl is None else require_number(ttl, "ttl", ...)``.

Why a small module and not pydantic's ``validate_call(strict=True)``: these checks run in
constructors that sit on hot paths (a cache's ``__init__`` is cheap, a validated call is not),
the messages must name the range in words a reader of a notebook understands, and the rules
(``bool`` is not an ``int``; numbers are finite unless a call says otherwise) are the same
few everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import Any, TypeVar

__all__ = [
    "require_bool",
    "require_callable",
    "require_choice",
    "require_instance",
    "require_int",
    "require_number",
    "require_str",
]

T = TypeVar("T")


def _kind(value: object) -> str:
    return type(value).__name__


def _range(
    minimum: float | None,
    maximum: float | None,
    *,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> str:
    """The allowed range in words: ``>= 1``, ``> 0``, ``<= 10``, ``in [0, 1)``."""
    if minimum is not None and maximum is not None:
        left = "[" if min_inclusive else "("
        right = "]" if max_inclusive else ")"
        return f" in {left}{minimum}, {maximum}{right}"
    if minimum is not None:
        return f" {'>=' if min_inclusive else '>'} {minimum}"
    if maximum is not None:
        return f" {'<=' if max_inclusive else '<'} {maximum}"
    return ""


def require_int(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` if it is an ``int`` (not a ``bool``) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {_kind(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an int{_range(minimum, maximum)}, got {value}")
    return value


def require_number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
    finite: bool = True,
) -> float:
    """``value`` as a finite ``float`` (an ``int`` or ``float``, not a ``bool``) within the range.

    ``min_inclusive=False`` makes the lower bound strict (``> 0`` for a period or a rate).
    ``finite=False`` also accepts an infinity (an end time that never comes); NaN never passes.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {_kind(value)}")
    too_low = minimum is not None and (value < minimum or (not min_inclusive and value == minimum))
    too_high = maximum is not None and (value > maximum or (not max_inclusive and value == maximum))
    if too_low or too_high or math.isnan(value) or (finite and math.isinf(value)):
        allowed = _range(minimum, maximum, min_inclusive=min_inclusive, max_inclusive=max_inclusive)
        kind = "a finite number" if finite else "a number"
        raise ValueError(f"{name} must be {kind}{allowed}, got {value!r}")
    return float(value)


def require_bool(value: Any, name: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (not merely truthy)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_kind(value)}")
    return value


def require_str(value: Any, name: str, *, non_empty: bool = False) -> str:
    """``value`` if it is a ``str`` (and, with ``non_empty``, not blank)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_kind(value)}")
    if non_empty and not value.strip():
        raise ValueError(f"{name} must be a non-blank str, got {value!r}")
    return value


def require_choice(value: T, name: str, choices: Collection[T]) -> T:
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def require_instance(value: Any, name: str, kinds: type[T] | tuple[type[T], ...]) -> T:
    """``value`` if it is an instance of ``kinds`` (a class or a tuple of classes)."""
    if not isinstance(value, kinds):
        names = [kind.__name__ for kind in (kinds if isinstance(kinds, tuple) else (kinds,))]
        allowed = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        article = "an" if allowed[0].lower() in "aeiou" else "a"
        raise TypeError(f"{name} must be {article} {allowed}, got {_kind(value)}")
    return value


def require_callable(value: Any, name: str) -> Callable[..., Any]:
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {_kind(value)}")
    return value
