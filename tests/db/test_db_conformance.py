"""The "retry" exercise suite: the reference passes, each broken policy fails exactly its cases."""

from __future__ import annotations

import random

import pytest

from tarento_lib.db.conformance import SUITES, reference_policy
from tarento_lib.grading import get_suite, run_suite
from tarento_lib.retry import RetryState

ALL = {case.name for case in SUITES["retry"].cases}


def make(
    *,
    cap: float = 8,
    attempts: int = 6,
    deadline: float | None = 30,
    jitter: bool = True,
    errors: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
    pow_first: bool = False,
):
    def policy(state: RetryState) -> float | None:
        ceiling = min(cap, 2.0 ** (state.attempt - 1)) if pow_first else None
        if not isinstance(state.error, errors) or state.attempt >= attempts:
            return None
        if deadline is not None and state.elapsed >= deadline:
            return None
        ceiling = min(cap, 2 ** (state.attempt - 1)) if ceiling is None else ceiling
        return state.jitter * ceiling if jitter else ceiling

    return policy


def make_impure():
    rng = random.Random(
        0
    )  # its own draws instead of state.jitter: seeded, so the test is repeatable

    def impure(state: RetryState) -> float | None:
        if (
            state.attempt >= 6
            or state.elapsed >= 30
            or not isinstance(state.error, (ConnectionError, TimeoutError))
        ):
            return None
        return rng.random() * min(8, 2 ** (state.attempt - 1))

    return impure


def stub(state: RetryState) -> float | None:
    raise NotImplementedError("your turn")


def failed(candidate) -> set[str]:
    return {result.name for result in run_suite(candidate, "retry").failed}


def test_the_suite_is_registered_and_the_reference_passes_every_case() -> None:
    assert get_suite("retry") is SUITES["retry"] and len(ALL) == 10
    assert run_suite(reference_policy, "retry").ok
    assert not failed(make())


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (make(jitter=False), {"full jitter scales the whole wait"}),
        (make(cap=1e9), {"the wait is capped at 8 seconds", "drives the retry loop"}),
        (make(attempts=7), {"gives up after 6 attempts", "drives the retry loop"}),
        (make(deadline=None), {"gives up after 30 seconds"}),
        (make(errors=(Exception,)), {"retries only connection errors"}),
        (make(pow_first=True), {"no overflow on a huge attempt number"}),
        (
            make_impure(),
            {
                "each wait doubles the one before",
                "the wait is capped at 8 seconds",
                "full jitter scales the whole wait",
                "a pure function of the state",
            },
        ),
        (stub, ALL),
    ],
    ids=[
        "no_jitter",
        "no_cap",
        "off_by_one",
        "no_deadline",
        "retries_bugs",
        "overflow",
        "impure",
        "stub",
    ],
)
def test_a_broken_policy_fails_exactly_the_cases_about_its_bug(
    candidate, expected: set[str]
) -> None:
    assert failed(candidate) == expected


def test_a_class_instead_of_a_function_is_refused() -> None:
    with pytest.raises(TypeError, match="grades a function"):
        run_suite(42, "retry")


SOLUTION = """
def my_retry_policy(state):
    if not isinstance(state.error, (ConnectionError, TimeoutError)):
        return None
    if state.attempt >= 6 or state.elapsed >= 30:
        return None
    return state.jitter * min(8, 2 ** (state.attempt - 1))
"""


def test_the_command_line_grades_a_solution_file(tmp_path, capsys) -> None:
    from tarento_lib.cli import main

    solution = tmp_path / "solution.py"
    solution.write_text(SOLUTION, encoding="utf-8")
    assert main(["check", "q07", str(solution)]) == 0
    assert "retry: 10/10 cases pass" in capsys.readouterr().out
