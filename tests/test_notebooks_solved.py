"""Run All when solved: a notebook whose exercise holds the model answer runs green.

For each notebook listed in ``SOLVED``, the cell tagged ``exercise-stub`` gets its stub
definition replaced by an import of the question's answer from ``tarento_lib.answers`` under
the stub's name (the cell's other statements, such as a ``check(...)`` call, stay). The
notebook then runs in a fresh kernel: every cell must finish (cells tagged
``raises-exception`` may raise, as in JupyterLab's Run All), and every scorecard the grader
prints must show all of its cases passing. A cell after the grader that asserts the stub
fails is exactly what this catches: nothing may punish a candidate for solving the exercise.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from tarento_lib.questions import question
from tests.model_answers import answer_module, answer_name

TAG = "exercise-stub"

# Notebooks whose model answer exists; each lesson issue adds its own.
SOLVED = ("q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11")

# Notebooks that do not run green with their answer yet: number -> why. Strict xfail, so the
# lesson issue that fixes one notices, and removes the entry.
NOT_GREEN_YET: dict[str, str] = {
    "q09": "the answer's complete() returns a path, so 2 of the 12 upload cases fail",
}

_TOP_LEVEL_AWAIT = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_CARD = re.compile(r"(?P<passed>\d+)/(?P<total>\d+) cases? pass")
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def parse(source: str) -> ast.Module | None:
    """A code cell's syntax tree (top-level ``await`` allowed), or None for IPython magics."""
    try:
        return compile(source, "<cell>", "exec", flags=_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return None


def graded_names(notebook: nbformat.NotebookNode) -> set[str]:
    """Names passed as the first argument of ``check(...)`` anywhere in the notebook."""
    names = set()
    for cell in notebook.cells:
        tree = parse(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "check"
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                names.add(node.args[0].id)
    return names


def stub_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    tagged = [c for c in notebook.cells if TAG in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"expected one cell tagged {TAG!r}, found {len(tagged)}"
    return tagged[0]


def solved_source(source: str, graded: set[str], module: str, answer: str) -> tuple[str, str]:
    """The stub cell with its graded definition replaced by an import of the answer."""
    tree = parse(source)
    assert tree is not None, "the stub cell must be plain Python"
    stubs = [node for node in tree.body if isinstance(node, _DEFINITIONS) and node.name in graded]
    assert len(stubs) == 1, f"the stub cell defines {len(stubs)} of the graded names {graded}"
    stub = stubs[0]
    first = min([stub.lineno, *(d.lineno for d in stub.decorator_list)])
    binding = answer if answer == stub.name else f"{answer} as {stub.name}"
    lines = source.splitlines()
    lines[first - 1 : stub.end_lineno] = [f"from {module} import {binding}"]
    return "\n".join(lines), stub.name


def scorecards(notebook: nbformat.NotebookNode) -> list[re.Match[str]]:
    cards = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                cards.extend(_CARD.finditer(output.text))
    return cards


def solved_params() -> list[object]:
    return [
        pytest.param(
            number,
            id=number,
            marks=[pytest.mark.xfail(reason=reason, strict=True)]
            if (reason := NOT_GREEN_YET.get(number))
            else [],
        )
        for number in SOLVED
    ]


def test_the_stub_cell_becomes_an_import_of_the_answer() -> None:
    source = (
        'import math\n\n\n@decorated\nclass MyCache:\n    pass\n\n\ncard = check(MyCache, "lru")'
    )
    solved, name = solved_source(source, {"MyCache"}, "tarento_lib.answers.q01_lru", "LRUCache")
    assert name == "MyCache"
    assert solved.splitlines() == [
        "import math",
        "",
        "",
        "from tarento_lib.answers.q01_lru import LRUCache as MyCache",
        "",
        "",
        'card = check(MyCache, "lru")',
    ]


def test_every_question_notebook_tags_one_exercise_stub() -> None:
    from tarento_lib.questions import QUESTIONS

    for entry in QUESTIONS:
        notebook = nbformat.read(entry.path, as_version=4)
        tree = parse(stub_cell(notebook).source)
        assert tree is not None
        defined = {node.name for node in tree.body if isinstance(node, _DEFINITIONS)}
        assert defined & graded_names(notebook), entry.notebook


def run_solved(notebook: nbformat.NotebookNode, module: ModuleType, directory: Path) -> str:
    """Put the answer in the stub cell, execute every cell in a fresh kernel, return the stub name.

    Raises nbclient's ``CellExecutionError`` at the first cell that fails.
    """
    from nbclient import NotebookClient

    cell = stub_cell(notebook)
    cell.source, stub_name = solved_source(
        cell.source, graded_names(notebook), module.__name__, answer_name(module)
    )
    resources = {"metadata": {"path": str(directory)}}
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources=resources).execute()
    return stub_name


def assert_every_card_green(notebook: nbformat.NotebookNode) -> None:
    cards = scorecards(notebook)
    assert cards, "the grader printed no scorecard"
    for card in cards:
        assert card["passed"] == card["total"] != "0", card[0]


@pytest.mark.slow  # a kernel
def test_a_cell_asserting_the_stub_fails_is_caught(tmp_path: Path) -> None:
    stub = nbformat.v4.new_code_cell("class MyCache:\n    pass", metadata={"tags": [TAG]})
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from tarento_lib.lab import check"),
            stub,
            nbformat.v4.new_code_cell('card = check(MyCache, "lru")'),
            nbformat.v4.new_code_cell("assert not card.ok  # the stub fails, honestly"),
        ]
    )
    module = answer_module("q01")
    assert module is not None
    with pytest.raises(CellExecutionError, match="AssertionError"):
        run_solved(notebook, module, tmp_path)
    assert "import LRUCache as MyCache" in stub.source
    assert_every_card_green(notebook)  # the grader itself saw the answer pass


@pytest.mark.slow  # a kernel runs the whole notebook
@pytest.mark.parametrize("number", solved_params())
def test_run_all_is_green_when_the_exercise_is_solved(number: str) -> None:
    entry = question(number)
    module = answer_module(number)
    assert module is not None, f"{number} is listed as solved but has no answer module"
    notebook = nbformat.read(entry.path, as_version=4)
    try:
        stub_name = run_solved(notebook, module, entry.path.parent)
    except CellExecutionError as error:
        pytest.fail(f"{entry.notebook} with the model answer in its stub cell: {error}")
    assert stub_name in graded_names(notebook)
    assert_every_card_green(notebook)
