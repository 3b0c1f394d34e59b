"""The exercise grader: named suites of cases, run on a candidate in a child process.

A suite lives next to the reference implementation it describes
(``tarento_lib/<concept>/conformance.py`` exposes ``SUITES``). The same suites grade a reader's
exercise in a notebook (``check(MyLRUCache, "lru")``), from a terminal
(``tarento-lab check q01 solution.py``) and the reference classes in ``tests/``.

This package imports nothing of the notebook UI (matplotlib, ipywidgets, pygments).
"""

from tarento_lib.grading.cases import (
    SAME,
    Case,
    CaseFailure,
    Observation,
    Rule,
    Steps,
    Suite,
    approx,
    between,
    is_number,
    is_true,
    rule,
)
from tarento_lib.grading.runner import check, check_file, run_suite
from tarento_lib.grading.scorecard import CaseResult, Scorecard
from tarento_lib.grading.suites import get_suite, suite_for_question, suite_names

__all__ = [
    "SAME",
    "Case",
    "CaseFailure",
    "CaseResult",
    "Observation",
    "Rule",
    "Scorecard",
    "Steps",
    "Suite",
    "approx",
    "between",
    "check",
    "check_file",
    "get_suite",
    "is_number",
    "is_true",
    "rule",
    "run_suite",
    "suite_for_question",
    "suite_names",
]
