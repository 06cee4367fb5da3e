"""Exact phrases, fast: leapfrog the words' postings and compare decoded positions."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import TermNotFound


class FastPhrase(wq.Phrase):
    """An exact phrase checked by leapfrogging the words' postings and comparing decoded positions.

    Whoosh's own phrase matcher builds span objects for every candidate document (about 20x slower).
    Scoring never uses this matcher: ranking uses ``relax()`` (the words ANDed) within the phrase's docs.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = self.fieldname
        try:
            mats = [reader.postings(field, word) for word in self.words]
        except TermNotFound:
            return NullMatcher()
        order = sorted(range(len(mats)), key=lambda i: reader.doc_frequency(field, self.words[i]))
        found: list[int] = []
        lead = mats[order[0]]
        while lead.is_active():
            doc = lead.id()
            for i in order[1:]:
                other = mats[i]
                if other.id() < doc:
                    other.skip_to(doc)
                    if not other.is_active():
                        return ListMatcher(found) if found else NullMatcher()
                if other.id() != doc:
                    lead.skip_to(other.id())
                    break
            else:
                starts = set(mats[0].value_as("positions"))
                for offset in range(1, len(mats)):
                    starts &= {p - offset for p in mats[offset].value_as("positions")}
                    if not starts:
                        break
                if starts:
                    found.append(doc)
                lead.next()
        return ListMatcher(found) if found else NullMatcher()


def relax(query: wq.Query) -> wq.Query:
    """The query with phrases as plain AND (same object back if it has no phrase), for ranking only."""
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, w) for w in query.words])
    if not any(isinstance(q, wq.Phrase) for q in query.leaves()):
        return query
    return query.apply(relax)
