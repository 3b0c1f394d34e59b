"""Every interview answer in ``tarento_lib.answers`` passes its question's exercise suite.

Parametrised over the question table: a question whose ``answers/qNN_*.py`` is not written yet
is skipped with a reason. Each answer stands apart from the library: it imports nothing else of
``tarento_lib``.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from tarento_lib.lab import get_suite, run_suite
from tarento_lib.questions import QUESTIONS, Question
from tests.model_answers import ANSWERS, answer_module, answer_of

# Answers that do not pass their question's suite yet: number -> why (strict xfail, so a fix
# is noticed and the entry goes).
KNOWN_GAPS: dict[str, str] = {}


def answer_params() -> list[object]:
    return [
        pytest.param(
            entry,
            id=entry.number,
            marks=[pytest.mark.xfail(reason=KNOWN_GAPS[entry.number], strict=True)]
            if entry.number in KNOWN_GAPS
            else [],
        )
        for entry in QUESTIONS
    ]


@pytest.mark.parametrize("entry", answer_params())
def test_each_answer_passes_its_suite_with_every_case_green(entry: Question) -> None:
    module = answer_module(entry.number)
    if module is None:
        pytest.skip(f"no tarento_lib/answers/{entry.number}_*.py yet (its lesson issue adds it)")
    answer = answer_of(module)
    kind = get_suite(entry.suite).kind
    assert (inspect.isclass if kind == "class" else inspect.isfunction)(answer)
    card = run_suite(answer, entry.suite)
    assert card.ok and not card.failed, card.render()
    assert card.passed == len(get_suite(entry.suite).cases) > 0


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize(
    "path", sorted(ANSWERS.glob("*.py")), ids=lambda p: p.name if isinstance(p, Path) else p
)
def test_answers_import_nothing_of_the_library(path: Path) -> None:
    imported = _imported_modules(path)
    assert not {name for name in imported if name.startswith(("tarento_lib", "."))}, imported


def test_answer_modules_are_named_after_a_question() -> None:
    numbers = {q.number for q in QUESTIONS}
    modules = [p for p in ANSWERS.glob("*.py") if p.name != "__init__.py"]
    assert modules, "the first answer, q01_lru.py, is missing"
    assert all(p.name[:3] in numbers and p.name[3] == "_" for p in modules), modules
