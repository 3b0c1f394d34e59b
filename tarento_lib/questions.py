"""The one table of the eleven questions: the start page, the CLI and the grader all read it.

Each entry names the question, its notebook, the exercise suite that grades it and the
library package that answers it in production. This module imports nothing else of
``tarento_lib``, so the grader can use it without loading the notebook UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["NOTEBOOKS", "QUESTIONS", "Question", "question"]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass(frozen=True)
class Question:
    """One interview question and where everything about it lives."""

    number: str  # "q01"
    title: str
    summary: str
    concepts: tuple[str, ...]
    notebook: str  # file name in notebooks/
    suite: str  # exercise suite name, graded by ``check(..., suite)``
    library: str  # the package that answers it in production

    @property
    def path(self) -> Path:
        return NOTEBOOKS / self.notebook


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q01",
        "LRU cache",
        "O(1) get/put with TTL, thread safety and statistics; "
        "replacement policies up to Belady's OPT",
        ("hash map + linked list", "OrderedDict", "locks", "TTL", "cache policies"),
        "q01_lru_cache.ipynb",
        suite="lru",
        library="tarento_lib.cache",
    ),
    Question(
        "q02",
        "Sliding-window rate limiter",
        "fixed window, sliding log and sliding counter, in memory and on Redis",
        ("sliding windows", "Redis Lua", "HTTP 429"),
        "q02_sliding_window_rate_limiter.ipynb",
        suite="sliding_window",
        library="tarento_lib.ratelimit",
    ),
    Question(
        "q03",
        "Trie autocomplete",
        "prefix search with frequency-ranked top-k on real English and Hindi words",
        ("tries", "top-k", "Unicode keys"),
        "q03_trie_autocomplete.ipynb",
        suite="trie",
        library="tarento_lib.text",
    ),
    Question(
        "q04",
        "Text similarity for Indian languages",
        "edit distance and n-grams on grapheme clusters, not code points",
        ("Unicode normalisation", "graphemes", "Levenshtein"),
        "q04_text_similarity_indic.ipynb",
        suite="levenshtein",
        library="tarento_lib.text",
    ),
    Question(
        "q05",
        "Token bucket",
        "burst then steady rate; leaky bucket; waiting with a timeout",
        ("token bucket", "leaky bucket", "Redis Lua"),
        "q05_token_bucket.ipynb",
        suite="token_bucket",
        library="tarento_lib.ratelimit",
    ),
    Question(
        "q06",
        "Multilingual content API",
        "FastAPI + SQLAlchemy 2 with a language fallback chain",
        ("REST design", "async ORM", "i18n"),
        "q06_multilingual_content_api.ipynb",
        suite="content_api",
        library="tarento_lib.content",
    ),
    Question(
        "q07",
        "Connection pooling with retry",
        "pools, backoff with jitter, health checks and failover",
        ("connection pools", "retry policies", "circuit breakers"),
        "q07_db_pool_retry.ipynb",
        suite="retry",
        library="tarento_lib.db",
    ),
    Question(
        "q08",
        "Async job queue",
        "priority queue with workers, retries, timeouts and cancellation",
        ("asyncio", "backoff", "graceful shutdown"),
        "q08_job_queue.ipynb",
        suite="job_queue",
        library="tarento_lib.jobs",
    ),
    Question(
        "q09",
        "Resumable chunked uploads",
        "chunked uploads to disk and S3 that survive interruptions",
        ("S3 multipart", "checksums", "tus"),
        "q09_resumable_upload.ipynb",
        suite="upload",
        library="tarento_lib.uploads",
    ),
    Question(
        "q10",
        "Debug and fix",
        "find, explain and test every bug in a small async service",
        ("code review", "async pitfalls", "regression tests"),
        "q10_debug_and_fix.ipynb",
        suite="bug_hunt",
        library="tarento_lib.review",
    ),
    Question(
        "q11",
        "Patterns and practices",
        "repository, error hierarchy, transactions and decorators",
        ("design patterns", "context managers", "decorators"),
        "q11_patterns.ipynb",
        suite="timing_decorator",
        library="tarento_lib.patterns",
    ),
)


def question(number: str) -> Question:
    """The question numbered ``number`` (``"q01"``), or ``KeyError`` naming the known ones."""
    for entry in QUESTIONS:
        if entry.number == number:
            return entry
    known = ", ".join(entry.number for entry in QUESTIONS)
    raise KeyError(f"no question {number!r}; known: {known}")
