"""Real word lists, offline: the frequency lists that ship inside the ``wordfreq`` package."""

from __future__ import annotations

from tarento_lib._validate import require_int, require_str

__all__ = ["load_vocabulary"]


def load_vocabulary(lang: str, n: int) -> list[tuple[str, float]]:
    """The ``n`` most frequent words of ``lang`` (e.g. ``"en"``, ``"hi"``) with their frequencies.

    Frequencies are wordfreq's: the share of all words, between 0 and 1. The list is in
    descending frequency order and may be shorter than ``n`` if the language has fewer words.
    ``ValueError`` for a language wordfreq does not know.
    """
    require_str(lang, "lang")
    require_int(n, "n", minimum=1)
    import wordfreq  # imported here: loading its data is not an import-time side effect of ours

    if lang not in wordfreq.available_languages():
        known = ", ".join(sorted(wordfreq.available_languages()))
        raise ValueError(f"lang must be a language wordfreq ships ({known}), got {lang!r}")
    frequencies = wordfreq.get_frequency_dict(lang)
    return [(word, frequencies[word]) for word in wordfreq.top_n_list(lang, n)]
