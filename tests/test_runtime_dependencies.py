"""``pip install .`` (no extras) gives a lab whose notebooks and library import: every third-party
module they import belongs to a runtime dependency, or to a package one of them requires."""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from functools import cache
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LIBRARY = sorted((ROOT / "tarento_lib").rglob("*.py"))


def imported_modules(source: str) -> set[str]:
    """Top-level names of every absolute import in ``source`` (in functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def notebook_source(path: Path) -> str:
    """The code cells of a notebook, without IPython's ``%magic`` and ``!shell`` lines."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = (
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    )
    return "\n".join(lines)


def third_party(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in sys.stdlib_module_names and m != "tarento_lib"}


@cache
def runtime_requirements() -> tuple[Requirement, ...]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return tuple(Requirement(text) for text in project["dependencies"])


def _requires_of(requirement: Requirement) -> set[str]:
    """What installing ``requirement`` (with its extras) installs directly."""
    try:
        listed = requires(requirement.name) or []
    except PackageNotFoundError:
        return set()
    installed: set[str] = set()
    for text in listed:
        needed = Requirement(text)
        extras = [*requirement.extras, ""]
        if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
            installed.add(canonicalize_name(needed.name))
    return installed


@cache
def installed_by_pip_install_dot() -> frozenset[str]:
    """The runtime dependencies and the packages they require directly."""
    names: set[str] = set()
    for requirement in runtime_requirements():
        names.add(canonicalize_name(requirement.name))
        names |= _requires_of(requirement)
    return frozenset(names)


@cache
def _module_distributions() -> dict[str, list[str]]:
    return packages_distributions()  # scans every installed distribution: once


def distributions(module: str) -> set[str]:
    return {canonicalize_name(d) for d in _module_distributions().get(module, [])}


def missing(modules: set[str]) -> dict[str, set[str]]:
    """Modules no runtime dependency provides, with the distributions that would."""
    have = installed_by_pip_install_dot()
    return {m: distributions(m) for m in third_party(modules) if not distributions(m) & have}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_import_is_a_runtime_dependency(notebook: Path) -> None:
    assert missing(imported_modules(notebook_source(notebook))) == {}


def test_every_library_import_is_a_runtime_dependency() -> None:
    modules = set().union(*(imported_modules(p.read_text(encoding="utf-8")) for p in LIBRARY))
    assert missing(modules) == {}


def test_the_import_scanner_sees_imports_anywhere_in_a_cell() -> None:
    source = "import os, limits.strategies\nfrom marisa_trie import Trie\ndef f():\n    import arq"
    assert third_party(imported_modules(source)) == {"limits", "marisa_trie", "arq"}
    assert missing({"limits", "marisa_trie", "starlette"}) == {}  # starlette comes with fastapi
