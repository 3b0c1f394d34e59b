"""Notebook helpers: source display, plot style and charts, widgets, and the grader."""

from tarento_lib.lab.grading import (
    Case,
    CaseFailure,
    Scorecard,
    Steps,
    Suite,
    check,
    get_suite,
    run_suite,
)
from tarento_lib.lab.plotting import (
    PALETTE,
    bar_chart,
    heatmap,
    line_chart,
    new_axes,
    timeline,
    use_lab_style,
)
from tarento_lib.lab.source import SourceView, show_source
from tarento_lib.lab.widgets import choice, float_slider, replot, slider

__all__ = [
    "PALETTE",
    "Case",
    "CaseFailure",
    "Scorecard",
    "SourceView",
    "Steps",
    "Suite",
    "bar_chart",
    "check",
    "choice",
    "float_slider",
    "get_suite",
    "heatmap",
    "line_chart",
    "new_axes",
    "replot",
    "run_suite",
    "show_source",
    "slider",
    "timeline",
    "use_lab_style",
]
