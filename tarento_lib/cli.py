"""``tarento-lab``: open the lab, run notebooks headless, grade an exercise from a terminal,
mint a bearer token for the content and job APIs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarento_lib import config
from tarento_lib._validate import require_choice

__all__ = ["find_notebooks", "lab_command", "main", "notebooks_dir"]


def notebooks_dir() -> Path:
    """``./notebooks`` when run from a checkout, else the one beside the installed package."""
    here = Path.cwd() / "notebooks"
    if (here / "00_start_here.ipynb").exists():
        return here
    return Path(__file__).resolve().parents[1] / "notebooks"


def find_notebooks(selection: Sequence[str], directory: Path | None = None) -> list[Path]:
    """Notebooks matching ``qNN`` prefixes (or ``00``); all of them when ``selection`` is empty."""
    directory = directory or notebooks_dir()
    every = sorted(directory.glob("[0-9q]*.ipynb"))
    if not selection:
        return every
    chosen: list[Path] = []
    for wanted in selection:
        matches = [nb for nb in every if nb.stem == wanted or nb.stem.startswith(f"{wanted}_")]
        if not matches:
            known = ", ".join(nb.stem.split("_")[0] for nb in every)
            raise SystemExit(f"tarento-lab: no notebook {wanted!r}; known: {known}")
        chosen.extend(matches)
    return chosen


def execute_notebook(
    path: Path, *, write: bool = False, timeout: int = 120
) -> tuple[float, int, str]:
    """Execute one notebook in a fresh kernel; return (seconds, code cells, status)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    start = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as error:
        status = f"error: {error.ename}: {error.evalue}"[:100]
        print(f"{path.name}: {error}", file=sys.stderr)
    elapsed = time.perf_counter() - start
    if write and status == "ok":
        nbformat.write(notebook, path)
    return elapsed, cells, status


def _cmd_run(args: argparse.Namespace) -> int:
    paths = find_notebooks(args.notebooks)
    rows = [("notebook", "seconds", "cells", "status")]
    failed = False
    for path in paths:
        seconds, cells, status = execute_notebook(path, write=args.write)
        failed |= status != "ok"
        rows.append((path.name, f"{seconds:.1f}", str(cells), status))
        print(f"{path.name}: {status} ({seconds:.1f} s)", file=sys.stderr, flush=True)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 1 if failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Grade a solution file; exit status 0 only when every case ran and passed."""
    from tarento_lib.grading import check_file, suite_for_question

    try:
        suite = suite_for_question(args.question)
    except (KeyError, ModuleNotFoundError) as exc:
        raise SystemExit(f"tarento-lab: no exercise for {args.question!r} ({exc})") from exc
    path = Path(args.solution)
    if not path.is_file():
        raise SystemExit(f"tarento-lab: no such file: {path}")
    try:
        card = check_file(path, suite, name=args.name)
    except LookupError as exc:
        raise SystemExit(f"tarento-lab: {exc}; pick one with --name") from exc
    except SyntaxError as exc:
        raise SystemExit(f"tarento-lab: {path} is not valid Python: {exc}") from exc
    print(card.render())
    return 0 if card.ok else 1


def _cmd_interview(args: argparse.Namespace) -> int:
    """Start, resume, check, hint or finish a mock interview; state lives in ``--dir``."""
    from tarento_lib.interview.session import SessionError, save_progress

    directory = Path(args.dir or ".")
    options = {}
    if args.dir:  # a chosen folder keeps the progress file too, beside the session
        options["save_progress"] = lambda session: save_progress(session, directory)
    try:
        return _interview_step(args, directory, options)
    except (KeyError, SessionError) as exc:
        raise SystemExit(f"tarento-lab: {exc.args[0] if exc.args else exc}") from None
    except (SyntaxError, LookupError, OSError, UnicodeDecodeError) as exc:
        # the solution file cannot be graded: no class, two of them, invalid Python, unreadable
        solution = directory / f"{args.question}_solution.py"
        raise SystemExit(f"tarento-lab: cannot grade {solution}: {exc}") from None


def _interview_step(args: argparse.Namespace, directory: Path, options: dict[str, Any]) -> int:
    from tarento_lib.interview.session import Session, SessionError, clock_text

    session = Session.load(args.question, directory, **options)
    if not (args.check or args.hint or args.finish):
        if session is not None and not session.finished:
            print(session.status())
            return 0
        session = Session.start(args.question, directory, minutes=args.minutes, **options)
        print(session.intro())
        print(
            f"\nThe clock is running. Edit the file, then: tarento-lab interview {args.question} "
            "--check (also --hint, --finish)"
        )
        return 0
    if session is None:
        raise SessionError(
            f"no interview of {args.question} in {directory}; "
            f"start one with: tarento-lab interview {args.question}"
        )
    passed = True
    if args.finish:
        print(session.finish())
    elif args.hint:
        print(session.hint())
    else:
        outcome = session.check()
        passed = outcome.passed
        if outcome.card.results:
            print(outcome.card.render())
        if outcome.revealed is not None:
            print(f"\nStage {session.stage_number - 1} passed at {clock_text(session.elapsed)}.")
            print(f"Next from the interviewer ({clock_text(session.remaining)} left):")
            print(session.ask(outcome.revealed))
        elif outcome.scorecard:
            print(f"\n{outcome.scorecard}")
        else:
            print(f"\n{clock_text(session.remaining)} left; --hint shows a hint")
    if session.progress_notice:
        print(f"tarento-lab: {session.progress_notice}", file=sys.stderr)
    return 0 if passed else 1


def _cmd_nav(args: argparse.Namespace) -> int:
    from tarento_lib.lab.navigation import stale_notebooks, update_navigation

    if args.check:
        stale = stale_notebooks()
        for path in stale:
            print(f"stale navigation: {path.name}")
        return 1 if stale else 0
    for path in update_navigation():
        print(f"updated {path.name}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    import json

    from tarento_lib.lab.stats import format_table, notebook_stats

    rows = [notebook_stats(path) for path in find_notebooks(args.notebooks)]
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
    else:
        print(format_table(rows))
    return 0


def _cmd_slides(args: argparse.Namespace) -> int:
    from tarento_lib.lab.slides import export_slides

    out_dir = Path(args.out)
    for path in find_notebooks(args.notebooks):
        print(export_slides(path, out_dir))
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    from tarento_lib.auth import AuthConfigurationError, Role, TokenAuthority

    try:
        authority = TokenAuthority.from_settings()
        role = require_choice(args.role, "--role", [role.value for role in Role])
    except (config.ConfigurationError, ValueError) as error:
        raise SystemExit(f"tarento-lab: {error}") from None
    subject = args.subject or f"dev-{role}"
    try:
        token = authority.issue(subject, [role], lifetime=args.lifetime)
    except (AuthConfigurationError, TypeError, ValueError) as error:
        raise SystemExit(f"tarento-lab: {error}") from None
    if authority.is_development:
        print(
            f"tarento-lab: signed with the public development key ({config.AUTH_SECRET} unset): "
            "accepted only by apps that run in development",
            file=sys.stderr,
        )
    print(token)
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from tarento_lib.interview.progress import ProgressFileError, ProgressStore, format_rows

    try:
        progress = ProgressStore(args.dir).read()
    except ProgressFileError as error:
        raise SystemExit(f"tarento-lab: {error}") from None
    if progress.notice:
        print(f"tarento-lab: {progress.notice}", file=sys.stderr)
    print(format_rows(progress.rows()))
    return 0


def _environment(real: bool) -> dict[str, str]:
    """The lab's environment: real-service URLs only with ``--real``;
    study sessions stay embedded.
    """
    env = os.environ.copy()
    if not real:
        for variable in config.SERVICE_VARIABLES:
            env.pop(variable, None)
    return env


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(jupyter_args: Sequence[str], *, root: bool) -> list[str]:
    """The JupyterLab command line: the start page, ``jupyter_args`` as given, and, for root,
    ``--allow-root`` (a container or CI shell runs as root; JupyterLab refuses it otherwise)."""
    start = notebooks_dir() / "00_start_here.ipynb"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={start.parent}",
        *jupyter_args,
    ]
    if root and "--allow-root" not in jupyter_args:
        command.append("--allow-root")
    return [*command, str(start)]


def _launch_lab(arguments: Sequence[str]) -> int:
    """Open the lab; all arguments but ``--real`` go to JupyterLab (``--port 9000``, ``--ip``)."""
    root = _running_as_root()
    if root:
        print(
            "tarento-lab: running as root, so JupyterLab is started with --allow-root",
            file=sys.stderr,
        )
    command = lab_command([a for a in arguments if a != "--real"], root=root)
    return subprocess.call(command, env=_environment("--real" in arguments))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tarento-lab",
        description=__doc__,
        epilog="Without a command it opens the lab; options it does not know (--port 9000, "
        "--no-browser, --ip 0.0.0.0) go to JupyterLab.",
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="keep the TARENTO_*_URL variables, so notebooks use real Redis/PostgreSQL/S3",
    )
    commands = parser.add_subparsers(title="commands")
    run = commands.add_parser("run", help="execute notebooks headless and print a timing table")
    run.add_argument("notebooks", nargs="*", help="qNN prefixes (default: every notebook)")
    run.add_argument(
        "--write", action="store_true", help="save the fresh outputs into the notebooks"
    )
    run.set_defaults(func=_cmd_run)
    grade = commands.add_parser("check", help="grade an exercise solution file")
    grade.add_argument("question", help="qNN (e.g. q01) or a suite name (e.g. lru)")
    grade.add_argument("solution", help="path to a .py file defining your class or function")
    grade.add_argument("--name", help="which class or function in the file to grade")
    grade.set_defaults(func=_cmd_check)
    stats = commands.add_parser(
        "stats",
        help="reading minutes, exercise cases, long slides and visible asserts per notebook",
    )
    stats.add_argument("notebooks", nargs="*", help="qNN prefixes (default: every notebook)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=_cmd_stats)
    slides = commands.add_parser(
        "slides", help="export notebooks as self-contained reveal.js slides"
    )
    slides.add_argument("notebooks", nargs="*", help="qNN prefixes (default: every notebook)")
    slides.add_argument("--out", default="slides", help="output folder (default: ./slides)")
    slides.set_defaults(func=_cmd_slides)
    token = commands.add_parser(
        "token",
        help="print a bearer token for the content and job APIs (signed with the "
        f"{config.AUTH_SECRET} key, else the development key)",
    )
    token.add_argument(
        "--role", default="editor", help="reader, editor, reviewer or admin (default: editor)"
    )
    token.add_argument("--subject", help="who the caller is (default: dev-<role>)")
    token.add_argument(
        "--lifetime", type=float, default=3600.0, help="seconds it stays valid (default: 3600)"
    )
    token.set_defaults(func=_cmd_token)
    interview = commands.add_parser(
        "interview", help="practise a question under interview conditions: stages, hints, a clock"
    )
    interview.add_argument("question", help="qNN, e.g. q01")
    interview.add_argument(
        "--minutes", type=float, help="time budget (default: the stages' budgets added up)"
    )
    interview.add_argument(
        "--dir",
        help="folder for the solution, the session and the progress file "
        "(default: the solution and session here, progress in your data folder)",
    )
    action = interview.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="grade the current stage")
    action.add_argument("--hint", action="store_true", help="show the next hint (counted)")
    action.add_argument("--finish", action="store_true", help="stop and print the scorecard")
    interview.set_defaults(func=_cmd_interview)
    nav = commands.add_parser("nav", help="regenerate every notebook's header and footer cells")
    nav.add_argument(
        "--check", action="store_true", help="only list stale notebooks (exit 1 if any)"
    )
    nav.set_defaults(func=_cmd_nav)
    progress = commands.add_parser(
        "progress", help="your mock interviews: best stage, best time, hints per question"
    )
    progress.add_argument(
        "--dir", type=Path, help="where progress.json lives (default: your user data folder)"
    )
    progress.set_defaults(func=_cmd_progress)
    parser.set_defaults(commands=tuple(commands.choices))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    words = [a for a in arguments if not a.startswith("-")]
    asks_help = not words and {"-h", "--help"} & set(arguments)
    if asks_help or (words and words[0] in parser.get_default("commands")):
        args = parser.parse_args(arguments)
        return int(args.func(args))
    return _launch_lab(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
