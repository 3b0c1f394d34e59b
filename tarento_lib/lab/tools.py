"""Run a developer tool (mypy, ruff, ...) from a notebook: ``run_tool("ruff", "check", "-")``.

The tool runs as ``python -m <tool>`` with the notebook's own interpreter, in an empty temporary
directory (so no cache or report lands beside the notebook), with colours off. Source to check
goes in on standard input or, for mypy, as ``-c <program>``; file names in its report are then
``-`` or ``<string>``, never a path on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from tarento_lib._validate import require_number, require_str

__all__ = ["run_tool"]


def run_tool(*args: str, stdin: str = "", timeout: float = 60.0) -> str:
    """What ``python -m <args>`` prints on its standard output, given ``stdin``.

    Raises ``FileNotFoundError`` when no such module is installed.
    """
    if not args:
        raise ValueError("args must name a module, got nothing")
    for arg in args:
        require_str(arg, "args")
    require_str(stdin, "stdin")
    require_number(timeout, "timeout", minimum=0, min_inclusive=False)
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            [sys.executable, "-m", *args],
            input=stdin,
            cwd=empty,
            env={**os.environ, "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if "No module named" in done.stderr and not done.stdout:
        raise FileNotFoundError(f"{args[0]} is not installed: {done.stderr.strip()}")
    return done.stdout
