"""pyproject.toml and environment.yml must name the same dependencies, so they cannot drift."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"redis-py": "redis"}  # conda-forge name -> PyPI name


def _split(requirement: str) -> tuple[str, str]:
    """``"fakeredis[lua]>=2.26"`` -> ``("fakeredis", ">=2.26")`` (extras are pip's business)."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?(.*)", requirement.replace(" ", ""))
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), match.group(3)


def pyproject_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(
        _split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )


def environment_dependencies() -> dict[str, str]:
    found: dict[str, str] = {}
    in_dependencies = False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw.startswith(" "):
            in_dependencies = line.startswith("dependencies:")
            continue
        item = line.strip()
        if (
            in_dependencies
            and item.startswith("- ")
            and not item.endswith(":")
            and item not in ("- pip", "- -e .")
        ):
            name, version = _split(item[2:])
            if name != "python":
                found[name] = version
    return found


def test_both_files_name_the_same_dependencies_and_versions() -> None:
    assert environment_dependencies() == pyproject_dependencies()


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["tarento-lab"] == "tarento_lib.cli:main"
