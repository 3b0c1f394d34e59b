"""Exercise suites: ``"trie"`` grades an autocomplete trie class, ``"levenshtein"`` a distance."""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from tarento_lib.grading import Case, Rule, Steps, Suite, between
from tarento_lib.grading.values import show, strict_equal

__all__ = ["SUITES"]


def _trie(candidate: type, steps: Steps, words: Sequence[tuple[str, float]] = ()) -> Any:
    trie = candidate()
    steps.note(f"trie = {candidate.__name__}()")
    for word, frequency in words:
        steps.call(trie, "insert", word, frequency)
    return trie


def _insert_and_search(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("apple", 3), ("app", 2)])
    steps.expect(steps.call(trie, "search", "apple"), "a stored word is found")
    steps.expect(steps.call(trie, "search", "ap"), "a mere prefix is not a word")
    steps.expect(steps.call(trie, "starts_with", "ap"), "starts_with a stored prefix")
    steps.expect(steps.call(trie, "starts_with", "b"), "starts_with an absent prefix")


def _reinsert_counts_once(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("apple", 1), ("apple", 1), ("Apple", 1)])
    steps.expect(len(trie), "len() after re-inserting one word (and a case variant)")


def _reinsert_sets_frequency(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("ab", 5), ("ac", 3), ("ab", 1)])
    steps.expect(steps.call(trie, "autocomplete", "a"), "re-inserting replaces the frequency")


def _ranking_and_ties(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("bat", 2), ("bar", 5), ("baz", 2), ("ban", 9), ("bay", 1)])
    steps.expect(steps.call(trie, "autocomplete", "ba", 4), "by frequency, ties alphabetically")
    steps.expect(steps.call(trie, "autocomplete", "ba", 1), "k limits the answer")
    steps.expect(steps.call(trie, "autocomplete", "c"), "no word under the prefix")


def _delete_shared_prefix(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("app", 1), ("apple", 1), ("apply", 1)])
    steps.expect(steps.call(trie, "delete", "app"), "delete a word that prefixes others")
    steps.expect(steps.call(trie, "search", "app"), "deleted word is gone")
    steps.expect(steps.call(trie, "delete", "apple"), "delete a word that shares a prefix")
    steps.expect(len(trie), "len() after two deletes")
    steps.expect(steps.call(trie, "autocomplete", "a"), "what is left")
    steps.expect(steps.call(trie, "delete", "app"), "deleting an absent word")


def _delete_prunes(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("car", 1), ("dog", 1)])
    steps.call(trie, "delete", "car")
    steps.expect(steps.call(trie, "starts_with", "c"), "no branch left for a deleted word")


def _short(word: str) -> str:
    return (
        repr(word)
        if len(word) <= 12
        else f"<{word[0]!r} x {len(word)}>"
        if len(set(word)) == 1
        else f"<{len(word)} chars>"
    )


def _quiet(steps: Steps, obj: Any, method: str, *args: Any) -> Any:
    """Like ``steps.call``, but long words are shown by their length, not spelled out."""
    result = getattr(obj, method)(*args)
    shown_result = [_short(w) for w in result] if isinstance(result, list) else show(result)
    shown_args = ", ".join(_short(a) if isinstance(a, str) else repr(a) for a in args)
    steps.note(f"{method}({shown_args}) -> {shown_result}")
    return result


def _long_completions(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("ab", 1)])
    long_words = ["a" + "x" * 59, "a" + "y" * 299]
    for frequency, word in enumerate(reversed(long_words), start=4):
        _quiet(steps, trie, "insert", word, frequency)
    steps.expect(_quiet(steps, trie, "autocomplete", "a"), "long words are suggested")


def _long_word_delete(candidate: type, steps: Steps) -> None:
    word = "z" * 10_000
    trie = _trie(candidate, steps)
    _quiet(steps, trie, "insert", word, 1)
    steps.expect(_quiet(steps, trie, "search", word), "a 10,000-character word is found")
    steps.expect(_quiet(steps, trie, "delete", word), "and can be deleted")
    steps.expect(len(trie), "len() after deleting it")


def _folding(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("Straße", 2), ("caf\u00e9", 1)])
    steps.expect(steps.call(trie, "search", "STRASSE"), "casefold: 'ß' matches 'SS'")
    steps.expect(steps.call(trie, "search", "cafe\u0301"), "NFC: decomposed 'é' matches composed")
    steps.expect(steps.call(trie, "autocomplete", "str"), "words come back as inserted")


def _devanagari(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("नमस्ते", 5), ("नमक", 7), ("नया", 3), ("पानी", 9)])
    steps.expect(steps.call(trie, "autocomplete", "न"), "Devanagari prefix")
    steps.expect(steps.call(trie, "autocomplete", "नम"), "two-code-point prefix")


def _top_k_after_changes(candidate: type, steps: Steps) -> None:
    words = [(f"b{chr(97 + i)}", 100 - i) for i in range(15)]
    trie = _trie(candidate, steps, words)
    for word, _ in words[:3]:
        steps.call(trie, "delete", word)
    steps.call(trie, "insert", "bd", 0.5)  # the best remaining word falls to the bottom
    steps.expect(
        steps.call(trie, "autocomplete", "b", 10), "top 10 after deletes and a lower frequency"
    )


def _random_model(candidate: type, steps: Steps) -> None:
    rng = random.Random(7)
    trie = _trie(candidate, steps)
    for _ in range(400):
        word = "".join(rng.choice("abc") for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            steps.call(trie, "delete", word)
        else:
            steps.call(trie, "insert", word, rng.randint(1, 20))
        steps.lines[:] = steps.lines[-12:]  # keep the replay short
    for prefix in ["", "a", "b", "ca", "abc"]:
        steps.expect(steps.call(trie, "autocomplete", prefix, 5), f"top 5 for {prefix!r}")
    steps.expect(len(trie), "len() after 400 random operations")


def _trie_bad_input(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("a", 1)])
    steps.expect_raises(ValueError, lambda: trie.autocomplete("a", 0), "autocomplete('a', 0)")
    steps.expect_raises(TypeError, lambda: trie.insert(42), "insert(42)")
    steps.expect_raises(TypeError, lambda: trie.search(None), "search(None)")


_TRIE_CASES = (
    Case(
        "finds inserted words and prefixes",
        _insert_and_search,
        "search needs an end-of-word mark; starts_with only a path",
    ),
    Case(
        "a re-inserted word counts once",
        _reinsert_counts_once,
        "count a word only when its end mark was not already set",
    ),
    Case(
        "re-inserting replaces the frequency",
        _reinsert_sets_frequency,
        "inserting an existing word replaces its frequency",
    ),
    Case(
        "ranks by frequency, ties alphabetically",
        _ranking_and_ties,
        "sort by (-frequency, word) and keep k",
    ),
    Case(
        "delete keeps words that share a prefix",
        _delete_shared_prefix,
        "delete returns whether the word was there, not whether a node was pruned",
    ),
    Case(
        "delete prunes the empty branch",
        _delete_prunes,
        "after unmarking, remove nodes that have no word and no children",
    ),
    Case("long words are suggested", _long_completions, "no depth cap when collecting completions"),
    Case(
        "a 10,000-character word can be deleted",
        _long_word_delete,
        "walk down keeping the path in a list, then prune going back up: no recursion",
    ),
    Case(
        "case and Unicode forms are folded",
        _folding,
        "key = unicodedata.normalize('NFC', word).casefold(); keep the original word for display",
    ),
    Case(
        "Devanagari prefixes work",
        _devanagari,
        "a key is a sequence of code points; any script works the same way",
    ),
    Case(
        "top k stays right after changes",
        _top_k_after_changes,
        "a cached top-k must be refilled after a delete or a lower frequency",
    ),
    Case(
        "agrees with the reference on random operations",
        _random_model,
        "compare with a dict and sorted(): which operation diverged?",
    ),
    Case(
        "bad input is refused",
        _trie_bad_input,
        "check types (TypeError) and k >= 1 (ValueError) first",
    ),
)


# -- levenshtein --------------------------------------------------------------------------


def _distance(candidate: Callable[[str, str], int], steps: Steps, a: str, b: str) -> int:
    result = candidate(a, b)
    steps.note(f"distance({a!r}, {b!r}) -> {show(result)}")
    return result


def _expect_distances(
    candidate: Callable[[str, str], int], steps: Steps, pairs: list[tuple[str, str]], what: str
) -> None:
    for a, b in pairs:
        steps.expect(_distance(candidate, steps, a, b), f"{what}: ({a!r}, {b!r})")


def _empty(candidate: Any, steps: Steps) -> None:
    _expect_distances(candidate, steps, [("", ""), ("abc", ""), ("", "ab")], "empty text")


def _classic(candidate: Any, steps: Steps) -> None:
    _expect_distances(
        candidate, steps, [("kitten", "sitting"), ("flaw", "lawn"), ("abc", "abc")], "English"
    )


_SAME_BOTH_WAYS = Rule(
    "the two distances must be the same int",
    lambda got, _reference: type(got[0]) is int and strict_equal(got[0], got[1]),
)


def _symmetric(candidate: Any, steps: Steps) -> None:
    for a, b in [("kitten", "sitting"), ("नमस्ते", "नमस्कार"), ("ab", "")]:
        both = [_distance(candidate, steps, a, b), _distance(candidate, steps, b, a)]
        steps.expect(both, f"[d({a!r}, {b!r}), d({b!r}, {a!r})]", _SAME_BOTH_WAYS)


def _graphemes(candidate: Any, steps: Steps) -> None:
    _expect_distances(
        candidate,
        steps,
        [("क्षमा", "कमा"), ("कि", "पि"), ("नमस्ते", "नमस्कार"), ("বাংলা", "বাঙলা")],
        "one akshara edit costs 1",
    )


def _equivalence(candidate: Any, steps: Steps) -> None:
    _expect_distances(
        candidate,
        steps,
        [("\u0958", "\u0915\u093c"), ("caf\u00e9", "cafe\u0301")],
        "canonically equal texts",
    )


def _case(candidate: Any, steps: Steps) -> None:
    _expect_distances(
        candidate, steps, [("Hello", "hello"), ("STRASSE", "straße")], "case is folded"
    )


def _joiners(candidate: Any, steps: Steps) -> None:
    _expect_distances(
        candidate, steps, [("അവന്\u200d", "അവന്"), ("क्\u200cष", "क्ष")], "ZWJ/ZWNJ are kept"
    )


def _peak_growth(func: Callable[[], Any]) -> tuple[Any, int]:
    """``func()``'s result and the peak traced memory it added (collector paused meanwhile)."""
    started, collecting = not tracemalloc.is_tracing(), gc.isenabled()
    gc.disable()  # a collection in the window could run unrelated finalizers that allocate
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = func()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
        if collecting:
            gc.enable()


def _two_rows(candidate: Any, steps: Steps) -> None:
    rng = random.Random(4)
    a, b = ("".join(rng.choice("abcdefgh") for _ in range(250)) for _ in range(2))
    # Other threads (a notebook kernel's) may allocate during a run: the least of three runs counts.
    runs = [_peak_growth(lambda: candidate(a, b)) for _ in range(3)]
    got, grown = runs[0][0], min(peak for _, peak in runs)
    steps.note(f"distance(250 letters, 250 letters) -> {show(got)}, peak +{grown / 1e3:.0f} kB")
    steps.expect(got, "250 x 250 letters")
    steps.expect(
        grown,
        "peak memory added, in bytes",
        between(0, 150_000, "keep two rows, not the whole (m+1)x(n+1) table (under 150 kB)"),
    )


def _lev_bad_input(candidate: Any, steps: Steps) -> None:
    steps.expect_raises(TypeError, lambda: candidate(1, "a"), "distance(1, 'a')")
    steps.expect_raises(TypeError, lambda: candidate("a", None), "distance('a', None)")


_LEVENSHTEIN_CASES = (
    Case(
        "the distance to an empty text is its length",
        _empty,
        "d('', b) is len(b): the first row of the table",
    ),
    Case(
        "classic English pairs",
        _classic,
        "min(delete, insert, substitute) over the previous row and the current one",
    ),
    Case(
        "the distance is symmetric",
        _symmetric,
        "swapping the arguments must not change the distance",
    ),
    Case(
        "counts grapheme clusters, not code points",
        _graphemes,
        "split each text with regex.findall(r'\\X', text) and compare the lists",
    ),
    Case(
        "canonically equal texts are equal",
        _equivalence,
        "unicodedata.normalize('NFC', ...) both texts first",
    ),
    Case("case is folded", _case, "str.casefold() (not lower()) after NFC"),
    Case(
        "zero-width joiners are kept",
        _joiners,
        "do not strip every format character: U+200C/U+200D change Indic letters",
    ),
    Case("uses two rows of memory", _two_rows, "you only ever read the previous row"),
    Case("non-text arguments are refused", _lev_bad_input, "isinstance(a, str) or raise TypeError"),
)


def _reference_trie() -> type:
    from tarento_lib.text import Trie

    return Trie


def _reference_levenshtein() -> Callable[[str, str], int]:
    from tarento_lib.text.similarity import levenshtein

    return levenshtein


SUITES: dict[str, Suite] = {
    "trie": Suite("trie", "Autocomplete trie", _TRIE_CASES, "class", _reference_trie),
    "levenshtein": Suite(
        "levenshtein",
        "Grapheme-level Levenshtein distance",
        _LEVENSHTEIN_CASES,
        "function",
        _reference_levenshtein,
    ),
}
