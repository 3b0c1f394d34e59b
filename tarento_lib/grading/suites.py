"""Where each exercise suite lives: ``<library>.conformance`` of its entry in the question table."""

from __future__ import annotations

import importlib

from tarento_lib.grading.cases import Suite
from tarento_lib.questions import QUESTIONS, question

__all__ = ["get_suite", "suite_for_question", "suite_names"]


def suite_names() -> list[str]:
    return sorted({entry.suite for entry in QUESTIONS})


def get_suite(name: str) -> Suite:
    """The suite called ``name`` (its module is imported on first use)."""
    for entry in QUESTIONS:
        if entry.suite == name:
            module = importlib.import_module(f"{entry.library}.conformance")
            return module.SUITES[name]
    raise KeyError(f"no suite named {name!r}; known suites: {', '.join(suite_names())}")


def suite_for_question(number_or_suite: str) -> Suite:
    """The exercise of question ``qNN``, or the suite of that name."""
    try:
        return get_suite(question(number_or_suite).suite)
    except KeyError:
        return get_suite(number_or_suite)
