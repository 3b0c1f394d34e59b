"""``tarento-lab``: check and run from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarento_lib import cli

GOOD = '''
from tarento_lib.cache import LRUCache


class MyLRUCache(LRUCache):
    """Passes by reusing the reference."""
'''

BAD = """
class MyLRUCache:
    def __init__(self, capacity):
        self.data = {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        self.data[key] = value

    def __len__(self):
        return len(self.data)
"""


def test_check_passes_a_good_solution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = tmp_path / "good.py"
    solution.write_text(GOOD)
    assert cli.main(["check", "q01", str(solution)]) == 0
    assert "lru: 10/10 cases pass" in capsys.readouterr().out


def test_check_fails_a_bad_solution_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = tmp_path / "bad.py"
    solution.write_text(BAD)
    assert cli.main(["check", "lru", str(solution), "--name", "MyLRUCache"]) == 1
    assert "✗ evicts the least recently used key" in capsys.readouterr().out


def test_check_needs_one_candidate(tmp_path: Path) -> None:
    solution = tmp_path / "two.py"
    solution.write_text(BAD + BAD.replace("MyLRUCache", "Other"))
    with pytest.raises(SystemExit, match="found MyLRUCache, Other; pick one with --name"):
        cli.main(["check", "q01", str(solution)])
    with pytest.raises(SystemExit, match="no such file"):
        cli.main(["check", "q01", str(tmp_path / "missing.py")])
    with pytest.raises(SystemExit, match="no exercise"):
        cli.main(["check", "q99", str(solution)])


def test_check_takes_the_one_name_a_file_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = tmp_path / "exported.py"
    solution.write_text('__all__ = ["MyLRUCache"]\n' + GOOD + GOOD.replace("MyLRUCache", "Helper"))
    assert cli.main(["check", "q01", str(solution)]) == 0
    assert "lru: 10/10 cases pass" in capsys.readouterr().out


def test_find_notebooks_by_prefix() -> None:
    every = cli.find_notebooks([])
    assert every[0].name == "00_start_here.ipynb"
    assert [p.name for p in cli.find_notebooks(["q01"])] == ["q01_lru_cache.ipynb"]
    with pytest.raises(SystemExit, match="no notebook"):
        cli.find_notebooks(["q77"])


def test_run_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "00"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["notebook", "seconds", "cells", "status"]
    assert out[1].startswith("00_start_here.ipynb") and out[1].endswith("ok")
