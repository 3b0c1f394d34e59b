"""``tarento_lib.lab.tools.run_tool``: a developer tool run from a notebook, leaving no trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarento_lib.lab.tools import run_tool

CHECK = ["ruff", "check", "--isolated", "--select", "F401", "--output-format", "concise"]


def test_reads_standard_input_and_returns_the_report() -> None:
    report = run_tool(*CHECK, "--stdin-filename", "snippet.py", "-", stdin="import os\n")
    assert "snippet.py:1:8: F401" in report and "\x1b[" not in report


def test_runs_in_an_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert "All checks passed" in run_tool(*CHECK, "-", stdin="x = 1\n")
    assert list(tmp_path.iterdir()) == []  # no cache beside the caller


def test_a_missing_tool_is_named() -> None:
    with pytest.raises(FileNotFoundError, match="no_such_tool_here is not installed"):
        run_tool("no_such_tool_here")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((), {}, ValueError, "args must name a module"),
        (("ruff", 3), {}, TypeError, "args must be a str"),
        (("ruff",), {"stdin": b"x"}, TypeError, "stdin must be a str"),
        (("ruff",), {"timeout": 0}, ValueError, "timeout"),
    ],
)
def test_bad_arguments(args: tuple, kwargs: dict, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        run_tool(*args, **kwargs)
