"""The measurement runner: growth between two sizes, speed against the model, contained failures.

No timing thresholds here beyond the probe's own limit: an O(n) cache is flagged because its
ratio blows through the limit many times over, and the model answer passes the same probe.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
import time
from pathlib import Path

import pytest

from tarento_lib.interview import measure as measuring
from tarento_lib.interview.measure import Measurement, measure, model_answer, ruff_findings
from tarento_lib.interview.plan import interview_plan, numbers

SHORT = 1.5  # seconds: the time limit of the contained cases

O_N_CACHE = """
class ScanningCache:
    def __init__(self, capacity):
        self.capacity, self.data, self.order = capacity, {}, []

    def get(self, key, default=None):
        if key not in self.data:
            return default
        self.order.remove(key)  # a scan of every key: O(n)
        self.order.append(key)
        return self.data[key]

    def put(self, key, value):
        if key in self.data:
            self.order.remove(key)
        elif len(self.data) >= self.capacity:
            del self.data[self.order.pop(0)]
        self.data[key] = value
        self.order.append(key)

    def __len__(self):
        return len(self.data)
"""


def cache_source(init: str = "", get: str = "", put: str = "", top: str = "") -> str:
    """A correct OrderedDict cache with a statement added to ``__init__``, ``get`` or ``put``."""
    return textwrap.dedent(f"""
        import os, signal, sys
        from collections import OrderedDict
        {top}

        class Cache:
            def __init__(self, capacity):
                {init}
                self.capacity, self.data = capacity, OrderedDict()

            def get(self, key, default=None):
                {get}
                if key not in self.data:
                    return default
                self.data.move_to_end(key)
                return self.data[key]

            def put(self, key, value):
                {put}
                self.data[key] = value
                self.data.move_to_end(key)
                if len(self.data) > self.capacity:
                    self.data.popitem(last=False)

            def __len__(self):
                return len(self.data)
    """)


def solution(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "q01_solution.py"
    path.write_text(source)
    return path


@pytest.mark.parametrize("number", numbers())
def test_every_model_answer_passes_its_probe(number: str) -> None:
    try:
        plan = interview_plan(number)
    except KeyError:
        pytest.skip(f"{number} has no interview plan yet")
    answer = model_answer(number)
    assert answer is not None, f"{number} has no model answer"
    found = measure(number, answer[0], answer[1])
    if plan.probe is None:
        assert found.skipped == plan.no_probe
        assert found.lines() == [f"complexity: not measured: {plan.no_probe}"]
        return
    assert found.problem == ""
    assert found.ratio is not None and not found.flagged, found.lines()
    assert found.speed is not None and found.speed > 0
    assert found.lines()[0].endswith(f": {plan.probe.growth} as expected")


def test_an_o_n_cache_is_flagged(tmp_path: Path) -> None:
    found = measure("q01", solution(tmp_path, O_N_CACHE))
    assert found.problem == ""
    assert found.flagged and found.ratio is not None and found.ratio > found.limit
    complexity, speed = found.lines()
    assert "grows faster than O(1); look for a scan such as list.remove" in complexity
    assert speed.startswith("speed: ") and "x the model answer" in speed


def test_a_plan_without_a_probe_is_skipped_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = "the question is about retries, not growth"
    plan = dataclasses.replace(interview_plan("q01"), probe=None, no_probe=reason)
    monkeypatch.setattr(measuring, "interview_plan", lambda number: plan)
    found = measure("q01", solution(tmp_path, O_N_CACHE))
    assert found.skipped == reason
    assert not found.flagged and found.speed is None


CONTAINED = {
    "loop in __init__": (
        cache_source(init="while True: pass"),
        "setting up the probe at 100 did not finish within 1.5 s",
    ),
    "loop in get": (
        cache_source(get="while True: pass"),
        "timing the probe at 100 did not finish within 1.5 s",
    ),
    "loop on import": (
        cache_source(top="while True: pass"),
        "importing q01_solution.py did not finish within 1.5 s",
    ),
    "sys.exit in put": (
        cache_source(put="sys.exit(3)"),
        "setting up the probe at 100 raised SystemExit: 3 (at line 19 in put)",
    ),
    "sys.exit on import": (
        cache_source(top="sys.exit('bye')"),
        "importing q01_solution.py raised SystemExit: bye (at line 4 in <module>)",
    ),
    "os._exit in get": (
        cache_source(get="os._exit(3)"),
        "the process running your code ended while timing the probe at 100 (exit status 3)",
    ),
    "crash in __init__": (
        cache_source(init="1 / 0"),
        "setting up the probe at 100 raised ZeroDivisionError: division by zero "
        "(at line 8 in __init__)",
    ),
    "segfault": (
        cache_source(get="os.kill(os.getpid(), signal.SIGSEGV)"),
        "the process running your code ended while timing the probe at 100 (signal 11)",
    ),
    "endless flood of output": (
        cache_source(init="while True: print('spam' * 1000)"),
        "setting up the probe at 100 did not finish within 1.5 s",
    ),
    "flood of output": (
        cache_source(init="print('spam' * 100_000)"),
        "your code printed 800,002 characters during the probe",
    ),
    "forged replies": (
        # an empty frame header on every descriptor the child may answer on (3 is its input)
        cache_source(init="for fd in range(4, 6): os.write(fd, bytes(8))"),
        "the channel was tampered with while setting up the probe at 100",
    ),
    "no class": ("x = 1\n", "cannot measure q01_solution.py: expected one class"),
    "not Python": ("def (:\n", "q01_solution.py does not parse: invalid syntax (line 1)"),
}


@pytest.mark.parametrize("source, problem", CONTAINED.values(), ids=CONTAINED.keys())
def test_contained_in_one_line_within_the_limit(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], source: str, problem: str
) -> None:
    began = time.monotonic()
    found = measure("q01", solution(tmp_path, source), timeout=SHORT)
    assert time.monotonic() - began < measuring.STARTUP_SECONDS + SHORT  # the contract's bound
    assert problem in found.problem and "\n" not in found.problem
    assert str(tmp_path) not in found.problem
    assert any(problem in line for line in found.lines())
    assert capfd.readouterr() == ("", "")


def test_the_candidates_output_never_reaches_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    noisy = cache_source(
        init="print('hello'); os.write(1, b'raw out'); os.write(2, b'raw err')",
        top="print('loaded', file=sys.stderr)",
    )
    found = measure("q01", solution(tmp_path, noisy))
    assert capfd.readouterr() == ("", "")
    assert found.problem == "" and found.printed == len("loaded\n") + 2 * len("hello\n")
    assert found.lines()[-1].startswith("output: your code printed 19 characters")


def test_lines_one_fact_each() -> None:
    fine = Measurement("q01", "x", "O(1)", (100, 20_000), 8.0, 2.1e-6, 2.4e-6, 1.2e-6)
    assert fine.lines() == [
        "complexity: 2.1 µs per op at 100, 2.4 µs at 20,000 (x1.1): O(1) as expected",
        "speed: 0.5x the model answer (2.4 µs vs 1.2 µs per op at 20,000)",
    ]
    close = dataclasses.replace(fine, model=2.0e-6)
    assert close.lines()[1].startswith("speed: about as fast as the model answer (2.4 µs vs 2.0")
    slow = dataclasses.replace(fine, large=128e-6)
    assert slow.flagged and slow.lines()[0] == (
        "complexity: 2.1 µs per op at 100, 128 µs at 20,000 (x61): grows faster than O(1); "
        "look for a scan such as list.remove or 'in' on a list"
    )
    assert slow.lines()[1].startswith("speed: 0.009x the model answer")
    broken = dataclasses.replace(fine, small=None, large=None, problem="it broke")
    assert broken.lines() == ["complexity: not measured: it broke"]
    assert Measurement(**dataclasses.asdict(fine)) == fine


MESSY = """\
import os
import sys, json


def first(items=[]):
    if len(items) > 0:
        return True
    else:
        return False


def read(path):
    try:
        return open(path).read()
    except:
        pass
"""


def test_ruff_findings_on_a_messy_file(tmp_path: Path) -> None:
    messy = tmp_path / "q01_solution.py"
    messy.write_text(MESSY)
    findings = ruff_findings(messy)
    codes = {line.split()[1] for line in findings}
    assert {"F401", "E401", "B006", "SIM103", "E722"} <= codes
    assert "5:17 B006 Do not use mutable data structures for argument defaults" in findings
    assert all(re.fullmatch(r"\d+:\d+ \S+ .+", line) for line in findings)
    assert not any(str(tmp_path) in line or "[*]" in line for line in findings)
    assert not codes & {"I001", "UP", "E501"}  # the project's own rules are not applied


def test_ruff_findings_on_a_clean_file(tmp_path: Path) -> None:
    clean = tmp_path / "q01_solution.py"
    clean.write_text(cache_source().replace("import os, signal, sys\n", ""))
    assert ruff_findings(clean) == []
