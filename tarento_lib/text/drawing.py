"""A picture of a small trie: one circle per node, the edge letters, and each node's cached
top list with the frequencies it ranks by (``ten 5 · ted 4``)."""

from __future__ import annotations

from matplotlib.axes import Axes

from tarento_lib._validate import require_instance
from tarento_lib.lab.plotting import PALETTE, new_axes
from tarento_lib.text.trie import Trie, _Node

__all__ = ["draw_trie"]

_MAX_NODES = 80


def _layout(root: _Node) -> dict[int, tuple[float, int, _Node, str]]:
    """Node id -> (x, depth, node, edge letter):
    leaves spaced evenly, parents centred above children."""
    placed: dict[int, tuple[float, int, _Node, str]] = {}
    next_leaf = 0.0
    stack: list[tuple[_Node, int, str, bool]] = [(root, 0, "", False)]
    while stack:  # iterative post-order, children in letter order
        node, depth, letter, expanded = stack.pop()
        children = sorted(node.children.items())
        if not expanded and children:
            stack.append((node, depth, letter, True))
            stack.extend((child, depth + 1, ch, False) for ch, child in reversed(children))
            continue
        if children:
            xs = [placed[id(child)][0] for _, child in children]
            x = (min(xs) + max(xs)) / 2
        else:
            x, next_leaf = next_leaf, next_leaf + 1
        placed[id(node)] = (x, depth, node, letter)
    return placed


def draw_trie(
    trie: Trie, *, ax: Axes | None = None, show_top: bool = True, title: str = ""
) -> Axes:
    """Draw ``trie`` top-down; word ends are filled, and ``show_top`` writes each node's
    cached list as ``word frequency`` pairs, best first."""
    placed = _layout(require_instance(trie, "trie", Trie)._root)
    if len(placed) > _MAX_NODES:
        raise ValueError(f"the trie has {len(placed)} nodes; draw_trie draws at most {_MAX_NODES}")
    ax = new_axes(ax, title=title)
    for x, depth, node, _ in placed.values():
        for letter, child in node.children.items():
            cx, cdepth, _, _ = placed[id(child)]
            ax.plot([x, cx], [-depth, -cdepth], color="#999999", linewidth=1, zorder=1)
            ax.text(
                (x + cx) / 2 - 0.08,
                (-depth - cdepth) / 2,
                letter,
                fontsize=10,
                ha="right",
                va="center",
            )
    for x, depth, node, _ in placed.values():
        ends = node.entry is not None
        ax.scatter(
            [x],
            [-depth],
            s=120,
            zorder=2,
            color=PALETTE[0] if ends else "white",
            edgecolors=PALETTE[0],
        )
        if show_top and node.top:
            label = " · ".join(f"{record[2]} {-record[0]:g}" for record in node.top)
            ax.text(x + 0.12, -depth - 0.18, label, fontsize=7, color=PALETTE[3], va="top")
    ax.set_axis_off()
    return ax
