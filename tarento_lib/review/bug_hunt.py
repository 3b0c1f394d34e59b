"""The Q10 exercise: a fresh buggy function, and the reference fix the ``bug_hunt`` suite grades.

The contract of ``summarise_scores(rows, top=3)``: ``rows`` are dicts with a ``name`` and a
``score`` (a number or a numeric string; a missing or empty score means "skip this row").
It returns ``{"means": {name: mean score}, "top": [the `top` best names, best first, ties by name],
"overall": mean of every counted score (None when there is none), "skipped": [names of skipped
rows]}``, leaves ``rows`` untouched and remembers nothing between calls. ``top`` is an ``int >= 0``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["buggy_summarise_scores", "summarise_scores"]


def buggy_summarise_scores(rows, top=3, skipped=[]):  # noqa: B006 (the lesson)
    """Mean score per candidate, the best `top` candidates and the overall mean (with bugs)."""
    marks = {}
    for row in rows:
        if row.get("score") in (None, ""):
            skipped.append(row["name"])
            continue
        row["score"] = float(row["score"])
        marks.setdefault(row["name"], []).append(row["score"])
    means = {name: sum(m) / len(m) for name, m in marks.items()}
    best = sorted(means, key=means.get)[-top:]
    overall = sum(means.values()) / len(means)
    return {"means": means, "top": best, "overall": overall, "skipped": skipped}


def summarise_scores(rows: list[dict[str, Any]], top: int = 3) -> dict[str, Any]:
    """Mean score per candidate, the best ``top``
    candidates and the overall mean (see the module)."""
    if isinstance(top, bool) or not isinstance(top, int):
        raise TypeError(f"top must be an int, got {type(top).__name__}")
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    marks: dict[str, list[float]] = {}
    skipped: list[str] = []
    for row in rows:
        if row.get("score") in (None, ""):
            skipped.append(row["name"])
        else:
            marks.setdefault(row["name"], []).append(float(row["score"]))
    means = {name: sum(m) / len(m) for name, m in marks.items()}
    best = sorted(means, key=lambda name: (-means[name], name))[:top]
    every = [score for m in marks.values() for score in m]
    overall = sum(every) / len(every) if every else None
    return {"means": means, "top": best, "overall": overall, "skipped": skipped}
