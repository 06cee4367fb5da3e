"""Near-duplicate detection: a record whose title and organisation closely match one already held.

Programme leads receive the same case study by email, as a Word form and again in a spreadsheet. Curator
names the match instead of quietly keeping a second copy. Titles are compared as normalised keys (case,
punctuation and word order ignored) with rapidfuzz. Only records that share one of the title's three rarest
words are compared: a close match differs by a word or two at most, so it always shares one of them, and the
check stays fast when a 10,000-row spreadsheet is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

TITLE_THRESHOLD = 90.0
ORG_THRESHOLD = 80.0
BLOCKING_WORDS = 3


#: Words that say what kind of organisation it is, not which one ("Moss Side PCN" is "Moss Side Primary Care
#: Network").
GENERIC_ORG_WORDS = frozenset(
    ["nhs", "pcn", "primary", "care", "network", "networks", "foundation", "trust", "trusts", "the", "of", "and", "icb", "ics", "ccg", "council", "cic", "ltd", "limited", "partnership", "integrated", "board", "system", "health", "service", "services"])


def key(text: str) -> str:
    """Lower case, hyphens as spaces, other punctuation dropped (so 'B.P.' meets 'BP'), words sorted."""
    text = (text or "").casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", "", re.sub(r"[-‐–—/]", " ", text))
    return " ".join(sorted(text.split()))


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def org_key(text: str) -> str:
    return " ".join(w for w in key(text).split() if w not in GENERIC_ORG_WORDS)


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    score: float


class DuplicateIndex:
    """Titles and organisations of the records held, kept up to date while a batch is imported."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._titles: list[str] = []
        self._title_keys: list[str] = []
        self._org_keys: list[str] = []
        self._by_id: dict[str, int] = {}
        # word -> (record indexes, their title keys): rapidfuzz scans the key list directly, in C++
        self._postings: dict[str, tuple[list[int], list[str]]] = {}

    def add(self, case_id: str, title: str, organisation: str) -> None:
        title_key = key(title)
        if case_id in self._by_id:
            i = self._by_id[case_id]
        else:
            i = self._by_id[case_id] = len(self._ids)
            self._ids.append(case_id)
            self._titles.append("")
            self._title_keys.append("")
            self._org_keys.append("")
        self._titles[i], self._title_keys[i], self._org_keys[i] = title, title_key, org_key(organisation)
        for word in set(title_key.split()):
            indexes, keys = self._postings.setdefault(word, ([], []))
            indexes.append(i)
            keys.append(title_key)

    def find(self, title: str, organisation: str, exclude: str | None = None) -> Match | None:
        """The closest held record whose title and organisation both closely match, if any."""
        title_key, org = key(title), org_key(organisation)
        if not title_key:
            return None
        numbers = _numbers(title_key)
        words = sorted((w for w in set(title_key.split()) if w in self._postings),
                       key=lambda w: len(self._postings[w][0]))[:BLOCKING_WORDS]
        best: Match | None = None
        for word in words:
            indexes, keys = self._postings[word]
            for _, score, n in process.extract(title_key, keys, scorer=fuzz.ratio, processor=None,
                                               score_cutoff=TITLE_THRESHOLD, limit=5):
                i = indexes[n]
                if self._ids[i] == exclude or self._title_keys[i] != keys[n] or (best and best.score >= score):
                    continue  # excluded, or a stale key left by an edited title, or no better
                if _numbers(keys[n]) != numbers:
                    continue  # "Year 2 evaluation" is not "Year 3 evaluation"
                other = self._org_keys[i]
                if (not org and not other) or (org and other and (fuzz.ratio(org, other) >= ORG_THRESHOLD
                                                                  or org in other or other in org)):
                    best = Match(self._ids[i], self._titles[i], round(score, 1))
        return best
