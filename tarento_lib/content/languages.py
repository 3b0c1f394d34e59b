"""The languages the content API serves, their fallbacks, and ``Accept-Language`` parsing.

English plus the 22 languages of the Eighth Schedule to the Constitution of India. English
is an official language of the Union but is *not* one of the 22 scheduled languages, and
Sanskrit *is* one of them: the two slips a hand-typed list usually makes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DEFAULT_LANGUAGE",
    "FALLBACKS",
    "LANGUAGES",
    "SCHEDULED_LANGUAGES",
    "LanguageCode",
    "LanguageInfo",
    "fallback_chain",
    "parse_accept_language",
    "resolution_order",
]


class LanguageCode(enum.StrEnum):
    """BCP-47 code of every supported language (a ``StrEnum``: ``f"{code}"`` is ``"hi"``)."""

    ASSAMESE = "as"
    BENGALI = "bn"
    BODO = "brx"
    DOGRI = "doi"
    ENGLISH = "en"
    GUJARATI = "gu"
    HINDI = "hi"
    KANNADA = "kn"
    KASHMIRI = "ks"
    KONKANI = "kok"
    MAITHILI = "mai"
    MALAYALAM = "ml"
    MANIPURI = "mni"
    MARATHI = "mr"
    NEPALI = "ne"
    ODIA = "or"
    PUNJABI = "pa"
    SANSKRIT = "sa"
    SANTALI = "sat"
    SINDHI = "sd"
    TAMIL = "ta"
    TELUGU = "te"
    URDU = "ur"


@dataclass(frozen=True)
class LanguageInfo:
    """One language: code, English name, its own name for itself, and its usual script."""

    code: LanguageCode
    name: str
    native_name: str
    script: str  # ISO 15924
    scheduled: bool = True

    @property
    def right_to_left(self) -> bool:
        return self.script == "Arab"


_L = LanguageCode
_TABLE = (
    LanguageInfo(_L.ASSAMESE, "Assamese", "অসমীয়া", "Beng"),
    LanguageInfo(_L.BENGALI, "Bengali", "বাংলা", "Beng"),
    LanguageInfo(_L.BODO, "Bodo", "बड़ो", "Deva"),
    LanguageInfo(_L.DOGRI, "Dogri", "डोगरी", "Deva"),
    LanguageInfo(_L.ENGLISH, "English", "English", "Latn", scheduled=False),
    LanguageInfo(_L.GUJARATI, "Gujarati", "ગુજરાતી", "Gujr"),
    LanguageInfo(_L.HINDI, "Hindi", "हिन्दी", "Deva"),
    LanguageInfo(_L.KANNADA, "Kannada", "ಕನ್ನಡ", "Knda"),
    LanguageInfo(_L.KASHMIRI, "Kashmiri", "کٲشُر", "Arab"),
    LanguageInfo(_L.KONKANI, "Konkani", "कोंकणी", "Deva"),
    LanguageInfo(_L.MAITHILI, "Maithili", "मैथिली", "Deva"),
    LanguageInfo(_L.MALAYALAM, "Malayalam", "മലയാളം", "Mlym"),
    LanguageInfo(_L.MANIPURI, "Manipuri (Meitei)", "ꯃꯤꯇꯩꯂꯣꯟ", "Mtei"),
    LanguageInfo(_L.MARATHI, "Marathi", "मराठी", "Deva"),
    LanguageInfo(_L.NEPALI, "Nepali", "नेपाली", "Deva"),
    LanguageInfo(_L.ODIA, "Odia", "ଓଡ଼ିଆ", "Orya"),
    LanguageInfo(_L.PUNJABI, "Punjabi", "ਪੰਜਾਬੀ", "Guru"),
    LanguageInfo(_L.SANSKRIT, "Sanskrit", "संस्कृतम्", "Deva"),
    LanguageInfo(_L.SANTALI, "Santali", "ᱥᱟᱱᱛᱟᱲᱤ", "Olck"),
    LanguageInfo(_L.SINDHI, "Sindhi", "سنڌي", "Arab"),
    LanguageInfo(_L.TAMIL, "Tamil", "தமிழ்", "Taml"),
    LanguageInfo(_L.TELUGU, "Telugu", "తెలుగు", "Telu"),
    LanguageInfo(_L.URDU, "Urdu", "اردو", "Arab"),
)

LANGUAGES: MappingProxyType[LanguageCode, LanguageInfo] = MappingProxyType(
    {info.code: info for info in _TABLE}
)
SCHEDULED_LANGUAGES: tuple[LanguageCode, ...] = tuple(
    info.code for info in _TABLE if info.scheduled
)
DEFAULT_LANGUAGE = LanguageCode.ENGLISH

# Where a reader of one language is best served next when their text is missing: a
# language they are likely to read (shared script, region or schooling). Every chain ends
# in English. An editorial choice, kept in data so it can be changed without code.
FALLBACKS: MappingProxyType[LanguageCode, LanguageCode] = MappingProxyType(
    {
        _L.MAITHILI: _L.HINDI,
        _L.BODO: _L.HINDI,
        _L.DOGRI: _L.HINDI,
        _L.NEPALI: _L.HINDI,
        _L.SANSKRIT: _L.HINDI,
        _L.KONKANI: _L.MARATHI,
        _L.MARATHI: _L.HINDI,
        _L.ASSAMESE: _L.BENGALI,
        _L.MANIPURI: _L.BENGALI,
        _L.SANTALI: _L.BENGALI,
        _L.KASHMIRI: _L.URDU,
        _L.SINDHI: _L.URDU,
        _L.HINDI: _L.ENGLISH,
    }
)


def fallback_chain(code: LanguageCode | str) -> tuple[LanguageCode, ...]:
    """``code`` followed by its fallbacks, ending in English: ``mai`` → ``(mai, hi, en)``."""
    chain = [LanguageCode(code)]
    while chain[-1] in FALLBACKS:
        nxt = FALLBACKS[chain[-1]]
        if nxt in chain:
            raise ValueError(f"fallback cycle through {nxt}")
        chain.append(nxt)
    if chain[-1] != DEFAULT_LANGUAGE:
        chain.append(DEFAULT_LANGUAGE)
    return tuple(chain)


_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9](?:\.[0-9]{0,3})?))?\s*$"
)
_MAX_HEADER = 1000


def parse_accept_language(header: str | None) -> tuple[LanguageCode, ...]:
    """The supported languages an ``Accept-Language`` header asks for, best first.

    ``hi-IN`` counts as ``hi``; unknown languages, ``*``, ``q=0`` and malformed parts are
    skipped (a header is a hint, never a reason to fail the request).
    """
    if not header or len(header) > _MAX_HEADER:
        return ()
    ranked: list[tuple[float, int, LanguageCode]] = []
    for position, part in enumerate(header.split(",")):
        match = _RANGE.match(part)
        if not match or match.group(1) == "*":
            continue
        quality = float(match.group(2)) if match.group(2) else 1.0
        primary = match.group(1).split("-")[0].lower()
        if quality > 0 and primary in LanguageCode._value2member_map_:
            ranked.append((-quality, position, LanguageCode(primary)))
    return tuple(dict.fromkeys(code for _, _, code in sorted(ranked)))


def resolution_order(
    lang: LanguageCode | None, accept_language: str | None
) -> tuple[LanguageCode, ...]:
    """Languages to try, in order: explicit ``lang``, then the header's, then their fallbacks."""
    preferred = ([lang] if lang else []) + list(parse_accept_language(accept_language))
    order: list[LanguageCode] = list(preferred)
    for code in preferred:
        order.extend(fallback_chain(code))
    order.append(DEFAULT_LANGUAGE)
    return tuple(dict.fromkeys(order))
