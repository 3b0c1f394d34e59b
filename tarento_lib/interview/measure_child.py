"""The child side of a measurement: load one solution file, run the probe when told to.

Started by :mod:`tarento_lib.interview.measure` as ``python -m
tarento_lib.interview.measure_child``. It reads framed commands on its stdin pipe and answers on
its stdout pipe (:mod:`tarento_lib.grading.channel`); before any candidate code runs, file
descriptors 0, 1 and 2 point to ``/dev/null`` and ``sys.stdout`` to a buffer that counts, so
nothing the candidate prints reaches a terminal or can pass for an answer.

Commands: the request ``(sys.path, number, file, name)``, then ``("prepare", size)`` and
``("round", size, start)``; a round runs the probe's operation ``repeat`` times and answers
with the seconds it took (``time.perf_counter``, bound here before the candidate is imported,
so a candidate that patches ``time`` does not change the clock).
"""

from __future__ import annotations

import gc
import io
import os
import sys
import time
import traceback
from collections.abc import Callable
from time import perf_counter
from typing import Any

from tarento_lib.grading.channel import EOF, TIMEOUT, FrameReader, write_frame
from tarento_lib.grading.child import OutputBuffer, load_file
from tarento_lib.grading.values import describe_exception

__all__ = ["main"]

_IDLE_SECONDS = 3600.0  # the parent kills this process long before; a bound for select()


def _where(exc: BaseException, file: str) -> str:
    """`` (at line 12 in get)``: the innermost frame of the candidate's file, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == file]
    return f" (at line {frames[-1].lineno} in {frames[-1].name})" if frames else ""


def _timed(operation: Callable[[int], object], start: int, repeat: int) -> float:
    """Seconds for ``repeat`` operations, with the garbage collector off (as ``timeit`` does)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        began = perf_counter()
        for i in range(start, start + repeat):
            operation(i)
        return perf_counter() - began
    finally:
        if collecting:
            gc.enable()


class _Server:
    """Answers the parent's commands on one loaded candidate."""

    def __init__(self, reader: FrameReader, channel: int, output: OutputBuffer) -> None:
        self.reader, self.channel, self.output = reader, channel, output
        self.operations: dict[int, Callable[[int], object]] = {}

    def next_command(self) -> Any:
        return self.reader.read(time.monotonic() + _IDLE_SECONDS)

    def reply(self, *message: Any) -> None:
        write_frame(self.channel, (*message, self.output.size))

    def serve(self) -> None:
        path, number, file, name = self.next_command()
        sys.path[:] = path
        from tarento_lib.interview.plan import interview_plan

        probe = interview_plan(number).probe
        if probe is None:
            raise LookupError(f"question {number} has no probe")
        self.reply("ready")
        try:
            candidate = load_file(file, name)
        except BaseException as exc:  # SystemExit too: reported, never obeyed
            self.reply("error", f"raised {describe_exception(exc)}{_where(exc, file)}")
            return
        self.reply("loaded")
        while (command := self.next_command()) not in (EOF, TIMEOUT):
            try:
                if command[0] == "prepare":
                    self.operations[command[1]] = probe.prepare(candidate, command[1])
                    self.reply("prepared")
                else:
                    _, size, start = command
                    self.reply("round", _timed(self.operations[size], start, probe.repeat))
            except BaseException as exc:
                self.reply("error", f"raised {describe_exception(exc)}{_where(exc, file)}")
                return


def main() -> None:
    commands, channel = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    output = OutputBuffer()
    sys.stdout = sys.stderr = output
    sys.stdin = io.StringIO()
    try:
        _Server(FrameReader(commands), channel, output).serve()
    except BaseException as exc:
        failed = f"the measuring process failed: {describe_exception(exc)}"
        write_frame(channel, ("broken", failed, output.size))
    os._exit(0)  # the candidate's threads may still run: they end with the process


if __name__ == "__main__":
    main()
