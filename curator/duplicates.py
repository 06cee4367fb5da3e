"""Near-duplicate detection: a record whose title and organisation closely match one already held.

Programme leads receive the same case study by email, as a Word form and again in a spreadsheet. Curator
names the match instead of quietly keeping a second copy. Keys are normalised once (case, punctuation, word
order) so each check is one C++ scan by rapidfuzz with a score cut-off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

TITLE_THRESHOLD = 90.0
ORG_THRESHOLD = 80.0


def _key(text: str) -> str:
    """Lower case, punctuation dropped (so 'B.P.' meets 'BP'), words sorted (so order does not matter)."""
    text = re.sub(r"[^\w\s]", "", (text or "").casefold()).replace("&", " and ")
    return " ".join(sorted(text.split()))


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

    def add(self, case_id: str, title: str, organisation: str) -> None:
        if case_id in self._by_id:
            i = self._by_id[case_id]
            self._titles[i], self._title_keys[i], self._org_keys[i] = title, _key(title), _key(organisation)
            return
        self._by_id[case_id] = len(self._ids)
        self._ids.append(case_id)
        self._titles.append(title)
        self._title_keys.append(_key(title))
        self._org_keys.append(_key(organisation))

    def find(self, title: str, organisation: str, exclude: str | None = None) -> Match | None:
        """The closest held record whose title and organisation both closely match, if any."""
        key, org = _key(title), _key(organisation)
        if not key:
            return None
        found = process.extract(key, self._title_keys, scorer=fuzz.ratio, processor=None,
                                score_cutoff=TITLE_THRESHOLD, limit=5)
        for _, score, i in found:
            if self._ids[i] == exclude:
                continue
            other = self._org_keys[i]
            if (not org and not other) or (org and other and fuzz.ratio(org, other) >= ORG_THRESHOLD) \
                    or (org and other and (org in other or other in org)):
                return Match(self._ids[i], self._titles[i], round(score, 1))
        return None
