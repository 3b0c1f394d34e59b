"""Fault injection for teaching and tests: an httpx transport that cuts the connection."""

from __future__ import annotations

import httpx

from tarento_lib._validate import require_int

__all__ = ["CutConnection"]


class CutConnection(httpx.BaseTransport):
    """Passes requests to ``inner`` but fails the chunk PUTs numbered in ``cut_at`` (1-based).

    A cut request raises ``httpx.ReadError`` after the server got it or before, as chosen by
    ``after_send``, the two ways a real connection drops.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        cut_at: set[int] | frozenset[int],
        *,
        after_send: bool = False,
    ) -> None:
        numbers = frozenset(require_int(n, "each cut_at", minimum=1) for n in cut_at)
        self.inner, self.cut_at, self.after_send = inner, numbers, after_send
        self.puts = 0
        self.bytes_sent = 0  # chunk bytes that reached the server, counting re-sends

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts += 1
            if self.puts in self.cut_at:
                if self.after_send:
                    self._forward(request).close()
                raise httpx.ReadError("connection cut (injected)", request=request)
        return self._forward(request)

    def _forward(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.bytes_sent += int(
                request.headers.get("content-length", 0)
            )  # the body may be a stream
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
