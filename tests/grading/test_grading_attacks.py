"""A sceptical candidate's attacks on the grader: none of them passes a case it should fail.

Each test here failed (or hung) on the grader that ran candidates in its own process and
compared with ``got != expected``; the candidate now runs in a child process, sends back plain
values, and the grader judges them against the reference it runs itself.
"""

from __future__ import annotations

import sys
import textwrap
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from test_grading import LOOP_SUITE, NO_RECENCY_FAILS, LoopsInC, NoRecencyCache, failed

from tarento_lib import cli
from tarento_lib.cache import LRUCache
from tarento_lib.grading import run_suite

FIFO = """
class MyLRUCache:
    def __init__(self, capacity):
        self.capacity, self.data = capacity, {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        if key not in self.data and len(self.data) >= self.capacity:
            del self.data[next(iter(self.data))]
        self.data[key] = value

    def __len__(self):
        return len(self.data)
"""


def grade_file(tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    solution = tmp_path / "solution.py"
    solution.write_text(source)
    status = cli.main(["check", "q01", str(solution)])
    return status, capsys.readouterr().out


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


class LiarCache:
    """No LRU logic at all: every answer claims to equal whatever it is compared with."""

    def __init__(self, capacity: int) -> None:
        if not isinstance(capacity, int) or capacity < 1:
            raise ValueError("capacity")

    def get(self, key: Any, default: Any = None) -> Any:
        return AlwaysEqual()

    def put(self, key: Any, value: Any) -> None:
        pass

    def __len__(self) -> int:
        return 0


def test_an_answer_whose_eq_lies_is_not_equal() -> None:
    card = run_suite(LiarCache, "lru")
    assert not card.ok
    assert "stores and returns a value" in failed(card)
    assert "get('a'): expected 1, got AlwaysEqual" in card.render()


def test_a_subclass_of_int_is_not_an_int() -> None:
    class Three(int):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = int.__hash__

    class IntLike(LRUCache):
        def get(self, key: Any, default: Any = None) -> Any:
            value = super().get(key, default)
            return Three(value) if type(value) is int else value

    assert "stores and returns a value" in failed(run_suite(IntLike, "lru"))


def test_patching_the_grader_at_import_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = """
    from tarento_lib.grading import cases

    for name in ("expect", "expect_true", "expect_raises"):
        setattr(cases.Steps, name, lambda *args, **kwargs: None)
    """
    status, out = grade_file(tmp_path, textwrap.dedent(patch) + FIFO, capsys)
    assert status == 1
    assert "lru: 0/10 cases pass" in out
    assert "the grader in the child process was changed" in out


def test_a_patch_made_in_one_grading_does_not_reach_the_next() -> None:
    class Patcher(LRUCache):
        def __init__(self, capacity: int) -> None:
            from tarento_lib.grading import cases

            cases.Steps.expect = lambda *args, **kwargs: None  # in the child process only
            super().__init__(capacity)

    run_suite(Patcher, "lru")
    assert failed(run_suite(NoRecencyCache, "lru")) == NO_RECENCY_FAILS


class FrameReader(NoRecencyCache):
    """Answers from the grader's model when it can find one in a caller's frame."""

    @staticmethod
    def _model() -> OrderedDict[Any, Any] | None:
        frame = sys._getframe(2)
        while frame is not None:
            model = frame.f_locals.get("model")
            if isinstance(model, OrderedDict):
                return model
            frame = frame.f_back
        return None

    def get(self, key: Any, default: Any = None) -> Any:
        model = self._model()
        return super().get(key, default) if model is None else model.get(key, default)

    def __len__(self) -> int:
        model = self._model()
        return super().__len__() if model is None else len(model)


def test_there_is_no_model_to_read_in_the_candidates_process() -> None:
    assert "agrees with a reference LRU cache on random operations" in failed(
        run_suite(FrameReader, "lru")
    )


def test_sys_exit_at_import_is_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = grade_file(tmp_path, "import sys\nsys.exit(0)\n" + FIFO, capsys)
    assert status == 1
    assert "lru: 0/10 cases pass" in out
    assert "  ! importing solution.py raised SystemExit: 0" in out


def test_os_exit_inside_get_is_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = FIFO.replace(
        "        return self.data.get(key, default)",
        "        import os\n        os._exit(0)",
    )
    status, out = grade_file(tmp_path, source, capsys)
    assert status == 1
    assert "the process running it ended during the case (exit status 0)" in out
    assert "✓ capacity must be an int >= 1" not in out  # FIFO never validates: still judged


@pytest.mark.parametrize("error", [SystemExit, KeyboardInterrupt])
def test_system_exit_and_keyboard_interrupt_are_reported(error: type[BaseException]) -> None:
    class Raises(LRUCache):
        def get(self, key: Any, default: Any = None) -> Any:
            raise error(0)

    card = run_suite(Raises, "lru")
    assert f"raised {error.__name__}: 0" in card.failed[0].message
    assert len(card.results) == 10 and "agrees with" in card.render()


def test_an_endless_loop_inside_one_c_call_is_stopped() -> None:
    card = run_suite(LoopsInC, LOOP_SUITE, timeout=1.0)
    assert card.failed[0].message.startswith("did not finish within 1 s")
    assert not card.ok


def test_a_timed_out_case_does_not_stop_the_next_ones() -> None:
    class LoopsOnB(LRUCache):
        def get(self, key: Any, default: Any = None) -> Any:
            if key == "b":
                while True:
                    pass
            return super().get(key, default)

    card = run_suite(LoopsOnB, "lru", timeout=2.0)
    assert "stores and returns a value" not in failed(card)
    assert "a stored None is a hit" not in failed(card)  # ran after the loops, in a new process
    assert "evicts the least recently used key" in failed(card)


def test_a_flood_of_output_changes_no_verdict() -> None:
    class Floods(NoRecencyCache):
        def get(self, key: Any, default: Any = None) -> Any:
            print("x" * 2_000)
            sys.stderr.write("y" * 2_000)
            return super().get(key, default)

    card = run_suite(Floods, "lru")
    text = card.render()
    assert failed(card) == NO_RECENCY_FAILS, text
    assert "characters printed in all" in text
    assert len(text) < 40_000


def test_exit_status_is_0_only_when_every_case_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = "from tarento_lib.cache import LRUCache\n\nclass MyLRUCache(LRUCache):\n    pass\n"
    assert grade_file(tmp_path, good, capsys)[0] == 0
    assert grade_file(tmp_path, FIFO, capsys)[0] == 1


def test_bytes_written_to_the_grader_s_pipe_fail_the_case() -> None:
    class Scribbles(LRUCache):
        def get(self, key: Any, default: Any = None) -> Any:
            import contextlib
            import os

            for fd in range(3, 30):
                with contextlib.suppress(OSError):
                    os.write(fd, b"\xff\xff\xff\xffnot a frame")
            return super().get(key, default)

    card = run_suite(Scribbles, "lru")
    assert "stores and returns a value" in failed(card)
    assert "the grader's channel was tampered with" in card.render()
