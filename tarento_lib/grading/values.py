"""Plain data between the two processes: what a candidate returned, as built-in values only.

The child turns every value a case observes into a tagged tree of built-ins (:func:`encode`);
the grader rebuilds it (:func:`decode`) through an unpickler that loads no class at all, and
compares it with :func:`strict_equal`, which never calls a method of the candidate's objects:
``3``, ``3.0`` and ``True`` are three different answers, and an object whose ``__eq__`` says
yes to everything is just an object.
"""

from __future__ import annotations

import io
import math
import pickle
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Opaque",
    "Raised",
    "decode",
    "dumps",
    "encode",
    "loads",
    "show",
    "strict_equal",
]

_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")
_DEFAULT_REPR = re.compile(r"<(?:\w+\.)*(\w+) object>")
_SCALARS = (bool, int, float, str, bytes)
_SEQUENCES = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
MAX_ITEMS = 100_000
MAX_DEPTH = 30
MAX_SHOWN = 300


@dataclass(frozen=True)
class Opaque:
    """A value that is not a built-in (a candidate's object): only its class name and text."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Raised:
    """A call that raised: the qualified names of the exception's classes, and how it reads."""

    names: tuple[str, ...]
    text: str

    def __repr__(self) -> str:
        return f"raised {self.text}"


def describe_exception(exc: BaseException) -> str:
    """``KeyError: 'id'``, or just ``NotImplementedError`` when the message is empty."""
    try:
        message = str(exc)
    except Exception:
        message = ""
    name = type(exc).__name__
    return f"{name}: {_clean(message)}" if message else name


def _clean(text: str) -> str:
    text = _DEFAULT_REPR.sub(r"\1", _ADDRESS.sub("", text))
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 3]}..."


def show(value: Any) -> str:
    """``repr(value)`` for a replay line: no memory addresses, cut to a readable length."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return _clean(text)


def encode(value: Any, depth: int = 0) -> tuple[Any, ...]:
    """``value`` as a tagged tree of built-ins; anything else becomes ``("object", name, text)``."""
    kind = type(value)  # type(), not __class__: an object cannot pretend to be an int
    if value is None:
        return ("none",)
    if kind in _SCALARS:
        return (kind.__name__, value)
    if depth < MAX_DEPTH and kind in _SEQUENCES and len(value) <= MAX_ITEMS:
        return (_SEQUENCES[kind], [encode(item, depth + 1) for item in value])
    if depth < MAX_DEPTH and kind is dict and len(value) <= MAX_ITEMS:
        return ("dict", [(encode(k, depth + 1), encode(v, depth + 1)) for k, v in value.items()])
    if isinstance(value, BaseException):
        return ("object", kind.__name__, describe_exception(value))
    return ("object", kind.__name__, show(value))


def encode_raised(exc: BaseException) -> tuple[Any, ...]:
    names = [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]
    return ("raised", names, describe_exception(exc))


def decode(tree: Any) -> Any:
    """Rebuild a tree made by :func:`encode`; a malformed tree raises ``ValueError``."""
    if not isinstance(tree, tuple) or not tree or not isinstance(tree[0], str):
        raise ValueError("malformed value")
    tag, rest = tree[0], tree[1:]
    if tag == "none" and not rest:
        return None
    scalar = {"bool": bool, "int": int, "float": float, "str": str, "bytes": bytes}.get(tag)
    if scalar is not None and len(rest) == 1 and type(rest[0]) is scalar:
        return rest[0]
    if tag in ("list", "tuple", "set", "frozenset") and len(rest) == 1 and type(rest[0]) is list:
        items = [decode(item) for item in rest[0]]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
    if tag == "dict" and len(rest) == 1 and type(rest[0]) is list:
        return {decode(k): decode(v) for k, v in rest[0]}
    if tag == "object" and len(rest) == 2 and all(type(part) is str for part in rest):
        return Opaque(rest[0], rest[1])
    if (
        tag == "raised"
        and len(rest) == 2
        and type(rest[0]) is list
        and type(rest[1]) is str
        and all(type(name) is str for name in rest[0])
    ):
        return Raised(tuple(rest[0]), rest[1])
    raise ValueError(f"malformed value tagged {tag!r}")


def _find(key: Any, keys: Any) -> tuple[bool, Any]:
    for other in keys:
        if strict_equal(key, other):
            return True, other
    return False, None


def strict_equal(a: Any, b: Any) -> bool:
    """Equality of decoded values that also demands the same built-in type at every level."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (Opaque, Raised)):
        return False  # an object is never the right answer to a question about values
    if type(a) is float:
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) in (set, frozenset):
        return len(a) == len(b) and all(_find(x, b)[0] for x in a)
    if type(a) is dict:
        if len(a) != len(b):
            return False
        for key, value in a.items():
            found, other = _find(key, b)
            if not found or not strict_equal(value, b[other]):
                return False
        return True
    return bool(a == b)


class _BuiltinsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the grader's channel carries no classes ({module}.{name})")


def dumps(message: Any) -> bytes:
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    """Unpickle a message made of built-ins only (no class is ever imported or called)."""
    return _BuiltinsOnly(io.BytesIO(data)).load()
