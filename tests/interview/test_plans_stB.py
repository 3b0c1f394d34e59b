"""The mock interviews of Q3 (trie), Q4 (Indic similarity) and Q10 (debug and fix).

Each follow-up is checked with a candidate that gets everything right but that follow-up: it
passes the earlier stages and fails exactly the new cases of its own. Most such candidates
are the interview answer with one edit, graded from a file as a session grades it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tarento_lib.answers import q03_trie, q04_similarity, q10_user_manager
from tarento_lib.grading import Scorecard, check_file, run_suite
from tarento_lib.interview.measure import measure
from tarento_lib.interview.plan import interview_plan
from tarento_lib.text.unicode import graphemes

Q4_ALL_STAGES = '''"""Q4 with every follow-up: distance, ratio and n-grams, over clusters."""

import unicodedata
from collections import Counter

import regex

__all__ = ["levenshtein"]

START, END = "\\x02", "\\x03"


def clusters(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return regex.findall(r"\\X", unicodedata.normalize("NFC", text).casefold())


def distance(x: list[str], y: list[str]) -> int:
    if len(x) < len(y):
        x, y = y, x
    previous = list(range(len(y) + 1))
    for i, unit in enumerate(x, start=1):
        current = [i]
        for j, other in enumerate(y, start=1):
            substitute = previous[j - 1] + (unit != other)
            current.append(min(previous[j] + 1, current[j - 1] + 1, substitute))
        previous = current
    return previous[-1]


def levenshtein(a: str, b: str) -> int:
    return distance(clusters(a), clusters(b))


def levenshtein_similarity(a: str, b: str) -> float:
    x, y = clusters(a), clusters(b)
    longer = max(len(x), len(y))
    return 1.0 if longer == 0 else 1.0 - distance(x, y) / longer


def ngram_similarity(a: str, b: str, n: int = 2) -> float:
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")

    def bag(text: str) -> Counter:
        padded = (START,) * (n - 1) + tuple(clusters(text)) + (END,) * (n - 1)
        return Counter(padded[i : i + n] for i in range(len(padded) - n + 1))

    x, y = bag(a), bag(b)
    return 2 * sum((x & y).values()) / (sum(x.values()) + sum(y.values()))
'''


def _source(module: ModuleType) -> str:
    return Path(module.__file__ or "").read_text(encoding="utf-8")


def _edited(source: str, *edits: tuple[str, str]) -> str:
    """``source`` with each ``(old, new)`` replaced; each ``old`` must occur exactly once."""
    for old, new in edits:
        assert source.count(old) == 1, f"the edit no longer applies: {old!r}"
        source = source.replace(old, new)
    return source


def _graded(tmp_path: Path, number: str, source: str, stage: int) -> Scorecard:
    path = tmp_path / f"{number}_solution.py"
    path.write_text(source, encoding="utf-8")
    return check_file(path, interview_plan(number).stage_suite(stage))


def _new_cases(number: str, stage: int) -> set[str]:
    return {case.name for case in interview_plan(number).stages[stage - 1].cases}


# (question, (the right solution: a module or its source, (old, new) edits...), the stage the
# edits get wrong, the cases it then fails)
WRONG = {
    "q03 ranks alphabetically": (
        "q03",
        (
            q03_trie,
            (
                "return [word for _, word in heapq.nsmallest(k, found)]",
                "return sorted(w for _, w in found)[:k]",
            ),
            ("        if k < 1:\n", "        if k < 0:\n"),
        ),
        2,
        {
            "re-inserting replaces the frequency",
            "ranks by frequency, ties alphabetically",
            "long words are suggested",
            "bad input is refused",
        },
    ),
    "q03 delete leaves the branch": (
        "q03",
        (
            q03_trie,
            ("        for parent, char in reversed(path):", "        for parent, char in ():"),
        ),
        3,
        {"delete prunes the empty branch"},
    ),
    "q03 lower() for keys": (
        "q03",
        (
            q03_trie,
            ('return unicodedata.normalize("NFC", word).casefold()', "return word.lower()"),
        ),
        4,
        {"case and Unicode forms are folded", "a nukta letter matches in either spelling"},
    ),
    "q03 a prefix in every node": (
        "q03",
        (
            q03_trie,
            (
                "        for char in _key(word):\n            node = node.children.setdefault",
                "        for depth, char in enumerate(key := _key(word), start=1):\n"
                "            node = node.children.setdefault",
            ),
            (
                "node.children.setdefault(char, TrieNode())\n",
                "node.children.setdefault(char, TrieNode())\n"
                "            node.prefix = key[:depth]\n",
            ),
        ),
        5,
        {"memory grows in step with the letters"},
    ),
    "q03 every word in every node": (
        "q03",
        (
            q03_trie,
            (
                "        self.frequency: float = 0.0\n",
                "        self.frequency: float = 0.0\n        self.below: list[str] = []\n",
            ),
            (
                "node.children.setdefault(char, TrieNode())\n",
                "node.children.setdefault(char, TrieNode())\n            node.below.append(word)\n",
            ),
        ),
        5,
        {"a shared prefix is stored once"},
    ),
    "q04 code points": (
        "q04",
        (Q4_ALL_STAGES, ('regex.findall(r"\\X", unicodedata', "list(unicodedata")),
        2,
        {"counts grapheme clusters, not code points"},
    ),
    "q04 no NFC, no casefold": (
        "q04",
        (Q4_ALL_STAGES, ('unicodedata.normalize("NFC", text).casefold()', "text")),
        3,
        {"canonically equal texts are equal", "case is folded"},
    ),
    "q04 ratio over the shorter text": (
        "q04",
        (Q4_ALL_STAGES, ("longer = max(len(x), len(y))", "longer = min(len(x), len(y))")),
        4,
        {"levenshtein_similarity is 1 - distance / longer length"},
    ),
    "q04 n-grams without padding": (
        "q04",
        (
            Q4_ALL_STAGES,
            (
                "padded = (START,) * (n - 1) + tuple(clusters(text)) + (END,) * (n - 1)",
                "padded = tuple(clusters(text))",
            ),
        ),
        5,
        {
            "ngram_similarity is Dice over bags of padded n-grams",
            "a text shorter than n still has n-grams",
        },
    ),
    "q10 passwords blanked in the database's rows": (
        "q10",
        (
            q10_user_manager,
            (
                "return [{k: v for k, v in row.items() if k not in SENSITIVE} for row in rows]",
                "return [row for row in rows if row.pop('password', None) or True]",
            ),
        ),
        1,
        {"get_users drops the password and leaves the database's rows alone"},
    ),
    "q10 the average of nothing": (
        "q10",
        (
            q10_user_manager,
            ('"average": total / count if count else None,', '"average": total / count,'),
        ),
        2,
        {"calculate_stats([]) gives the same keys, average None"},
    ),
    "q10 every user at once": (
        "q10",
        (
            q10_user_manager,
            ("asyncio.Semaphore(self.max_concurrency)", "asyncio.Semaphore(len(users) or 1)"),
        ),
        3,
        {
            "process_users runs users concurrently, at most max_concurrency at once",
            "process_users has a bound by default",
        },
    ),
    "q10 a cancelled lookup as a result": (
        "q10",
        (
            q10_user_manager,
            ("isinstance(outcome, BaseException)", "isinstance(outcome, Exception)"),
        ),
        4,
        {"a cancelled lookup is a failure, not a result"},
    ),
}


@pytest.mark.parametrize("number, edit, stage, failing", WRONG.values(), ids=WRONG.keys())
def test_a_candidate_wrong_in_one_follow_up_fails_exactly_its_stage(
    tmp_path: Path, number: str, edit: tuple[Any, ...], stage: int, failing: set[str]
) -> None:
    base, *edits = edit
    source = _edited(base if isinstance(base, str) else _source(base), *edits)
    card = _graded(tmp_path, number, source, stage)
    failed = {result.name for result in card.failed}
    assert failed == failing, card.render()
    assert failed <= _new_cases(number, stage), "an earlier stage failed too"
    assert "grader error" not in card.render()


def test_the_q04_candidate_with_every_follow_up_passes_every_stage(tmp_path: Path) -> None:
    plan = interview_plan("q04")
    card = _graded(tmp_path, "q04", Q4_ALL_STAGES, len(plan.stages))
    assert card.ok, card.render()


def test_a_missing_companion_function_fails_its_case_in_one_line() -> None:
    """The interview answer has no levenshtein_similarity: stage 4 says so, nothing crashes."""
    card = run_suite(q04_similarity.levenshtein, interview_plan("q04").stage_suite(4))
    [missing] = card.failed
    assert missing.name == "levenshtein_similarity is 1 - distance / longer length"
    assert missing.message == "no function levenshtein_similarity() next to levenshtein"


def test_the_interview_answers_pass_every_stage_they_were_written_for() -> None:
    """Q3's and Q10's answers pass all their stages; Q4's stops where its names differ."""
    for number, answer in (("q03", q03_trie.Trie), ("q10", q10_user_manager.UserManager)):
        plan = interview_plan(number)
        card = run_suite(answer, plan.stage_suite(len(plan.stages)))
        assert card.ok, card.render()
    assert run_suite(q04_similarity.levenshtein, interview_plan("q04").stage_suite(3)).ok


def test_the_q03_probe_asks_for_prefixes_with_a_bounded_number_of_words() -> None:
    probe = interview_plan("q03").probe
    assert probe is not None
    counts: dict[int, list[int]] = {}

    class Counting(q03_trie.Trie):
        def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
            counts.setdefault(len(self), []).append(len(super().autocomplete(prefix, 1000)))
            return super().autocomplete(prefix, k)

    for size in probe.sizes:
        operation = probe.prepare(Counting, size)
        for i in range(200):
            operation(i)
    assert set(counts) == set(probe.sizes)
    for size, seen in counts.items():
        assert min(seen) >= 1 and max(seen) <= 26, (size, min(seen), max(seen))


def test_the_q04_probe_compares_two_different_texts_of_the_size() -> None:
    probe = interview_plan("q04").probe
    assert probe is not None
    seen: list[tuple[int, int, bool]] = []

    def recording(a: str, b: str) -> int:
        seen.append((len(graphemes(a)), len(graphemes(b)), a != b))
        return 0

    for size in probe.sizes:
        seen.clear()
        operation = probe.prepare(recording, size)
        for i in range(50):
            operation(i)
        assert all(x == y == size and different for x, y, different in seen), size


SCANNING_TRIE = '''
class Trie:
    """Suggestions by a scan over every stored word: O(n) per query."""

    def __init__(self):
        self.words = {}

    def insert(self, word, frequency=1):
        self.words[word.casefold()] = (word, frequency)

    def autocomplete(self, prefix, k=10):
        prefix = prefix.casefold()
        found = [(-f, w) for key, (w, f) in self.words.items() if key.startswith(prefix)]
        return [w for _, w in sorted(found)[:k]]
'''


def test_a_trie_that_scans_every_word_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "q03_solution.py"
    path.write_text(SCANNING_TRIE, encoding="utf-8")
    found = measure("q03", path)
    assert found.problem == ""
    assert found.flagged, found.lines()
    assert "grows faster than O(prefix + matches)" in found.lines()[0]


def test_q10_says_why_it_has_no_probe() -> None:
    plan = interview_plan("q10")
    assert plan.probe is None
    assert "virtual time" in plan.no_probe
