"""The notebook cells that show an annotation ``NameError`` show it on every Python version.

Up to Python 3.13 a ``def`` evaluates its annotations; from 3.14 (PEP 649) they are evaluated when
first read. Compiling a cell with ``from __future__ import annotations`` defers them the same way,
so each cell is run both ways here and must end in the same ``NameError``.
"""

from __future__ import annotations
import __future__

import contextlib
import io
import json
import typing
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEMOS = [  # notebook, a text only the demonstrating cell holds, the name it never imported
    ("q02_sliding_window_rate_limiter", "Dict[str, int]", "Dict"),
    ("q04_text_similarity_indic", "-> Set[str]", "Set"),
    ("q11_patterns", "Optional[dict]", "Optional"),
]


def cell_source(notebook: str, marker: str) -> str:
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    (source,) = (
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and marker in "".join(c["source"])
    )
    return source


def outcome(source: str, *, deferred: bool) -> str:
    """What the cell says about the error: the message it raised, or the one it printed."""
    flags = __future__.annotations.compiler_flag if deferred else 0
    code = compile(source, "<cell>", "exec", flags=flags, dont_inherit=True)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(code, {"typing": typing})
    except NameError as exc:
        return f"raised {exc}"
    return f"printed {printed.getvalue()}"


@pytest.mark.parametrize("deferred", [False, True], ids=["eager", "deferred"])
@pytest.mark.parametrize("notebook, marker, name", DEMOS, ids=[d[0][:3] for d in DEMOS])
def test_the_name_error_shows_with_eager_and_deferred_annotations(
    notebook: str, marker: str, name: str, deferred: bool
) -> None:
    said = outcome(cell_source(notebook, marker), deferred=deferred)
    assert f"name '{name}' is not defined" in said
