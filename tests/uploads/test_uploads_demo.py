"""Notebook helpers, embedded servers and the command-line grader for q09."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import httpx
import pytest

from tarento_lib.cli import main as cli_main
from tarento_lib.uploads import LocalStorage, MiB, SQLiteSessionStore, UploadService
from tarento_lib.uploads.api import create_app
from tarento_lib.uploads.demo import resend_costs, sweep_chunk_sizes, write_random_file
from tarento_lib.uploads.embedded import S3Endpoint, serve_app
from tarento_lib.uploads.faults import CutConnection


def test_random_files_are_seeded(tmp_path: Path) -> None:
    first = write_random_file(tmp_path / "a", 1000, seed=1)
    assert (
        write_random_file(tmp_path / "b", 1000, seed=1)
        == first
        != write_random_file(tmp_path / "c", 1000, seed=2)
    )
    assert (
        hashlib.sha256((tmp_path / "a").read_bytes()).hexdigest() == first
        and (tmp_path / "a").stat().st_size == 1000
    )
    with pytest.raises(ValueError, match="size"):
        write_random_file(tmp_path / "d", 0, seed=1)


def test_resend_costs() -> None:
    assert resend_costs(100, 10, 3) == {"start over": 130, "resume": 100}
    assert resend_costs(100, 30, 4) == {"start over": 200, "resume": 100}
    with pytest.raises(ValueError, match=r"cut_after must be an int in \[0, 4\], got 5"):
        resend_costs(100, 30, 5)
    with pytest.raises(ValueError, match="chunk_size"):
        resend_costs(100, 0, 0)


def test_sweep_reports_the_chunk_size_the_server_chose(tmp_path: Path) -> None:
    service = UploadService(LocalStorage(tmp_path / "s"), SQLiteSessionStore(), chunk_size=MiB)
    write_random_file(tmp_path / "f", 300_000, seed=3)
    with serve_app(create_app(service)) as url:
        assert url.startswith("http://127.0.0.1:")
        points = sweep_chunk_sizes(tmp_path / "f", url, [100_000, MiB], state_dir=tmp_path)
    assert [(p.effective, p.requests) for p in points] == [(100_000, 3), (MiB, 1)]
    assert all(p.mib_per_s > 0 for p in points)


@pytest.mark.s3
def test_moto_server_listens_on_loopback_only(moto_endpoint: S3Endpoint) -> None:
    assert moto_endpoint.url is not None and moto_endpoint.url.startswith("http://127.0.0.1:")


def test_cut_connection_validates_and_counts() -> None:
    with pytest.raises(ValueError, match="cut_at"):
        CutConnection(httpx.HTTPTransport(), {0})


def test_cli_grades_an_upload_solution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = tmp_path / "solution.py"
    solution.write_text(
        textwrap.dedent("""
        from tarento_lib.uploads.conformance import ReferenceUploads

        class Mine(ReferenceUploads):
            pass
    """)
    )
    assert cli_main(["check", "q09", str(solution), "--name", "Mine"]) == 0
    assert "upload: 12/12 cases pass" in capsys.readouterr().out
