"""Length-prefixed frames of built-in values over a pipe, read with a deadline."""

from __future__ import annotations

import os
import select
import struct
import time
from typing import Any

from tarento_lib.grading.values import dumps, loads

__all__ = ["EOF", "TIMEOUT", "FrameReader", "write_frame"]

MAX_FRAME = 64 * 1024 * 1024
EOF = object()  # the other end closed the pipe
TIMEOUT = object()  # nothing complete arrived before the deadline
_HEADER = struct.Struct(">I")


def write_frame(fd: int, message: Any) -> None:
    data = dumps(message)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


class FrameReader:
    """Reads frames from ``fd``; a malformed frame raises ``ValueError``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _frame(self) -> Any:
        if len(self.buffer) < _HEADER.size:
            return TIMEOUT
        (size,) = _HEADER.unpack_from(self.buffer)
        if size > MAX_FRAME:
            raise ValueError(f"a frame of {size} bytes (the limit is {MAX_FRAME})")
        if len(self.buffer) < _HEADER.size + size:
            return TIMEOUT
        data = bytes(self.buffer[_HEADER.size : _HEADER.size + size])
        del self.buffer[: _HEADER.size + size]
        try:
            return loads(data)
        except Exception as exc:
            raise ValueError(f"an unreadable frame ({type(exc).__name__})") from exc

    def read(self, deadline: float) -> Any:
        """The next message, or ``TIMEOUT`` at ``deadline`` (``time.monotonic``), or ``EOF``."""
        while True:
            message = self._frame()
            if message is not TIMEOUT:
                return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return TIMEOUT
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                return TIMEOUT
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return EOF
            self.buffer += chunk
