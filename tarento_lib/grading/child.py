"""The child side: load the candidate, run each case on it, send back plain observations.

Started by the grader as ``python -m tarento_lib.grading.child``. It reads one request on stdin
and answers on its stdout pipe in frames (:mod:`tarento_lib.grading.channel`); the candidate's
own prints go to a bounded buffer, and file descriptors 1 and 2 to ``/dev/null``, so nothing the
candidate writes can be mistaken for an answer or flood the grader.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import cloudpickle

from tarento_lib.grading.cases import CaseFailure, Steps, Suite
from tarento_lib.grading.channel import write_frame
from tarento_lib.grading.values import describe_exception, loads

__all__ = ["OutputBuffer", "defined_names", "load_file", "main"]

OUTPUT_KEPT = 2_000  # characters of a case's printed output kept for the scorecard


class OutputBuffer(io.TextIOBase):
    """Keeps the first characters written and counts the rest."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        if self.size < OUTPUT_KEPT:
            self.kept.append(text[: OUTPUT_KEPT - self.size])
        self.size += len(text)
        return len(text)

    def take(self) -> tuple[str, int]:
        text, size = "".join(self.kept), self.size
        self.kept, self.size = [], 0
        return text, size


def defined_names(path: Path, kind: str) -> list[str]:
    """The classes (or functions) a file defines at its top level, read without running it.

    A file whose ``__all__`` lists exactly one of them offers that one: a module may define
    helpers beside the answer it exports.
    """
    wanted = ast.ClassDef if kind == "class" else (ast.FunctionDef, ast.AsyncFunctionDef)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    defined = [node.name for node in tree.body if isinstance(node, wanted)]
    exported = [name for name in _exported(tree) if name in defined]
    return exported if len(exported) == 1 else defined


def _exported(tree: ast.Module) -> list[str]:
    """The names a literal top-level ``__all__ = [...]`` lists (none when there is no such list)."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, (ast.List, ast.Tuple))
        ):
            return [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
    return []


def load_file(path: str, name: str) -> Any:
    """Import the file at ``path`` and return its top-level ``name``."""
    spec = importlib.util.spec_from_file_location(f"candidate_{Path(path).stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise LookupError(f"{Path(path).name} defines no {name!r}")
    return getattr(module, name)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f" (at line {frames[-1].lineno} in {frames[-1].name})" if frames else ""


def _run_case(suite: Suite, index: int, candidate: Any, output: OutputBuffer) -> tuple[Any, ...]:
    case, steps = suite.cases[index], Steps()
    error: tuple[str, str] | None = None
    try:
        case.run(candidate, steps)
    except CaseFailure as failure:
        error = ("failure", str(failure))
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: reported, never obeyed
        error = ("error", f"raised {describe_exception(exc)}{_where(exc)}")
    observations = [(o.what, o.value) for o in steps.observations]
    text, size = output.take()
    return ("case", index, observations, steps.lines, error, text, size)


def _serve(channel: int, request: dict[str, Any], output: OutputBuffer) -> None:
    suite = request["suite"]
    if isinstance(suite, str):
        from tarento_lib.grading.suites import get_suite

        suite = get_suite(suite)
    write_frame(channel, ("ready",))
    try:
        if request["file"] is not None:
            candidate = load_file(*request["file"])
        else:
            candidate = cloudpickle.loads(request["candidate"])
    except BaseException as exc:
        where = (
            f"importing {Path(request['file'][0]).name}" if request["file"] else "loading your code"
        )
        write_frame(channel, ("load_error", f"{where} raised {describe_exception(exc)}"))
        return
    write_frame(channel, ("loaded",))
    for index in range(request["start"], len(suite.cases)):
        write_frame(channel, _run_case(suite, index, candidate, output))
    write_frame(channel, ("done",))


def main() -> None:
    channel = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    raw = sys.stdin.buffer.read()
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    output = OutputBuffer()
    sys.stdout = sys.stderr = output
    sys.stdin = io.StringIO()
    try:
        path, payload = loads(raw)
        sys.path[:] = path
        request = cloudpickle.loads(payload)
        _serve(channel, request, output)
    except BaseException as exc:
        write_frame(channel, ("broken", f"the grader's process failed: {describe_exception(exc)}"))
    os._exit(0)  # the candidate's threads may still run: they end with the process


if __name__ == "__main__":
    main()
