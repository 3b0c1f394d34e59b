"""What every benchmark prints: the machine's load average and one verdict line per target.

Each script in this folder imports it as a sibling (``from _report import ...``): Python puts
the script's own directory on ``sys.path``, and ``tarento_lib`` is imported as installed.
A figure measured on a shared machine means little without the load it was measured under,
so every script prints :func:`print_load` next to its table and ends with
:func:`print_target` lines that a reader (or a grep for ``MISSED``) can check at a glance.
"""

from __future__ import annotations

import os

__all__ = ["load_average", "print_load", "print_target", "verdict"]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the number of cores, e.g. ``0.52, 0.40, 0.31 …``."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def print_load(when: str = "") -> None:
    """Print ``load average[ when]: …``; ``when`` says which moment (``"before"``, ``"after"``)."""
    label = f"load average {when}".rstrip()
    print(f"{label}: {load_average()}")


def verdict(met: bool | None) -> str:
    """``MET``, ``MISSED``, or ``NOT MEASURED`` when the figure could not be taken (``None``)."""
    if met is None:
        return "NOT MEASURED"
    return "MET" if met else "MISSED"


def print_target(target: str, met: bool | None, figure: str = "") -> None:
    """Print ``target <target>: MET|MISSED|NOT MEASURED (<figure>)``."""
    detail = f" ({figure})" if figure else ""
    print(f"target {target}: {verdict(met)}{detail}")
