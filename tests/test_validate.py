"""The argument checks every package uses: types, bool refusal, bounds and one message shape."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from tarento_lib._validate import (
    require_bool,
    require_callable,
    require_choice,
    require_instance,
    require_int,
    require_number,
    require_str,
)


def test_require_int_returns_the_value_inside_its_bounds() -> None:
    assert require_int(0, "n") == 0
    assert require_int(1, "capacity", minimum=1) == 1
    assert require_int(10, "workers", minimum=1, maximum=10) == 10
    assert require_int(-5, "offset", maximum=0) == -5


@pytest.mark.parametrize(
    ("value", "kind"),
    [(True, "bool"), (False, "bool"), (2.0, "float"), ("3", "str"), (None, "NoneType")],
)
def test_require_int_refuses_other_types_and_bool(value: object, kind: str) -> None:
    with pytest.raises(TypeError, match=f"^x must be an int, got {kind}$"):
        require_int(value, "x", minimum=0)


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        (0, {"minimum": 1}, "capacity must be an int >= 1, got 0"),
        (11, {"maximum": 10}, "capacity must be an int <= 10, got 11"),
        (0, {"minimum": 1, "maximum": 10}, r"capacity must be an int in \[1, 10\], got 0"),
        (11, {"minimum": 1, "maximum": 10}, r"capacity must be an int in \[1, 10\], got 11"),
    ],
)
def test_require_int_names_the_argument_and_the_range(
    value: int, bounds: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        require_int(value, "capacity", **bounds)


def test_require_number_accepts_ints_and_floats_and_returns_a_float() -> None:
    assert require_number(3, "rate") == 3.0 and isinstance(require_number(3, "rate"), float)
    assert require_number(0.5, "jitter", minimum=0, maximum=1, max_inclusive=False) == 0.5
    assert require_number(0, "delay", minimum=0) == 0.0
    assert require_number(-1e300, "anything") == -1e300


@pytest.mark.parametrize(("value", "kind"), [(True, "bool"), ("1", "str"), (None, "NoneType")])
def test_require_number_refuses_other_types_and_bool(value: object, kind: str) -> None:
    with pytest.raises(TypeError, match=f"^x must be a number, got {kind}$"):
        require_number(value, "x")


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        (0, {"minimum": 0, "min_inclusive": False}, "period must be a finite number > 0, got 0"),
        (-0.5, {"minimum": 0}, r"period must be a finite number >= 0, got -0.5"),
        (2, {"maximum": 1}, "period must be a finite number <= 1, got 2"),
        (1, {"maximum": 1, "max_inclusive": False}, "period must be a finite number < 1, got 1"),
        (
            1.5,
            {"minimum": 0, "maximum": 1, "max_inclusive": False},
            r"period must be a finite number in \[0, 1\), got 1.5",
        ),
        (
            0,
            {"minimum": 0, "maximum": 1, "min_inclusive": False},
            r"period must be a finite number in \(0, 1\], got 0",
        ),
    ],
)
def test_require_number_bounds_inclusive_and_exclusive(
    value: float, bounds: dict[str, float | bool], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        require_number(value, "period", **bounds)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_require_number_refuses_nan_and_infinity(value: float) -> None:
    with pytest.raises(ValueError, match=r"^ttl must be a finite number > 0, got"):
        require_number(value, "ttl", minimum=0, min_inclusive=False)
    with pytest.raises(ValueError, match=r"^ttl must be a finite number, got"):
        require_number(value, "ttl")


def test_require_number_can_accept_infinity_but_never_nan() -> None:
    assert require_number(math.inf, "end", minimum=5, min_inclusive=False, finite=False) == math.inf
    with pytest.raises(ValueError, match=r"^end must be a number > 5, got nan$"):
        require_number(math.nan, "end", minimum=5, min_inclusive=False, finite=False)
    with pytest.raises(ValueError, match=r"^end must be a number > 5, got 5$"):
        require_number(5, "end", minimum=5, min_inclusive=False, finite=False)


def test_require_bool_wants_a_real_bool() -> None:
    assert require_bool(True, "flag") is True and require_bool(False, "flag") is False
    for value, kind in [(1, "int"), ("yes", "str"), (None, "NoneType")]:
        with pytest.raises(TypeError, match=f"^flag must be a bool, got {kind}$"):
            require_bool(value, "flag")


def test_require_str_and_non_blank() -> None:
    assert require_str("", "prefix") == ""
    assert require_str("ana", "key", non_empty=True) == "ana"
    with pytest.raises(TypeError, match=r"^key must be a str, got bytes$"):
        require_str(b"ana", "key")
    for blank in ("", "   "):
        with pytest.raises(ValueError, match=r"^bucket must be a non-blank str, got"):
            require_str(blank, "bucket", non_empty=True)


def test_require_choice_lists_what_is_allowed() -> None:
    assert require_choice("wait", "on_full", ("raise", "wait")) == "wait"
    with pytest.raises(ValueError, match=r"^on_full must be one of 'raise', 'wait', got 'drop'$"):
        require_choice("drop", "on_full", ("raise", "wait"))


def test_require_instance_names_the_classes_with_an_article() -> None:
    assert require_instance(Path("x"), "path", (str, Path)) == Path("x")
    cases = [
        (int, "n must be an int, got str"),
        (Path, "n must be a Path, got str"),
        ((bytes, bytearray, memoryview), "n must be a bytes, bytearray or memoryview, got str"),
        ((int, os.PathLike), "n must be an int or PathLike, got str"),
    ]
    for kinds, message in cases:
        with pytest.raises(TypeError, match=f"^{message}$"):
            require_instance("text", "n", kinds)


def test_require_callable() -> None:
    assert require_callable(len, "timer") is len
    with pytest.raises(TypeError, match=r"^timer must be callable, got int$"):
        require_callable(3, "timer")
