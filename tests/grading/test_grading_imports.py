"""The grader stands on the ground floor: grading imports nothing of the notebook UI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tarento_lib.questions import QUESTIONS

UI = ("matplotlib", "ipywidgets", "pygments", "IPython")


def ui_modules_after(statement: str) -> list[str]:
    """The UI modules a fresh interpreter holds after running ``statement``."""
    code = (
        f"import json, sys\n{statement}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "module",
    sorted(
        {
            "tarento_lib.grading",
            "tarento_lib.grading.child",
            "tarento_lib.lab",
            *(f"{q.library}.conformance" for q in QUESTIONS),
        }
    ),
)
def test_importing_loads_no_notebook_ui(module: str) -> None:
    assert ui_modules_after(f"import {module}") == []


def test_lab_still_offers_check_and_the_plot_helpers() -> None:
    assert ui_modules_after("from tarento_lib.lab import check, run_suite") == []
    assert "matplotlib" in ui_modules_after("from tarento_lib.lab import line_chart")
