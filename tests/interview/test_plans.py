"""Every question has a mock interview whose plan is sound.

Each plan lives beside its exercise suite; this checks what every plan must offer, whoever
wrote it: stages with hints and budgets, a stub the grader can load, a notebook heading for
each follow-up, a reference that passes every stage, and an interview answer that passes the
core question. The behaviour of each question's own stages is tested beside its cases.
"""

from __future__ import annotations

import ast
import json

import pytest

from tarento_lib.grading import run_suite
from tarento_lib.grading.child import defined_names
from tarento_lib.interview.plan import interview_plan, numbers
from tarento_lib.questions import question
from tests.model_answers import answer_module, answer_of


def _headings(number: str) -> set[str]:
    notebook = json.loads(question(number).path.read_text(encoding="utf-8"))
    found = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            found |= {
                line.lstrip("#").strip() for line in source.splitlines() if line.startswith("#")
            }
    return found


@pytest.mark.parametrize("number", numbers())
def test_each_plan_has_stages_with_hints_budgets_and_a_notebook_section(number: str) -> None:
    plan = interview_plan(number)
    assert len(plan.stages) >= 3, "the core question and at least two follow-ups"
    assert 15 <= plan.minutes <= 45, f"{plan.minutes} minutes: an interview slot is 20-40"
    headings = _headings(number)
    for stage in plan.stages:
        assert stage.hints and all(hint.strip() for hint in stage.hints)
        assert stage.section in headings, f"{stage.title!r}: no heading {stage.section!r}"
    assert plan.brief.strip() and plan.clarifications


@pytest.mark.parametrize("number", numbers())
def test_each_stub_defines_exactly_the_one_thing_the_grader_loads(number: str, tmp_path) -> None:
    plan = interview_plan(number)
    stub = tmp_path / f"{number}_solution.py"
    stub.write_text(plan.stub, encoding="utf-8")
    ast.parse(plan.stub)
    kind = plan.stage_suite(1).kind
    assert len(defined_names(stub, kind)) == 1, f"the stub must define one {kind}"


@pytest.mark.parametrize("number", numbers())
def test_the_reference_passes_every_stage_and_the_answer_the_core_question(number: str) -> None:
    plan = interview_plan(number)
    last = plan.stage_suite(len(plan.stages))
    reference = last.reference() if last.reference else None
    assert reference is not None
    card = run_suite(reference, last)
    assert card.ok, card.render()
    module = answer_module(number)
    assert module is not None
    first = run_suite(answer_of(module), plan.stage_suite(1))
    assert first.ok, first.render()


@pytest.mark.parametrize("number", numbers())
def test_the_stub_fails_the_core_question_without_breaking_the_grader(
    number: str, tmp_path
) -> None:
    from tarento_lib.grading import check_file

    plan = interview_plan(number)
    stub = tmp_path / f"{number}_solution.py"
    stub.write_text(plan.stub, encoding="utf-8")
    card = check_file(stub, plan.stage_suite(1))
    assert not card.ok
    assert "grader error" not in card.render()
