"""Scripted mock interviews on an injected clock: nothing waits, no candidate code runs
unless a test asks for the real grader."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.grading.scorecard import CaseResult, Scorecard
from tarento_lib.interview.session import Session, SessionError, clock_text
from tests.model_answers import answer_path

START = 1_800_000_000.0


class Script:
    """A fake grader whose verdicts the test sets, plus the other injected parts."""

    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.passes = False
        self.graded: list[str] = []
        self.saved: list[Session] = []

    def grade(self, path: Path, suite: Any) -> Scorecard:
        self.graded.append(suite.name)
        results = [
            CaseResult(case.name, self.passes, "" if self.passes else "wrong")
            for case in suite.cases
        ]
        return Scorecard(suite.name, results)

    def options(self) -> dict[str, Any]:
        return {
            "clock": self.clock.now,
            "grade": self.grade,
            "measure": lambda number, path: [f"complexity: measured {number}"],
            "findings": lambda path: ["3:1 F401 `os` imported but unused"],
            "save_progress": self.saved.append,
        }


@pytest.fixture
def script() -> Script:
    return Script()


def test_start_writes_the_stub_and_the_state_and_prints_the_question(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    assert session.solution.read_text() == session.plan.stub
    state = json.loads(Session.state_path("q01", tmp_path).read_text())
    assert state["format"] == 1 and state["stage"] == 1 and state["started"] == START
    intro = session.intro()
    assert " ".join(session.plan.brief.split()) in " ".join(intro.split())
    assert "Stage 1 of 4" in intro
    text = [line for line in intro.splitlines() if not line.startswith("Your file: ")]
    assert max(map(len, text)) <= 88, "wrapped for a terminal (the path is left whole)"
    assert session.remaining == session.plan.minutes * 60


def test_a_failing_check_keeps_the_stage_and_a_pass_reveals_the_next(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    script.clock.advance(300)
    outcome = session.check()
    assert not outcome.passed and outcome.revealed is None and session.stage_number == 1
    script.passes = True
    script.clock.advance(100)
    outcome = session.check()
    assert outcome.passed and outcome.revealed is session.plan.stages[1]
    assert session.stage_number == 2 and session.stages_passed == 1
    assert script.graded == ["q01, stage 1: get and put in O(1)"] * 2
    session.check()
    assert script.graded[-1].startswith("q01, stage 2"), "stage 2 is graded next"


def test_stage_k_runs_the_cases_of_every_earlier_stage_too(tmp_path, script) -> None:
    plan = Session.start("q01", tmp_path, **script.options()).plan
    sizes = [len(plan.stage_suite(k).cases) for k in range(1, len(plan.stages) + 1)]
    assert sizes == sorted(sizes) and sizes[-1] == sum(len(s.cases) for s in plan.stages)


def test_hints_are_shown_in_order_and_counted_until_none_are_left(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    hints = session.plan.stages[0].hints
    shown = [session.hint() for _ in hints]
    assert [line.split(": ", 1)[1] for line in shown] == list(hints)
    assert session.hint().startswith("no more hints")
    assert session.hints_used == len(hints)
    reloaded = Session.load("q01", tmp_path, **script.options())
    assert reloaded is not None and reloaded.hints_used == len(hints)


def test_the_last_pass_finishes_with_a_scorecard_and_records_progress_once(
    tmp_path, script
) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    script.passes = True
    for _ in session.plan.stages[:-1]:
        script.clock.advance(120)
        assert session.check().revealed is not None
    script.clock.advance(120)
    outcome = session.check()
    assert outcome.passed and session.finished
    card = outcome.scorecard
    assert "stages: 4 of 4 passed in 8:00" in card
    assert "complexity: measured q01" in card and "ruff: 1 finding" in card
    assert "follow-ups to study" not in card
    assert session.finish() == card and len(script.saved) == 1
    with pytest.raises(SessionError, match="is over"):
        session.check()


def test_when_time_runs_out_the_next_command_finishes_at_the_budget(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, minutes=20, **script.options())
    script.clock.advance(25 * 60)
    outcome = session.check()
    assert not outcome.passed and script.graded == [], "no grading after the bell"
    assert session.finished and session.elapsed == 20 * 60
    card = outcome.scorecard
    assert "0 of 4 passed in 20:00 (budget 20:00); time ran out" in card
    assert "not measured (stage 1 did not pass)" in card
    # every stage not passed links to the notebook section that answers it
    for stage in session.plan.stages:
        assert f"q01_lru_cache.ipynb#{stage.section.replace(' ', '-')}" in card
    assert len(script.saved) == 1


def test_a_session_resumes_after_a_restart_where_it_was(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    script.passes = True
    script.clock.advance(200)
    session.check()
    session.hint()
    del session
    script.clock.advance(100)  # the terminal was closed meanwhile: the clock kept running
    resumed = Session.load("q01", tmp_path, **script.options())
    assert resumed is not None
    assert resumed.stage_number == 2 and resumed.hints_used == 1 and resumed.elapsed == 300
    assert "Stage 2 of 4" in resumed.status() and clock_text(resumed.remaining) in resumed.status()


def test_a_running_session_is_not_restarted_and_a_finished_one_is_kept(tmp_path, script) -> None:
    session = Session.start("q01", tmp_path, **script.options())
    with pytest.raises(SessionError, match="already running"):
        Session.start("q01", tmp_path, **script.options())
    session.solution.write_text("# my first try\n")
    session.finish()
    again = Session.start("q01", tmp_path, **script.options())
    assert not again.finished and again.solution.read_text() == again.plan.stub
    assert (tmp_path / "q01_solution-1.py").read_text() == "# my first try\n"
    assert (tmp_path / "q01_interview-1.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read q01_interview.json"),
        ('{"format": 99}', "format 99, expected 1"),
        ('["a list"]', "not a session file"),
        ('{"format": 1, "question": "q01"}', "damaged"),
    ],
)
def test_a_damaged_session_file_gives_a_clear_message(tmp_path, script, content, message) -> None:
    Session.state_path("q01", tmp_path).write_text(content)
    with pytest.raises(SessionError, match=message):
        Session.load("q01", tmp_path, **script.options())


def test_real_grading_fails_the_stub_and_passes_the_interview_answer(tmp_path, script) -> None:
    options = script.options()
    del options["grade"]  # the real grader, in its child process
    session = Session.start("q01", tmp_path, **options)
    outcome = session.check()
    assert not outcome.passed and outcome.card.passed == 0
    answer = answer_path("q01")
    assert answer is not None
    session.solution.write_text(answer.read_text())
    for stage in (2, 3, 4):
        outcome = session.check()
        assert outcome.passed and outcome.revealed is session.plan.stages[stage - 1]
    outcome = session.check()  # the answer has no time to live: stage 4 is the follow-up it misses
    assert not outcome.passed
    assert {r.name for r in outcome.card.failed} == {c.name for c in session.plan.stages[3].cases}


def test_an_endless_loop_is_stopped_and_the_session_goes_on(tmp_path, script) -> None:
    from tarento_lib.grading import check_file

    options = {**script.options(), "grade": partial(check_file, timeout=1.0, limit=2.5)}
    session = Session.start("q01", tmp_path, **options)
    session.solution.write_text(
        session.plan.stub.replace("raise NotImplementedError", "while True: pass", 1)
    )
    outcome = session.check()
    assert not outcome.passed
    card = outcome.card.render()
    assert "did not finish within 1 s" in card
    assert "stopped after 2.5 s in all; the cases left did not run" in card
    assert session.hint().startswith("hint 1")


def test_a_missing_ruff_is_one_line_on_the_scorecard(tmp_path, script) -> None:
    def no_ruff(path: Path) -> list[str]:
        raise FileNotFoundError("ruff is not installed")

    session = Session.start("q01", tmp_path, **{**script.options(), "findings": no_ruff})
    assert "ruff: not run (ruff is not installed)" in session.finish()


def test_a_section_link_is_the_anchor_jupyterlab_gives_the_heading() -> None:
    from tarento_lib.interview.session import section_link

    assert section_link("q11", "An `async def` wrapper for every function") == (
        "q11_patterns.ipynb#An-async-def-wrapper-for-every-function"
    )
