"""The grader: the reference passes, a broken class fails exactly the right cases, readably."""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

import pytest

from tarento_lib.cache import LRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.grading import Case, Steps, Suite, get_suite, run_suite, suite_names
from tarento_lib.grading.scorecard import CaseResult, Scorecard
from tarento_lib.lab import check
from tarento_lib.questions import QUESTIONS


class NoRecencyCache:
    """A FIFO cache posing as LRU: get never refreshes, capacity is never checked.

    It is locked, so the 8-thread case passes whatever the machine's load: the cases it fails
    are the same on every run.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity, self.data = capacity, {}
        self.lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self.lock:
            return self.data.get(key, default)

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            if key not in self.data and len(self.data) >= self.capacity:
                del self.data[next(iter(self.data))]
            self.data[key] = value

    def __len__(self) -> int:
        return len(self.data)


NO_RECENCY_FAILS = {
    "get makes a key most recently used",
    "put on an existing key updates and refreshes it",
    "capacity must be an int >= 1",
    "agrees with a reference LRU cache on random operations",
}


class NoneIsMissCache(LRUCache):
    """The classic slip: a stored None reported as a miss."""

    def get(self, key: Any, default: Any = None) -> Any:
        value = super().get(key)
        return default if value is None else value


def failed(card: Any) -> set[str]:
    return {r.name for r in card.failed}


@pytest.mark.parametrize("cls", [LRUCache, ThreadSafeLinkedLRUCache])
def test_reference_classes_pass_every_lru_case(cls: type) -> None:
    card = run_suite(cls, "lru")
    assert card.ok, card.render()
    assert card.passed == len(get_suite("lru").cases)


def test_broken_cache_fails_exactly_the_cases_it_should() -> None:
    card = run_suite(NoRecencyCache, "lru")
    assert failed(card) == NO_RECENCY_FAILS
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
    assert (
        "=> 'a' was just read, so 'b' should have been evicted instead: expected 1, got None" in out
    )
    assert "hint: a hit must move the key" in out
    assert "cache = cls(0): expected ValueError, but it returned NoRecencyCache" in out
    assert "0x" not in out


def test_a_crashing_candidate_is_reported_not_raised() -> None:
    class Stub:
        def __init__(self, capacity: int) -> None:
            raise NotImplementedError("your code here")

    card = run_suite(Stub, "lru")
    assert card.passed == 0
    assert all("raised NotImplementedError: your code here" in r.message for r in card.failed)


def test_an_exception_with_an_empty_message_shows_its_type() -> None:
    class Stub:
        def __init__(self, capacity: int) -> None:
            pass

        def put(self, key: Any, value: Any) -> None:
            raise NotImplementedError

    card = run_suite(Stub, "lru")
    message = card.failed[0].message
    assert message.startswith("raised NotImplementedError (at line "), message
    assert "put('a', 1) raised NotImplementedError" in card.failed[0].steps


def test_objects_show_as_their_class_name_not_an_address() -> None:
    class Value:
        pass

    class ReturnsObjects(LRUCache):
        def get(self, key: Any, default: Any = None) -> Any:
            return Value()

    text = run_suite(ReturnsObjects, "lru").render()
    assert "got Value" in text and "-> Value" in text
    assert "0x" not in text and "object at" not in text


def test_wrong_kind_of_candidate() -> None:
    with pytest.raises(TypeError, match="pass the class"):
        run_suite(LRUCache(2), "lru")
    with pytest.raises(KeyError, match="no suite named"):
        get_suite("nope")


def test_suite_rejects_duplicate_case_names() -> None:
    case = Case("same", lambda c, s: None)
    with pytest.raises(ValueError, match="duplicate"):
        Suite("dup", "dup", (case, case))


def test_every_question_names_a_registered_suite_with_a_reference() -> None:
    assert {q.suite for q in QUESTIONS} == set(suite_names())
    for name in suite_names():
        suite = get_suite(name)
        assert suite.name == name and suite.cases and suite.reference is not None


@pytest.mark.parametrize("name", suite_names())
def test_every_case_name_is_a_sentence(name: str) -> None:
    for case in get_suite(name).cases:
        assert " " in case.name and not re.fullmatch(r"\w+", case.name), case.name


def test_steps_record_observations_not_verdicts() -> None:
    steps = Steps()
    steps.expect(3, "an int")
    steps.expect_raises(ValueError, lambda: int("x"), "int('x')")
    assert [o.what for o in steps.observations] == ["an int", "int('x')"]
    assert steps.observations[0].value == ("int", 3)
    assert steps.observations[1].value[0] == "raised"


def test_grading_starts_no_thread_in_this_process() -> None:
    before = threading.active_count()
    run_suite(LoopsInC, LOOP_SUITE, timeout=1.0)
    assert threading.active_count() == before


# -- a one-case suite, so a hanging candidate costs one time limit ---------------------------
def _one_get(cls: Any, steps: Steps) -> None:
    cache = cls(2)
    steps.call(cache, "put", "a", 1)
    steps.expect(steps.call(cache, "get", "a"), "get('a')")


LOOP_SUITE = Suite(
    "one_get",
    "one get",
    (Case("get returns what put stored", _one_get),),
    "class",
    lambda: LRUCache,
)


class LoopsInC(LRUCache):
    def get(self, key: Any, default: Any = None) -> Any:
        return sum(itertools.repeat(1))  # one C call: holds the GIL, never checks for signals


def test_a_case_cannot_state_the_expected_value() -> None:
    with pytest.raises(TypeError, match="the expected value comes from the reference"):
        Steps().expect(1, 1, "get('a')")


def test_scorecard_replays_a_repeated_failure_once() -> None:
    same = ("cache = Stub(2)",), "", "raised NotImplementedError"
    card = Scorecard(
        "lru",
        [
            CaseResult("first case", False, same[2], steps=same[0], hint="a hint"),
            CaseResult("second case", False, same[2], steps=same[0], hint="another hint"),
            CaseResult("third case", False, "raised KeyError", steps=("cache = Stub(1)",)),
            CaseResult("fourth case", True),
        ],
    )
    assert card.render().splitlines() == [
        "lru: 1/4 cases pass",
        "  ✗ first case",
        "      cache = Stub(2)",
        "      => raised NotImplementedError",
        "      hint: a hint",
        "  ✗ second case (failed the same way as above)",
        "  ✗ third case",
        "      cache = Stub(1)",
        "      => raised KeyError",
        "  ✓ fourth case",
    ]
