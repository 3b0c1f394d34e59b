"""Upload sessions: what was promised (size, chunk size, checksum) and which chunks arrived.

Sessions live in SQLite, not in a dict, so a restarted server (or a second worker process
pointed at the same file) carries on where the first one stopped.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tarento_lib._validate import require_instance
from tarento_lib.uploads.errors import UploadNotFound

__all__ = ["ABORTED", "COMPLETED", "EXPIRED", "OPEN", "SQLiteSessionStore", "UploadSession"]

OPEN, COMPLETED, ABORTED, EXPIRED = "open", "completed", "aborted", "expired"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, filename TEXT NOT NULL, size INTEGER NOT NULL,
    content_type TEXT NOT NULL, sha256 TEXT, chunk_size INTEGER NOT NULL, key TEXT NOT NULL,
    storage_ref TEXT NOT NULL, state TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
    -- md5: the hex digest of the storage's part_checksum algorithm
    idx INTEGER NOT NULL, md5 TEXT NOT NULL, PRIMARY KEY (upload_id, idx)
);
CREATE TABLE IF NOT EXISTS tails (
    upload_id TEXT PRIMARY KEY REFERENCES uploads(upload_id) ON DELETE CASCADE, data BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class UploadSession:
    """One upload: its promise and the chunks received so far
    (index -> hex digest, the storage's ``part_checksum``)."""

    upload_id: str
    filename: str
    size: int
    content_type: str
    sha256: str | None
    chunk_size: int
    key: str
    storage_ref: str
    state: str = OPEN
    created_at: float = 0.0
    parts: dict[int, str] = field(default_factory=dict)

    @property
    def total_chunks(self) -> int:
        return math.ceil(self.size / self.chunk_size)

    @property
    def missing(self) -> list[int]:
        return [i for i in range(self.total_chunks) if i not in self.parts]

    @property
    def received_bytes(self) -> int:
        return sum(self.chunk_length(i) for i in self.parts)

    def chunk_length(self, index: int) -> int:
        """The exact length chunk ``index`` must have (the last one holds the remainder)."""
        return min(self.chunk_size, self.size - index * self.chunk_size)

    def contiguous_chunks(self) -> int:
        """How many chunks from index 0 on have arrived without a gap."""
        count = 0
        while count in self.parts:
            count += 1
        return count


class SQLiteSessionStore:
    """Sessions in one SQLite file (``":memory:"`` for a throwaway store). Thread-safe."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(require_instance(path, "path", (str, Path)))
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(
                "PRAGMA synchronous = NORMAL"
            )  # WAL: survives a process crash without an fsync per chunk
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def create(self, session: UploadSession) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO uploads VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    session.upload_id,
                    session.filename,
                    session.size,
                    session.content_type,
                    session.sha256,
                    session.chunk_size,
                    session.key,
                    session.storage_ref,
                    session.state,
                    session.created_at,
                ),
            )

    def get(self, upload_id: str, *, parts: bool = True) -> UploadSession:
        """The session (with its parts unless ``parts=False``);
        ``UploadNotFound`` if there is none."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM uploads WHERE upload_id = ?", (upload_id,)
            ).fetchone()
            if row is None:
                raise UploadNotFound(upload_id)
            held = (
                self._db.execute(
                    "SELECT idx, md5 FROM parts WHERE upload_id = ?", (upload_id,)
                ).fetchall()
                if parts
                else []
            )
        return UploadSession(*row, parts=dict(held))

    def part(self, upload_id: str, index: int) -> str | None:
        """The hex digest recorded for one chunk, or ``None``."""
        with self._lock:
            row = self._db.execute(
                "SELECT md5 FROM parts WHERE upload_id = ? AND idx = ?", (upload_id, index)
            ).fetchone()
        return row[0] if row else None

    def add_part(self, upload_id: str, index: int, digest_hex: str) -> str:
        """Record a chunk unless one is already recorded; return the digest that is on record."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO parts VALUES (?,?,?)", (upload_id, index, digest_hex))
            return db.execute(
                "SELECT md5 FROM parts WHERE upload_id = ? AND idx = ?", (upload_id, index)
            ).fetchone()[0]

    def replace_parts(self, upload_id: str, parts: dict[int, str]) -> None:
        """Make the recorded chunks exactly ``parts`` (after reconciling with the storage)."""
        with self._tx() as db:
            db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            db.executemany(
                "INSERT INTO parts VALUES (?,?,?)", [(upload_id, i, m) for i, m in parts.items()]
            )

    def set_state(self, upload_id: str, state: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE uploads SET state = ? WHERE upload_id = ?", (state, upload_id))
            if state != OPEN:
                db.execute("DELETE FROM tails WHERE upload_id = ?", (upload_id,))

    def open_sessions(self, created_before: float) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT upload_id FROM uploads WHERE state = ? AND created_at < ? ORDER BY "
                "created_at",
                (OPEN, created_before),
            ).fetchall()
        return [row[0] for row in rows]

    def get_tail(self, upload_id: str) -> bytes:
        """Bytes of a partial chunk kept between tus PATCH requests (empty if none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM tails WHERE upload_id = ?", (upload_id,)
            ).fetchone()
        return bytes(row[0]) if row else b""

    def set_tail(self, upload_id: str, data: bytes) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO tails VALUES (?, ?)", (upload_id, data))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteSessionStore({'<memory>' if self.path == ':memory:' else 'file'})"
