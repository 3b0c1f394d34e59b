"""The grader: the reference passes, a broken class fails exactly the right cases, readably."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tarento_lib.cache import LinkedLRUCache, LRUCache
from tarento_lib.lab import Case, Suite, check, get_suite, run_suite
from tarento_lib.lab.grading import QUESTION_SUITES, SUITE_MODULES


class NoRecencyCache:
    """A FIFO cache posing as LRU: get never refreshes, capacity is never checked."""

    def __init__(self, capacity: int) -> None:
        self.capacity, self.data = capacity, {}

    def get(self, key: Any, default: Any = None) -> Any:
        return self.data.get(key, default)

    def put(self, key: Any, value: Any) -> None:
        if key not in self.data and len(self.data) >= self.capacity:
            del self.data[next(iter(self.data))]
        self.data[key] = value

    def __len__(self) -> int:
        return len(self.data)


class NoneIsMissCache(LRUCache):
    """The classic slip: a stored None reported as a miss."""

    def get(self, key: Any, default: Any = None) -> Any:
        value = super().get(key)
        return default if value is None else value


class ThreadSafeLinkedLRUCache(LinkedLRUCache):
    """The suite has a case with 8 threads; ``LinkedLRUCache`` takes a lock only when asked to."""

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity, thread_safe=True)


@pytest.mark.parametrize("cls", [LRUCache, ThreadSafeLinkedLRUCache])
def test_reference_classes_pass_every_lru_case(cls: type) -> None:
    card = run_suite(cls, "lru")
    assert card.ok, card.render()
    assert card.passed == len(get_suite("lru").cases)


def test_broken_cache_fails_exactly_the_cases_it_should() -> None:
    card = run_suite(NoRecencyCache, "lru")
    assert {r.name for r in card.failed} == {
        "get makes a key most recently used",
        "put on an existing key updates and refreshes it",
        "capacity must be an int >= 1",
        "agrees with an OrderedDict model on random operations",
    }
    assert not card


def test_none_as_miss_fails_only_the_none_case() -> None:
    card = run_suite(NoneIsMissCache, "lru")
    assert [r.name for r in card.failed] == ["a stored None is a hit"]


def test_scorecard_replays_the_operations(capsys: pytest.CaptureFixture[str]) -> None:
    check(NoRecencyCache, "lru")
    out = capsys.readouterr().out
    assert out.startswith("lru: 6/10 cases pass")
    assert "✗ get makes a key most recently used" in out
    assert "put('c', 3) -> None" in out
    assert "expected 1, got None" in out
    assert "hint: a hit must move the key" in out


def test_a_crashing_candidate_is_reported_not_raised() -> None:
    class Stub:
        def __init__(self, capacity: int) -> None:
            raise NotImplementedError("your code here")

    card = run_suite(Stub, "lru")
    assert card.passed == 0
    assert all("raised NotImplementedError: your code here" in r.message for r in card.failed)


def test_a_hanging_case_times_out() -> None:
    gate = threading.Event()
    suite = Suite("hang", "hangs", (Case("waits forever", lambda c, s: gate.wait()),))
    card = run_suite(object, suite, timeout=0.2)
    gate.set()
    assert "did not finish within 0.2 s" in card.failed[0].message


def test_wrong_kind_of_candidate() -> None:
    with pytest.raises(TypeError, match="pass the class"):
        run_suite(LRUCache(2), "lru")
    with pytest.raises(KeyError, match="no suite named"):
        get_suite("nope")


def test_suite_rejects_duplicate_case_names() -> None:
    case = Case("same", lambda c, s: None)
    with pytest.raises(ValueError, match="duplicate"):
        Suite("dup", "dup", (case, case))


def test_every_question_maps_to_a_registered_suite() -> None:
    assert set(QUESTION_SUITES.values()) <= set(SUITE_MODULES)


@pytest.mark.parametrize("name", sorted(SUITE_MODULES))
def test_every_registered_suite_loads_with_its_own_name(name: str) -> None:
    suite = get_suite(name)
    assert suite.name == name and suite.cases
