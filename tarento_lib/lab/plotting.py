"""One plot style for the whole suite, and the chart helpers the notebooks share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = [
    "PALETTE",
    "bar_chart",
    "bucket_chart",
    "heatmap",
    "line_chart",
    "new_axes",
    "timeline",
    "use_lab_style",
]

# Colour-blind-safe (Okabe-Ito), in the order series are drawn.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

_STYLE: dict[str, Any] = {
    "figure.figsize": (8.0, 4.2),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "tarento-lab",
}


def use_lab_style() -> None:
    """Apply the suite's style to every later figure (only rcParams that exist in matplotlib)."""
    mpl.rcParams.update(_STYLE)


def new_axes(
    ax: Axes | None = None, *, title: str = "", xlabel: str = "", ylabel: str = ""
) -> Axes:
    """The given axes, or a fresh figure's, labelled."""
    if ax is None:
        _, ax = plt.subplots()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def line_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    ax: Axes | None = None,
    marker: str = "o",
    percent: bool = False,
    reference: Sequence[str] = (),
) -> Axes:
    """One line per named series over the same x values;
    ``reference`` series are drawn dashed black."""
    ax = new_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    for name, ys in series.items():
        if len(ys) != len(x):
            raise ValueError(f"series {name!r} has {len(ys)} points for {len(x)} x values")
        if name in reference:
            ax.plot(x, ys, linestyle="--", color="black", linewidth=1.5, label=name)
        else:
            ax.plot(x, ys, marker=marker, markersize=4, label=name)
    if percent:
        ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0))
    ax.legend()
    return ax


def bar_chart(
    values: Mapping[str, float],
    *,
    title: str = "",
    ylabel: str = "",
    ax: Axes | None = None,
    fmt: str = "{:.2f}",
) -> Axes:
    """Labelled bars, each annotated with its value."""
    ax = new_axes(ax, title=title, ylabel=ylabel)
    bars = ax.bar(list(values), list(values.values()), color=PALETTE[: len(values)] or None)
    ax.bar_label(bars, labels=[fmt.format(v) for v in values.values()], fontsize=9)
    ax.grid(axis="x", visible=False)
    return ax


def heatmap(
    matrix: Sequence[Sequence[float]],
    labels: Sequence[str],
    *,
    col_labels: Sequence[str] | None = None,
    title: str = "",
    ax: Axes | None = None,
    fmt: str = "{:.2f}",
    vmin: float = 0.0,
    vmax: float = 1.0,
) -> Axes:
    """A square (or rectangular) matrix of scores with every cell annotated."""
    ax = new_axes(ax, title=title)
    cols = list(col_labels) if col_labels is not None else list(labels)
    image = ax.imshow(matrix, cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(False)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            shade = "black" if value > (vmin + vmax) / 2 else "white"
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8, color=shade)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def timeline(
    spans: Sequence[tuple[str, float, float, str]],
    *,
    title: str = "",
    xlabel: str = "time (s)",
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
) -> Axes:
    """A Gantt chart: ``(lane, start, end, kind)`` spans, one row per lane, coloured by kind."""
    ax = new_axes(ax, title=title, xlabel=xlabel)
    lanes = sorted({lane for lane, *_ in spans})
    kinds = sorted({kind for *_, kind in spans})
    palette = dict(colors or {}) or {
        kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(kinds)
    }
    for lane, start, end, kind in spans:
        if end < start:
            raise ValueError(f"span on {lane!r} ends before it starts: {start} > {end}")
        ax.barh(
            lanes.index(lane),
            end - start,
            left=start,
            color=palette[kind],
            edgecolor="white",
            height=0.6,
        )
    ax.set_yticks(range(len(lanes)), lanes)
    handles = [mpl.patches.Patch(color=palette[k], label=k) for k in kinds]
    ax.legend(handles=handles, loc="upper right")
    ax.grid(axis="y", visible=False)
    return ax


def bucket_chart(
    times: Sequence[float],
    admitted: Sequence[bool],
    levels: Sequence[tuple[float, float]],
    *,
    capacity: float,
    rate: float,
) -> tuple[Axes, Axes]:
    """A token bucket at work: requests offered and admitted against ``capacity + rate * t``
    (left), and the tokens in the bucket as ``(time, tokens)`` samples (right)."""
    if len(times) != len(admitted):
        raise ValueError(f"{len(times)} request times for {len(admitted)} decisions")
    _, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), sharex=True)
    end = max([*times, *(t for t, _ in levels)], default=0.0)  # both panels run to the end
    offered = list(range(1, len(times) + 1))
    cumulative = [sum(admitted[: i + 1]) for i in range(len(admitted))]
    steps = [*times, end]
    left.step(steps, [*offered, len(times)], where="post", label="offered")
    left.step(steps, [*cumulative, sum(admitted)], where="post", label="admitted")
    left.plot(
        steps, [capacity + rate * t for t in steps], "--", color="grey", label="capacity + rate·t"
    )
    left.set(title="cumulative requests", xlabel="time (s)")
    left.legend()
    right.plot([t for t, _ in levels], [v for _, v in levels], color=PALETTE[2])
    refused = [t for t, ok in zip(times, admitted, strict=True) if not ok]
    right.plot(refused, [0] * len(refused), "x", color=PALETTE[3], label="refused")
    right.set(title="tokens in the bucket", xlabel="time (s)", ylim=(-0.3, capacity + 0.5))
    right.legend(loc="lower right")
    return left, right
