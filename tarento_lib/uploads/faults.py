"""Fault injection for teaching and tests: an httpx transport that cuts the connection."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from tarento_lib._validate import require_bool, require_int

__all__ = ["CutConnection"]


class CutConnection(httpx.BaseTransport):
    """Passes requests to ``inner`` but fails the chunk PUTs numbered in ``cut_at`` (1-based).

    A cut request raises ``httpx.ReadError`` after the server got it or before, as chosen by
    ``after_send``, the two ways a real connection drops. With ``mid_body`` the cut comes in the
    middle of the body instead: the server receives the headers and the first half of the bytes,
    then the connection closes (``httpx.WriteError``). ``bytes_sent`` counts those half bodies
    too: they crossed the wire and were thrown away.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        cut_at: set[int] | frozenset[int],
        *,
        after_send: bool = False,
        mid_body: bool = False,
    ) -> None:
        numbers = frozenset(require_int(n, "each cut_at", minimum=1) for n in cut_at)
        require_bool(after_send, "after_send")
        if require_bool(mid_body, "mid_body") and after_send:
            raise ValueError("after_send and mid_body are two different cuts: choose one")
        self.inner, self.cut_at = inner, numbers
        self.after_send, self.mid_body = after_send, mid_body
        self.puts = 0
        self.bytes_sent = 0  # chunk bytes that reached the server, counting re-sends

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts += 1
            if self.puts in self.cut_at:
                if self.mid_body:
                    self._forward_half(request)
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

    def _forward_half(self, request: httpx.Request) -> None:
        body = request.read()
        half = len(body) // 2

        def first_half_then_cut() -> Iterator[bytes]:
            yield body[:half]
            self.bytes_sent += half
            raise httpx.WriteError("connection cut mid-body (injected)", request=request)

        # The headers still promise the whole body (Content-Length), as the real request did.
        partial = httpx.Request(
            request.method, request.url, headers=request.headers, content=first_half_then_cut()
        )
        self.inner.handle_request(partial).close()

    def close(self) -> None:
        self.inner.close()
