"""``tarento-lab`` with no command opens JupyterLab: options pass through, root is allowed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tarento_lib import cli


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command lines the launcher would run; JupyterLab is never started."""
    calls: list[list[str]] = []

    def call(command: list[str], **_options: object) -> int:
        calls.append(command)
        return 0

    monkeypatch.setattr(subprocess, "call", call)
    return calls


def test_unknown_options_go_to_jupyterlab_in_order() -> None:
    command = cli.lab_command(["--port", "9000", "--no-browser", "--ip=0.0.0.0"], root=False)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert command[4:7] == ["--port", "9000", "--no-browser"]
    assert "--ip=0.0.0.0" in command and "--allow-root" not in command
    assert command[-1].endswith("00_start_here.ipynb")


def test_root_gets_allow_root_once() -> None:
    assert cli.lab_command([], root=True).count("--allow-root") == 1
    assert cli.lab_command(["--allow-root"], root=True).count("--allow-root") == 1


def test_the_launcher_passes_options_through(
    launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_running_as_root", lambda: False)
    assert cli.main(["--port", "9000", "--no-browser"]) == 0
    assert launched[0][4:7] == ["--port", "9000", "--no-browser"]


def test_as_root_the_launcher_says_so_in_one_line(
    launched: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "_running_as_root", lambda: True)
    assert cli.main([]) == 0
    assert "--allow-root" in launched[0]
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1 and "root" in said[0] and "--allow-root" in said[0]


def test_real_is_the_launchers_own_option(
    launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_running_as_root", lambda: False)
    assert cli.main(["--real", "--port", "9000"]) == 0
    assert "--real" not in launched[0] and "9000" in launched[0]


def test_commands_are_not_passed_through(launched: list[list[str]]) -> None:
    with pytest.raises(SystemExit, match="no notebook"):
        cli.main(["run", "q99"])
    with pytest.raises(SystemExit):
        cli.main(["run", "00", "--port", "9000"])  # a command's unknown option is an error
    assert launched == []
