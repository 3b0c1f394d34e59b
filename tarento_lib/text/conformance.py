"""Exercise suites: ``"trie"`` grades an autocomplete trie class, ``"levenshtein"`` a distance.

``INTERVIEWS`` stages the mock interviews of Q3 and Q4 on top of them.
"""

from __future__ import annotations

import gc
import inspect
import random
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from tarento_lib.grading import Case, CaseFailure, Rule, Steps, Suite, approx, between
from tarento_lib.grading.values import show, strict_equal
from tarento_lib.interview.plan import Interview, Probe, Stage

__all__ = ["INTERVIEWS", "SUITES"]


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


INSERT_SEARCH = Case(
    "finds inserted words and prefixes",
    _insert_and_search,
    "search needs an end-of-word mark; starts_with only a path",
)
REINSERT_ONCE = Case(
    "a re-inserted word counts once",
    _reinsert_counts_once,
    "count a word only when its end mark was not already set",
)
REINSERT_FREQUENCY = Case(
    "re-inserting replaces the frequency",
    _reinsert_sets_frequency,
    "inserting an existing word replaces its frequency",
)
RANKING = Case(
    "ranks by frequency, ties alphabetically",
    _ranking_and_ties,
    "sort by (-frequency, word) and keep k",
)
DELETE_SHARED = Case(
    "delete keeps words that share a prefix",
    _delete_shared_prefix,
    "delete returns whether the word was there, not whether a node was pruned",
)
DELETE_PRUNES = Case(
    "delete prunes the empty branch",
    _delete_prunes,
    "after unmarking, remove nodes that have no word and no children",
)
LONG_COMPLETIONS = Case(
    "long words are suggested", _long_completions, "no depth cap when collecting completions"
)
LONG_DELETE = Case(
    "a 10,000-character word can be deleted",
    _long_word_delete,
    "walk down keeping the path in a list, then prune going back up: no recursion",
)
FOLDING = Case(
    "case and Unicode forms are folded",
    _folding,
    "key = unicodedata.normalize('NFC', word).casefold(); keep the original word for display",
)
DEVANAGARI = Case(
    "Devanagari prefixes work",
    _devanagari,
    "a key is a sequence of code points; any script works the same way",
)
TOP_K_CHANGES = Case(
    "top k stays right after changes",
    _top_k_after_changes,
    "a cached top-k must be refilled after a delete or a lower frequency",
)
TRIE_MODEL = Case(
    "agrees with the reference on random operations",
    _random_model,
    "compare with a dict and sorted(): which operation diverged?",
)
TRIE_BAD_INPUT = Case(
    "bad input is refused",
    _trie_bad_input,
    "check types (TypeError) and k >= 1 (ValueError) first",
)
_TRIE_CASES = (
    INSERT_SEARCH,
    REINSERT_ONCE,
    REINSERT_FREQUENCY,
    RANKING,
    DELETE_SHARED,
    DELETE_PRUNES,
    LONG_COMPLETIONS,
    LONG_DELETE,
    FOLDING,
    DEVANAGARI,
    TOP_K_CHANGES,
    TRIE_MODEL,
    TRIE_BAD_INPUT,
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


EMPTY = Case(
    "the distance to an empty text is its length",
    _empty,
    "d('', b) is len(b): the first row of the table",
)
CLASSIC = Case(
    "classic English pairs",
    _classic,
    "min(delete, insert, substitute) over the previous row and the current one",
)
SYMMETRIC = Case(
    "the distance is symmetric",
    _symmetric,
    "swapping the arguments must not change the distance",
)
GRAPHEMES = Case(
    "counts grapheme clusters, not code points",
    _graphemes,
    "split each text with regex.findall(r'\\X', text) and compare the lists",
)
EQUIVALENCE = Case(
    "canonically equal texts are equal",
    _equivalence,
    "unicodedata.normalize('NFC', ...) both texts first",
)
CASE = Case("case is folded", _case, "str.casefold() (not lower()) after NFC")
JOINERS = Case(
    "zero-width joiners are kept",
    _joiners,
    "do not strip every format character: U+200C/U+200D change Indic letters",
)
TWO_ROWS = Case("uses two rows of memory", _two_rows, "you only ever read the previous row")
LEV_BAD_INPUT = Case(
    "non-text arguments are refused", _lev_bad_input, "isinstance(a, str) or raise TypeError"
)
_LEVENSHTEIN_CASES = (
    EMPTY,
    CLASSIC,
    SYMMETRIC,
    GRAPHEMES,
    EQUIVALENCE,
    CASE,
    JOINERS,
    TWO_ROWS,
    LEV_BAD_INPUT,
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


# The mock interviews: the core question, then the follow-ups in the order they come.


def _suggests_all(candidate: type, steps: Steps) -> None:
    words = [("car", 1), ("cart", 1), ("care", 1), ("cat", 1), ("dog", 1)]
    trie = _trie(candidate, steps, words)
    steps.expect(sorted(steps.call(trie, "autocomplete", "car")), "the words under 'car', sorted")
    steps.expect(len(steps.call(trie, "autocomplete", "ca", 2)), "how many come back with k=2")
    steps.expect(steps.call(trie, "autocomplete", "x"), "a prefix no word starts with")


def _nukta(candidate: type, steps: Steps) -> None:
    trie = _trie(candidate, steps, [("\u0958\u093f\u0932\u093e", 4), ("कमल", 2)])
    steps.note("the first word starts with क़ as one code point (U+0958)")
    steps.expect(steps.call(trie, "autocomplete", "\u0915\u093c"), "prefix क़ typed as क + nukta")
    steps.expect(
        steps.call(trie, "search", "\u0915\u093c\u093f\u0932\u093e"), "the word typed as क + nukta"
    )


def _trie_bytes(candidate: type, words: list[str]) -> int:
    """The memory a trie of ``words`` takes while it is built (the less of two builds)."""

    def build() -> Any:
        trie = candidate()
        for word in words:
            trie.insert(word, 1)
        return trie

    return min(_peak_growth(build)[1] for _ in range(2))


def _memory_linear(candidate: type, steps: Steps) -> None:
    rng = random.Random(3)
    short, longer = ("".join(rng.choice("abcdefgh") for _ in range(n)) for n in (500, 10_000))
    small, large = _trie_bytes(candidate, [short]), _trie_bytes(candidate, [longer])
    steps.note(f"a trie of one 500-letter word: {small / 1e3:.0f} kB; of one 10,000-letter word:")
    steps.note(f"{large / 1e3:.0f} kB (x{large / small:.0f} for 20x the letters)")
    steps.expect(
        large / small,
        "memory for 10,000 letters / memory for 500 letters",
        between(0, 50, "in step with the letters: about 20, under 50"),
    )


def _memory_shared(candidate: type, steps: Steps) -> None:
    tails = [f"{i:03d}" for i in range(500)]
    apart = _trie_bytes(candidate, ["p" + tail for tail in tails])
    shared = _trie_bytes(candidate, ["p" * 200 + tail for tail in tails])
    steps.note(f"500 words after 'p': {apart / 1e3:.0f} kB; after 'ppp…' (200 letters):")
    steps.note(f"{shared / 1e3:.0f} kB (x{shared / apart:.1f})")
    steps.expect(
        shared / apart,
        "memory with a 200-letter shared prefix / with a 1-letter one",
        between(0, 4, "a shared prefix is stored once: under 4x"),
    )


def _letters(number: int) -> str:
    """``number`` as four letters in base 26: 0 is 'aaaa', 27 is 'aabb'."""
    text = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        text = chr(ord("a") + digit) + text
    return text


def _trie_probe(cls: Any, size: int) -> Any:
    trie = cls()
    for i in range(size):
        trie.insert("w" + _letters(i), (i * 7919) % 1000 + 1)
    stride = 7919  # a prime: the queries visit every block of words, in no convenient order

    def operation(i: int) -> None:
        trie.autocomplete("w" + _letters((i * stride) % size)[:3], 5)  # at most 26 words match

    return operation


_AKSHARAS = ("क", "कि", "स्ते", "म", "ना", "प्र", "ष", "रु", "दी", "ल", "ह", "गु")


def _distance_probe(func: Any, size: int) -> Any:
    rng = random.Random(size)
    texts = ["".join(rng.choice(_AKSHARAS) for _ in range(size)) for _ in range(16)]

    def operation(i: int) -> None:
        func(texts[i % 16], texts[(7 * i + 3) % 16])  # never a text with itself

    return operation


def _companion(candidate: Any, name: str) -> Callable[..., Any]:
    """The function ``name`` written beside the graded one, in the same file or module."""
    found = getattr(inspect.unwrap(candidate), "__globals__", {}).get(name)
    if not callable(found):
        raise CaseFailure(f"no function {name}() next to {getattr(candidate, '__name__', '?')}")
    return found


def _scores(
    candidate: Any, steps: Steps, name: str, pairs: list[tuple[str, str]], **kwargs: Any
) -> None:
    """Score each pair with the function ``name`` written beside the candidate."""
    func = _companion(candidate, name)
    shown = "".join(f", {key}={value!r}" for key, value in kwargs.items())
    for a, b in pairs:
        call = f"{name}({a!r}, {b!r}{shown})"
        got = func(a, b, **kwargs)
        steps.note(f"{call} -> {show(got)}")
        steps.expect(got, call, approx(1e-9))


def _ratio(candidate: Any, steps: Steps) -> None:
    pairs = [("kitten", "sitting"), ("नमस्ते", "नमस्कार"), ("क्षमा", "कमा"), ("abc", "xyz")]
    _scores(candidate, steps, "levenshtein_similarity", [*pairs, ("Café", "cafe\u0301"), ("", "")])


def _ngram_scores(candidate: Any, steps: Steps) -> None:
    pairs = [("night", "nacht"), ("नमस्ते", "नमस्कार"), ("aaa", "aa"), ("ab", "ba")]
    _scores(candidate, steps, "ngram_similarity", pairs)
    _scores(candidate, steps, "ngram_similarity", [pairs[1], ("Café", "cafe\u0301")], n=3)
    _scores(candidate, steps, "ngram_similarity", [("listen", "silent"), ("कि", "का")], n=1)


def _ngram_short(candidate: Any, steps: Steps) -> None:
    _scores(candidate, steps, "ngram_similarity", [("a", "a"), ("a", "b"), ("ab", "ab")], n=3)
    dice = _companion(candidate, "ngram_similarity")
    steps.expect_raises(ValueError, lambda: dice("a", "b", n=0), "ngram_similarity('a', 'b', n=0)")


SUGGESTS = Case(
    "suggests the words under a prefix",
    _suggests_all,
    "walk to the prefix's node, then collect every word below it",
)
NUKTA = Case(
    "a nukta letter matches in either spelling",
    _nukta,
    "NFC turns the one-code-point क़ into क + nukta: normalise keys and prefixes alike",
)
MEMORY_LINEAR = Case(
    "memory grows in step with the letters",
    _memory_linear,
    "store nothing in a node that grows with its depth, such as its prefix",
)
MEMORY_SHARED = Case(
    "a shared prefix is stored once",
    _memory_shared,
    "no list of every word below in each node: the word belongs on its end node only",
)
RATIO = Case(
    "levenshtein_similarity is 1 - distance / longer length",
    _ratio,
    "divide by the longer text's number of clusters; two empty texts score 1.0",
)
NGRAMS = Case(
    "ngram_similarity is Dice over bags of padded n-grams",
    _ngram_scores,
    "Counter of n-gram tuples, & for the common part; pad with n-1 markers each side",
)
NGRAMS_SHORT = Case(
    "a text shorter than n still has n-grams",
    _ngram_short,
    "padding gives 'a' the trigrams (^, ^, a), (^, a, $), (a, $, $); n < 1 is a ValueError",
)

_TRIE_STUB = '''"""Q3 · Autocomplete with a trie. Stage 1: insert, search and suggestions."""

__all__ = ["Trie"]  # the class the grader checks; add helper classes (a node) freely


class Trie:
    def __init__(self) -> None:
        raise NotImplementedError

    def insert(self, word: str, frequency: float = 1) -> None:
        raise NotImplementedError

    def search(self, word: str) -> bool:
        raise NotImplementedError

    def starts_with(self, prefix: str) -> bool:
        raise NotImplementedError

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError
'''

_DISTANCE_STUB = '''"""Q4 · Text similarity for Indian languages. Stage 1: the edit distance."""

__all__ = ["levenshtein"]  # the function the grader calls; later stages add functions beside it


def levenshtein(a: str, b: str) -> int:
    raise NotImplementedError
'''

_Q3 = Interview(
    number="q03",
    brief=(
        "Build the autocomplete behind a search box. You get words, each with a frequency. "
        "Write a trie: insert a word, search for a whole word, ask whether any word starts "
        "with a prefix, and suggest the words that complete what the user has typed."
    ),
    clarifications=(
        "Words compare case-insensitively: 'Apple' and 'apple' are one word. A suggestion "
        "comes back spelled as it was inserted.",
        "Inserting a stored word again does not add a second copy.",
        "A missing word or prefix is no error: search gives False, autocomplete an empty list.",
        "Tens of thousands of words, in memory; any length, any script.",
    ),
    stub=_TRIE_STUB,
    stages=(
        Stage(
            "insert, search and suggestions",
            "Write the class: Trie(), insert(word, frequency=1), search(word), "
            "starts_with(prefix), len(trie), and autocomplete(prefix, k=10) giving up to k "
            "stored words that start with prefix, in any order for now.",
            (SUGGESTS, INSERT_SEARCH, REINSERT_ONCE),
            (
                "A node maps a character to a child node; mark the node where a word ends.",
                "Fold each word with lower() on the way in, and keep the word as inserted "
                "on its end node for the suggestions.",
                "autocomplete walks to the prefix's node, then collects every word below it "
                "with a stack.",
            ),
            9,
            "The interview answer",
        ),
        Stage(
            "the most frequent first",
            "Now rank: autocomplete returns the k most frequent words first, ties in "
            "alphabetical order, and inserting a stored word again replaces its frequency. "
            "k < 1 raises ValueError; a word or prefix that is not a str raises TypeError. "
            "A word of any length must be suggested.",
            (REINSERT_FREQUENCY, RANKING, LONG_COMPLETIONS, TRIE_BAD_INPUT),
            (
                "Keep the frequency on the word's end node; a second insert overwrites it.",
                "Collect (-frequency, word) pairs and keep heapq.nsmallest(k, pairs): the "
                "most frequent first, ties A to Z.",
                "Collect with a loop and a stack, not recursion with a depth cap.",
            ),
            6,
            "The top k",
        ),
        Stage(
            "delete",
            "Add delete(word) -> bool, True if the word was stored. Words that share its "
            "prefix stay; branches left without words go, so starts_with of a deleted "
            "word's prefix is False when nothing else is under it. A 10,000-character word "
            "can be deleted too.",
            (DELETE_SHARED, DELETE_PRUNES, LONG_DELETE, TOP_K_CHANGES, TRIE_MODEL),
            (
                "Walk down keeping the path of (parent, character) pairs in a list.",
                "Unmark the end node, then climb the path backwards, deleting each child "
                "that holds no word and has no children.",
                "Return whether the word was stored, not whether anything was pruned.",
            ),
            8,
            "Finding and deleting",
        ),
        Stage(
            "Hindi and other scripts",
            "Users type Hindi, and one letter can arrive in two Unicode spellings: क़ as one "
            "code point or as क plus a nukta, é likewise. And 'STRASSE' should find "
            "'Straße'. Make both spellings one key, for words and prefixes alike.",
            (FOLDING, DEVANAGARI, NUKTA),
            (
                "unicodedata.normalize('NFC', word) gives canonically equal texts the same "
                "code points.",
                "casefold() rather than lower(): 'Straße'.casefold() == 'strasse'.",
                "Fold the keys only; the suggestions keep the words as inserted.",
            ),
            5,
            "Storing a word",
        ),
        Stage(
            "memory",
            "The trie ships inside a phone keyboard, so memory counts. How much does a node "
            "take? Keep it to one small node per character: memory in step with the "
            "characters stored, and a shared prefix stored once.",
            (MEMORY_LINEAR, MEMORY_SHARED),
            (
                "A node needs its children and, where a word ends, that word and its "
                "frequency: nothing that grows with its depth or with the words below it.",
                "A prefix string in every node, or a list of all the words below it, repeats "
                "data once per character of every word.",
                "To go further, __slots__ on the node class drops each node's __dict__.",
            ),
            5,
            "The cost of the cached lists",
        ),
    ),
    probe=Probe(
        what="one autocomplete(prefix, 5) of a prefix that at most 26 words start with",
        growth="O(prefix + matches)",
        sizes=(100, 10_000),
        prepare=_trie_probe,
        limit=10.0,
        repeat=1000,
    ),
)

_Q4 = Interview(
    number="q04",
    brief=(
        "Write a text similarity checker that works for Indian languages as well as "
        "English. Start with the edit distance: levenshtein(a, b), the fewest one-character "
        "edits that turn a into b."
    ),
    clarifications=(
        "An insertion, a deletion and a substitution each cost 1; no transpositions.",
        "The distance to an empty text is the other text's length.",
        "Texts are short (names, titles), so O(m·n) time is fine, but memory must not grow "
        "with m·n.",
    ),
    stub=_DISTANCE_STUB,
    stages=(
        Stage(
            "the edit distance",
            "Write levenshtein(a, b) -> int with the dynamic programme, keeping two rows of "
            "the table rather than all of it. Either argument not a str raises TypeError.",
            (EMPTY, CLASSIC, SYMMETRIC, TWO_ROWS, LEV_BAD_INPUT),
            (
                "Row i of the table holds the distances from a[:i] to every prefix of b.",
                "A cell is the least of: the cell above + 1, the cell to the left + 1, and "
                "the diagonal + (1 if the two characters differ).",
                "You only ever read the previous row: keep two lists and swap them.",
            ),
            11,
            "The interview answer",
        ),
        Stage(
            "one akshara, one character",
            "To a reader of Hindi कि is one letter; to Python it is two code points. Count "
            "edits in the letters a reader sees, grapheme clusters: क्षमा to कमा is one "
            "edit.",
            (GRAPHEMES,),
            (
                "A user-perceived character is an extended grapheme cluster; the regex "
                "module's \\X matches one (the re module has no \\X).",
                "Split both texts with regex.findall(r'\\X', text) and run the same table "
                "over the two lists.",
            ),
            6,
            "Graphemes or code points: both effects",
        ),
        Stage(
            "the same text, stored differently",
            "क़ may be stored as one code point or as क plus a nukta, and 'Hello' should "
            "equal 'hello'. Make canonically equal texts equal and ignore case, but keep "
            "ZERO WIDTH JOINER and NON-JOINER: in Indic scripts they change the letter.",
            (EQUIVALENCE, CASE, JOINERS),
            (
                "unicodedata.normalize('NFC', text) gives canonically equal texts the same "
                "code points.",
                "casefold() after NFC: it folds 'ß' to 'ss', where lower() does not.",
                "Do not strip the format characters (category Cf): ZWJ and ZWNJ are among them.",
            ),
            5,
            "What the typical answer gets wrong",
        ),
        Stage(
            "a score between 0 and 1",
            "Callers want a score, not a count. Add levenshtein_similarity(a, b) -> float "
            "in the same file (levenshtein stays the one name in __all__): 1 - distance / "
            "the longer text's length in clusters, and 1.0 for two empty texts.",
            (RATIO,),
            (
                "Reuse the distance; prepare the texts the same way for the lengths.",
                "Divide by the longer text's number of clusters, not the shorter's, and not "
                "by code points. Two empty texts: return 1.0 before dividing.",
            ),
            4,
            "The code",
        ),
        Stage(
            "n-grams",
            "Edit distance punishes reordering. Add ngram_similarity(a, b, n=2) -> float: "
            "the Dice coefficient 2·|A∩B| / (|A|+|B|) of the two bags (multisets) of "
            "n-grams of clusters, prepared as before. Pad each text with n-1 start and n-1 "
            "end markers (characters no text contains) so a short text still has n-grams. "
            "n < 1 raises ValueError.",
            (NGRAMS, NGRAMS_SHORT),
            (
                "A Counter of tuples of n consecutive clusters is a bag of n-grams; x & y "
                "keeps the smaller count of each.",
                "Pad the list of clusters with n-1 '\\x02' in front and n-1 '\\x03' behind, "
                "then take every slice of length n.",
                "Dice: 2 * sum((x & y).values()) / (sum(x.values()) + sum(y.values())).",
            ),
            7,
            "More measures, one combined score",
        ),
    ),
    probe=Probe(
        what="one distance between two Devanagari texts of `size` aksharas",
        growth="O(n·m)",
        sizes=(10, 160),
        prepare=_distance_probe,
        limit=600.0,
        repeat=5,
    ),
)

INTERVIEWS = {"q03": _Q3, "q04": _Q4}
