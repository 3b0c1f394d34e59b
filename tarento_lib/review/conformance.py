"""The ``bug_hunt`` suite: hidden checks for the Q10 exercise (``summarise_scores``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tarento_lib.grading import Case, Steps, Suite

__all__ = ["SUITES"]


def _rows(*pairs: tuple[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "score": score} for name, score in pairs]


def _leaves_input_unchanged(fn: Any, steps: Steps) -> None:
    rows = _rows(("asha", "8"), ("bala", 6), ("asha", 9))
    _call(fn, steps, rows)
    steps.expect(rows, "the caller's rows after the call")


def _independent_calls(fn: Any, steps: Steps) -> None:
    _call(fn, steps, _rows(("asha", None), ("bala", 5)))
    second = _call(fn, steps, _rows(("chitra", 7)))
    steps.expect(second["skipped"], "skipped names of the second call")


def _empty_input(fn: Any, steps: Steps) -> None:
    got = _call(fn, steps, [])
    steps.expect(got, "summary of no rows")


def _best_first(fn: Any, steps: Steps) -> None:
    got = _call(fn, steps, _rows(("asha", 5), ("bala", 9), ("chitra", 7), ("dev", 1)), top=3)
    steps.expect(got["top"], "top 3")


def _ties_by_name(fn: Any, steps: Steps) -> None:
    got = _call(fn, steps, _rows(("bala", 6), ("dev", 6), ("chitra", 6)), top=2)
    steps.expect(got["top"], "top 2 of a three-way tie")


def _top_zero(fn: Any, steps: Steps) -> None:
    got = _call(fn, steps, _rows(("asha", 5), ("bala", 9)), top=0)
    steps.expect(got["top"], "top 0")


def _bad_top(fn: Any, steps: Steps) -> None:
    rows = _rows(("asha", 5), ("bala", 9))
    steps.expect_raises(
        (ValueError, TypeError), lambda: fn(rows, top=-1), "summarise_scores(rows, top=-1)"
    )


def _overall_mean(fn: Any, steps: Steps) -> None:
    got = _call(fn, steps, _rows(("asha", 10), ("asha", 10), ("asha", 10), ("bala", 0)))
    steps.expect(got["overall"], "overall mean of the four scores")


def _call(fn: Any, steps: Steps, *args: Any, **kwargs: Any) -> Any:
    """Call the candidate through ``steps`` so the scorecard shows ``summarise_scores(...)``."""
    return steps.call(SimpleNamespace(summarise_scores=fn), "summarise_scores", *args, **kwargs)


def _reference() -> Any:
    from tarento_lib.review.bug_hunt import summarise_scores

    return summarise_scores


SUITES: dict[str, Suite] = {
    "bug_hunt": Suite(
        name="bug_hunt",
        title="summarise_scores: the bugs still hiding in it",
        kind="function",
        reference=_reference,
        cases=(
            Case(
                "leaves the input unchanged",
                _leaves_input_unchanged,
                "Convert scores into a new list or local variable; "
                "never write back into the caller's dicts.",
            ),
            Case(
                "calls are independent",
                _independent_calls,
                "A default value is created once, when the function is defined. "
                "Use None and make a new list.",
            ),
            Case(
                "no rows give an empty summary",
                _empty_input,
                "No rows means no mean: return None instead of dividing by zero.",
            ),
            Case(
                "the best come first",
                _best_first,
                "Sort by score, highest first, then take the first `top`.",
            ),
            Case(
                "ties are broken by name",
                _ties_by_name,
                "Sort by a key of (-mean, name) so equal means come out by name.",
            ),
            Case(
                "top 0 gives no names",
                _top_zero,
                "lst[-0:] is the whole list: slice from the front instead.",
            ),
            Case("a negative top is refused", _bad_top, "Validate `top` first: an int >= 0."),
            Case(
                "overall is the mean of every score",
                _overall_mean,
                "The mean of per-person means weights people, not scores: "
                "average the scores themselves.",
            ),
        ),
    )
}
