"""Widget builders: a few controls wired to a function that re-plots.

Widget cells store their output inside widget state, which nbval reads as plain
stdout; give such cells the ``nbval-ignore-output`` tag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

__all__ = ["choice", "float_slider", "replot", "slider"]

_LAYOUT = {"width": "420px"}
_STYLE = {"description_width": "120px"}


def _on_release(kind: type[widgets.Widget], description: str, **range_: Any) -> Any:
    """A slider of ``kind`` that updates on release (so a re-plot runs once, not on every pixel)."""
    low, high, value = range_["min"], range_["max"], range_["value"]
    if not low <= value <= high:
        raise ValueError(f"value {value} is outside [{low}, {high}] for {description!r}")
    return kind(
        description=description, continuous_update=False, layout=_LAYOUT, style=_STYLE, **range_
    )


def slider(description: str, *, min: int, max: int, value: int, step: int = 1) -> widgets.IntSlider:
    """An integer slider that updates on release."""
    return _on_release(widgets.IntSlider, description, min=min, max=max, value=value, step=step)


def float_slider(
    description: str, *, min: float, max: float, value: float, step: float
) -> widgets.FloatSlider:
    """A float slider that updates on release."""
    return _on_release(widgets.FloatSlider, description, min=min, max=max, value=value, step=step)


def choice(description: str, options: Sequence[Any], *, value: Any = None) -> widgets.Dropdown:
    """A drop-down list of options (strings, or ``(label, value)`` pairs)."""
    if not options:
        raise ValueError(f"{description!r} needs at least one option")
    return widgets.Dropdown(
        options=list(options),
        value=value if value is not None else _first_value(options),
        description=description,
        layout=_LAYOUT,
        style=_STYLE,
    )


def _first_value(options: Sequence[Any]) -> Any:
    first = options[0]
    return first[1] if isinstance(first, tuple) else first


def replot(func: Callable[..., Any], **controls: widgets.ValueWidget) -> widgets.VBox:
    """Call ``func(**values)`` now and whenever a control changes;
    return controls above the output."""
    interactive = widgets.interactive(func, **controls)
    interactive.update()
    return interactive
