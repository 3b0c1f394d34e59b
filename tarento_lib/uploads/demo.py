"""Helpers for the notebook and the benchmark: seeded files, chunk-size sweeps, re-send costs."""

from __future__ import annotations

import hashlib
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tarento_lib._validate import require_int
from tarento_lib.uploads.client import upload_file

__all__ = ["SweepPoint", "resend_costs", "sweep_chunk_sizes", "write_random_file"]


def write_random_file(path: str | os.PathLike[str], size: int, *, seed: int) -> str:
    """Write ``size`` seeded pseudo-random bytes to ``path``; return their SHA-256."""
    require_int(size, "size", minimum=1)
    words = np.random.default_rng(seed).integers(0, 2**63, math.ceil(size / 8), dtype=np.int64)
    data = words.tobytes()[:size]
    Path(path).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SweepPoint:
    size: int  # bytes uploaded
    requested: int  # chunk size the client asked for
    effective: int  # chunk size the server chose (S3 raises it to 5 MiB)
    requests: int  # chunk PUTs needed
    seconds: float

    @property
    def mib_per_s(self) -> float:
        return self.size / 2**20 / self.seconds


def sweep_chunk_sizes(
    path: Path, base_url: str, chunk_sizes: list[int], *, state_dir: Path
) -> list[SweepPoint]:
    """Upload ``path`` once per chunk size (no resume, no SHA-256) and time each upload."""
    points = []
    size = path.stat().st_size
    for requested in chunk_sizes:
        start = time.perf_counter()
        report = upload_file(
            path,
            base_url,
            resume=False,
            state_dir=state_dir,
            progress=False,
            verify=False,
            chunk_size=requested,
        )
        seconds = time.perf_counter() - start
        points.append(
            SweepPoint(
                size, requested, report.chunk_size, math.ceil(size / report.chunk_size), seconds
            )
        )
    return points


def resend_costs(size: int, chunk_size: int, cut_after: int) -> dict[str, int]:
    """Bytes on the wire to finish an upload whose connection dropped after ``cut_after`` chunks.

    ``start over``: the client begins again from byte 0 (one big request, or chunks without
    resume); ``resume``: it asks the server what is missing and sends only that.
    """
    require_int(size, "size", minimum=1)
    require_int(chunk_size, "chunk_size", minimum=1)
    chunks = math.ceil(size / chunk_size)
    require_int(cut_after, "cut_after", minimum=0, maximum=chunks)
    received = min(cut_after * chunk_size, size)
    return {"start over": received + size, "resume": size}
