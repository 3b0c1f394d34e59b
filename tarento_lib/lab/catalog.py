"""The suite's table of contents, and which backend each service uses right now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tarento_lib import config
from tarento_lib.questions import NOTEBOOKS, QUESTIONS, Question

__all__ = [
    "NOTEBOOKS",
    "QUESTIONS",
    "Backend",
    "Question",
    "available_questions",
    "backends",
    "stored_run_seconds",
]


def stored_run_seconds(path: Path) -> float:
    """Kernel time of a notebook's last full run, summed from nbclient's per-cell timings."""
    from datetime import datetime

    import nbformat

    total = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            total += (end - start).total_seconds()
    return total


def available_questions() -> list[Question]:
    """The questions whose notebook is in this checkout."""
    return [q for q in QUESTIONS if q.path.exists()]


@dataclass(frozen=True)
class Backend:
    service: str
    variable: str
    embedded: str
    in_use: str  # "embedded" or "real"


def backends() -> list[Backend]:
    """Which backend each service uses in this process: the real one exactly when its URL is set.

    ``tarento-lab`` starts JupyterLab with these variables removed unless it is given ``--real``,
    so a lab opened for study always runs on the embedded stand-ins.
    """
    env = config.settings()
    table = [
        ("Redis", config.REDIS_URL, "fakeredis (in-process, with Lua)", env.redis_url),
        ("SQL database", config.DATABASE_URL, "SQLite through aiosqlite", env.database_url),
    ]
    rows = [
        Backend(service, variable, embedded, "real" if value else "embedded")
        for service, variable, embedded, value in table
    ]
    # The Q9 notebook always runs its own moto S3 server; only the tests follow TARENTO_S3_ENDPOINT.
    rows.append(
        Backend(
            "Object storage",
            config.S3_ENDPOINT,
            "local directory and moto's S3 server (in the Q9 notebook always)",
            "embedded",
        )
    )
    return rows
