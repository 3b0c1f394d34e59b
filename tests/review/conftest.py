"""Shared helpers for the Q10 review tests: versions of the manager and a fresh database."""

from __future__ import annotations

import functools
import json
import logging
import types
from collections.abc import Callable
from typing import Any

import pytest

from tarento_lib.review import suggested
from tarento_lib.review.database import InMemoryCache, InMemoryUserDB, sample_users


@pytest.fixture
def make_db() -> Callable[..., InMemoryUserDB]:
    def make(count: int = 5, latency: float = 0.05) -> InMemoryUserDB:
        return InMemoryUserDB(rows=sample_users(count), latency=latency)

    return make


@pytest.fixture
def cache() -> InMemoryCache:
    return InMemoryCache()


@pytest.fixture
def patched_suggested(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The suggested module with its two missing names supplied, to isolate its other bugs."""
    lenient = types.SimpleNamespace(
        dumps=functools.partial(json.dumps, default=str), loads=json.loads
    )
    monkeypatch.setattr(suggested, "json", lenient, raising=False)
    monkeypatch.setattr(
        suggested, "logger", logging.getLogger("tests.review.suggested"), raising=False
    )
    return suggested
