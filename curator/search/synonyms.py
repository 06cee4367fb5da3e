"""NHS abbreviations, expanded both ways at query time (``resources/abbreviations.json``).

Expansion happens on the query, not in the index: the index stays lean, and the list can grow without a
rebuild. Everything is compared as analysed tokens (lower case, stop words out, stemmed), so "Blood
Pressures" and "blood pressure" both meet "BP".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from ..resources import resource
from .schema import analyse

#: Abbreviations that are also everyday words: only expanded when typed in capitals.
EVERYDAY_WORDS = frozenset({"send", "ed", "gp", "af"})


def tokens(text: str) -> tuple[str, ...]:
    return tuple(analyse(text))


@dataclass(frozen=True)
class Abbreviations:
    short_to_long: dict[str, tuple[tuple[str, ...], ...]]  # "bp" -> (("blood", "pressur"),)
    long_to_short: dict[tuple[str, ...], str]  # ("blood", "pressur") -> "bp"
    everyday: frozenset[str]
    longest: int

    def expansions(self, word: str) -> tuple[tuple[str, ...], ...]:
        """Long forms of an abbreviation the user typed (empty if it is not one)."""
        toks = tokens(word)
        if len(toks) != 1:
            return ()
        if toks[0] in self.everyday and not word.isupper():
            return ()
        return self.short_to_long.get(toks[0], ())

    def abbreviation_of(self, toks: tuple[str, ...]) -> str | None:
        return self.long_to_short.get(toks)


@cache
def abbreviations() -> Abbreviations:
    with resource("abbreviations.json").open(encoding="utf-8") as fh:
        raw = json.load(fh)["abbreviations"]
    short_to_long: dict[str, tuple[tuple[str, ...], ...]] = {}
    long_to_short: dict[tuple[str, ...], str] = {}
    everyday = set()
    for short, longs in raw.items():
        key = tokens(short)
        if len(key) != 1:
            continue
        forms = tuple(t for t in (tokens(long) for long in longs) if t)
        short_to_long[key[0]] = forms
        if short.lower() in EVERYDAY_WORDS:
            everyday.add(key[0])
        for form in forms:
            long_to_short.setdefault(form, key[0])
    longest = max((len(f) for f in long_to_short), default=1)
    return Abbreviations(short_to_long, long_to_short, frozenset(everyday), longest)
