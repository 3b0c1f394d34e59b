"""Notebook helpers: source display, plot style and charts, widgets, the grader's ``check``,
and ``interview``, the mock interview as a widget.

Names are imported on first use (PEP 562), so ``import tarento_lib.lab`` loads neither
matplotlib nor ipywidgets nor pygments until a plot, a widget or a source view is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "tarento_lib.grading": (
        "Case",
        "CaseFailure",
        "Scorecard",
        "Steps",
        "Suite",
        "check",
        "get_suite",
        "run_suite",
    ),
    "tarento_lib.interview.widget": ("interview",),
    "tarento_lib.lab.plotting": (
        "PALETTE",
        "bar_chart",
        "bucket_chart",
        "heatmap",
        "line_chart",
        "new_axes",
        "timeline",
        "use_lab_style",
    ),
    "tarento_lib.lab.source": ("SourceView", "show_source"),
    "tarento_lib.lab.widgets": ("choice", "float_slider", "replot", "slider"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])
