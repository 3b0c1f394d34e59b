"""Where the interview answers live and which name each one grades (shared by the tests)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import tarento_lib.answers

ANSWERS = Path(tarento_lib.answers.__file__).parent


def answer_path(number: str) -> Path | None:
    """``tarento_lib/answers/qNN_*.py`` for question ``number``, or None when not written yet."""
    found = sorted(ANSWERS.glob(f"{number}_*.py"))
    assert len(found) <= 1, f"more than one answer for {number}: {[p.name for p in found]}"
    return found[0] if found else None


def answer_module(number: str) -> ModuleType | None:
    path = answer_path(number)
    return None if path is None else importlib.import_module(f"tarento_lib.answers.{path.stem}")


def answer_name(module: ModuleType) -> str:
    """The graded class or function: the one name in the module's ``__all__``."""
    names = getattr(module, "__all__", [])
    assert len(names) == 1, f"{module.__name__}.__all__ must name the one graded answer: {names}"
    return str(names[0])


def answer_of(module: ModuleType) -> Any:
    return getattr(module, answer_name(module))
