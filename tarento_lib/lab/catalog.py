"""The suite's table of contents, and which backend each service uses right now."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Question", "QUESTIONS", "available_questions", "stored_run_seconds", "Backend", "backends", "SERVICE_VARIABLES"]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Question:
    number: str  # "q01"
    title: str
    summary: str
    concepts: tuple[str, ...]
    notebook: str  # file name in notebooks/

    @property
    def path(self) -> Path:
        return NOTEBOOKS / self.notebook


QUESTIONS: tuple[Question, ...] = (
    Question("q01", "LRU cache", "O(1) get/put with TTL, thread safety and statistics; replacement policies up to Belady's OPT",
             ("hash map + linked list", "OrderedDict", "locks", "TTL", "cache policies"), "q01_lru_cache.ipynb"),
    Question("q02", "Sliding-window rate limiter", "fixed window, sliding log and sliding counter, in memory and on Redis",
             ("sliding windows", "Redis Lua", "HTTP 429"), "q02_sliding_window_rate_limiter.ipynb"),
    Question("q03", "Trie autocomplete", "prefix search with frequency-ranked top-k on real English and Hindi words",
             ("tries", "top-k", "Unicode keys"), "q03_trie_autocomplete.ipynb"),
    Question("q04", "Text similarity for Indian languages", "edit distance and n-grams on grapheme clusters, not code points",
             ("Unicode normalisation", "graphemes", "Levenshtein"), "q04_text_similarity_indic.ipynb"),
    Question("q05", "Token bucket", "burst then steady rate; leaky bucket; waiting with a timeout",
             ("token bucket", "leaky bucket", "Redis Lua"), "q05_token_bucket.ipynb"),
    Question("q06", "Multilingual content API", "FastAPI + SQLAlchemy 2 with a language fallback chain",
             ("REST design", "async ORM", "i18n"), "q06_multilingual_content_api.ipynb"),
    Question("q07", "Connection pooling with retry", "pools, backoff with jitter, health checks and failover",
             ("connection pools", "retry policies", "circuit breakers"), "q07_db_pool_retry.ipynb"),
    Question("q08", "Async job queue", "priority queue with workers, retries, timeouts and cancellation",
             ("asyncio", "backoff", "graceful shutdown"), "q08_job_queue.ipynb"),
    Question("q09", "Resumable chunked uploads", "chunked uploads to disk and S3 that survive interruptions",
             ("S3 multipart", "checksums", "tus"), "q09_resumable_upload.ipynb"),
    Question("q10", "Debug and fix", "find, explain and test every bug in a small async service",
             ("code review", "async pitfalls", "regression tests"), "q10_debug_and_fix.ipynb"),
    Question("q11", "Patterns and practices", "repository, error hierarchy, transactions and decorators",
             ("design patterns", "context managers", "decorators"), "q11_patterns.ipynb"),
)


def stored_run_seconds(path: Path) -> float:
    """Kernel time of a notebook's last full run, summed from the timings nbclient stores per cell."""
    import nbformat
    from datetime import datetime

    total = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            total += (end - start).total_seconds()
    return total


def available_questions() -> list[Question]:
    """The questions whose notebook is in this checkout."""
    return [q for q in QUESTIONS if q.path.exists()]


@dataclass(frozen=True)
class Backend:
    service: str
    variable: str
    embedded: str
    in_use: str  # "embedded" or "real"


SERVICE_VARIABLES = ("TARENTO_REDIS_URL", "TARENTO_DATABASE_URL", "TARENTO_DATABASE_REPLICA_URLS", "TARENTO_S3_ENDPOINT", "TARENTO_S3_BUCKET")


def backends() -> list[Backend]:
    """Which backend each service uses in this process: the real one exactly when its URL is set.

    ``tarento-lab`` starts JupyterLab with these variables removed unless it is given ``--real``,
    so a lab opened for study always runs on the embedded stand-ins.
    """
    table = [
        ("Redis", "TARENTO_REDIS_URL", "fakeredis (in-process, with Lua)"),
        ("SQL database", "TARENTO_DATABASE_URL", "SQLite through aiosqlite"),
    ]
    rows = [
        Backend(service, variable, embedded, "real" if os.environ.get(variable) else "embedded")
        for service, variable, embedded in table
    ]
    # The Q9 notebook always runs its own moto S3 server; only the tests follow TARENTO_S3_ENDPOINT.
    rows.append(Backend("Object storage", "TARENTO_S3_ENDPOINT", "local directory and moto's S3 server (in the Q9 notebook always)", "embedded"))
    return rows
