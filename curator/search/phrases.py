"""Exact phrases, fast: read each word's postings a block at a time, intersect in C, compare positions."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import TermNotFound


def _block_postings(reader: Any, field: str, word: str) -> dict[int, bytes] | None:
    """``{docnum: encoded positions}`` of one word in one segment, read block by block (no per-posting
    method calls); ``{}`` if the word is absent; None if this Whoosh does not expose blocks."""
    try:
        matcher = reader._terms.matcher(field, reader._text_to_bytes(field, word), reader.schema[field].format)
    except TermNotFound:
        return {}
    except (AttributeError, TypeError):
        return None
    out: dict[int, bytes] = {}
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_values", "_next_block", "_ids", "_values")):
        while matcher.is_active():  # an inlined single posting
            out[matcher.id()] = matcher.value()
            matcher.next()
        return out
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._values is None:
            matcher._read_values()
        start = matcher._i
        out.update(zip(matcher._ids[start:], matcher._values[start:], strict=False))
        matcher._next_block()
    return out


class FastPhrase(wq.Phrase):
    """An exact phrase: the words' postings are read a block at a time into dicts, intersected in C, and only
    the shared documents' positions are decoded and compared.

    Whoosh's own phrase matcher builds span objects for every candidate document (about 20x slower); a
    leapfrog over its matchers costs several method calls per posting. Scoring never uses this matcher:
    ranking uses ``relax()`` (the words ANDed) within the phrase's documents.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = self.fieldname
        postings = [_block_postings(reader, field, word) for word in self.words]
        if all(p is not None for p in postings):
            return self._match_blocks(reader, field, postings)  # type: ignore[arg-type]
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


    @staticmethod
    def _match_blocks(reader: Any, field: str, postings: list[dict[int, bytes]]) -> Any:
        if not all(postings):
            return NullMatcher()
        common = set(min(postings, key=len))
        for other in postings:
            common.intersection_update(other.keys())
        if reader.has_deletions():
            common.difference_update(reader.deleted_docs_set)
        decode = reader.schema[field].format.decode_positions
        first, rest = postings[0], list(enumerate(postings[1:], start=1))
        found = []
        for doc in sorted(common):
            starts = set(decode(first[doc]))
            for offset, other in rest:
                starts.intersection_update([p - offset for p in decode(other[doc])])
                if not starts:
                    break
            if starts:
                found.append(doc)
        return ListMatcher(found) if found else NullMatcher()


def relax(query: wq.Query) -> wq.Query:
    """The query with phrases as plain AND (same object back if it has no phrase), for ranking only."""
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, w) for w in query.words])
    if not any(isinstance(q, wq.Phrase) for q in query.leaves()):
        return query
    return query.apply(relax)
