"""Exact phrases, fast: each word's positions decoded into arrays once, shifted and intersected in numpy."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import TermNotFound

from .postings import PostingsCache


def _within(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` are in ``sorted_keys`` (both sorted, unique): a binary search, no re-sort."""
    at = np.searchsorted(sorted_keys, keys)
    at[at == sorted_keys.size] = 0
    return sorted_keys[at] == keys if sorted_keys.size else np.zeros(keys.size, dtype=bool)


def phrase_docs(cache: Any, leaf: Any, field: str, words: list[str]) -> np.ndarray:
    """Mask of the documents of one segment where ``words`` stand next to each other, in order (deleted
    documents included: the caller masks them). Each word's ``doc << 32 | position`` keys are shifted back
    by its place in the phrase and intersected, only over documents that hold every word."""
    every = np.ones(leaf.doc_count_all(), dtype=bool)
    positions, docs = {}, {}
    for word in sorted(dict.fromkeys(words), key=lambda w: leaf.doc_frequency(field, w)):  # rarest first
        positions[word] = cache.positions(leaf, field, word)  # (also caches the word's ids and weights)
        ids = cache.terms(leaf, field, word)[0]
        docs[word] = ids.size
        held = np.zeros(every.size, dtype=bool)
        held[ids] = True
        every &= held
        if not every.any():
            return every
    shared = int(np.count_nonzero(every))
    found: np.ndarray | None = None
    for place, word in enumerate(words):
        keys = positions[word]
        if docs[word] > shared * 1.25:  # worth a pass only where it drops many documents
            keys = keys[every[keys >> 32]]
        if place:
            keys = keys[(keys & 0xFFFFFFFF) >= place] - place
        if found is None:
            found = keys
        elif found.size <= keys.size:  # look the smaller array up in the larger one
            found = found[_within(found, keys)]
        else:
            found = keys[_within(keys, found)]
        if not found.size:
            break
    mask = np.zeros(every.size, dtype=bool)
    if found is not None and found.size:
        mask[found >> 32] = True
    return mask


class FastPhrase(wq.Phrase):
    """An exact phrase: the words' positions are decoded into arrays and intersected (``phrase_docs``).

    Whoosh's own phrase matcher builds span objects for every candidate document (about 20x slower); a
    leapfrog over its matchers costs several method calls per posting. Scoring never uses this matcher:
    ranking uses ``relax()`` (the words ANDed) within the phrase's documents. ``fastmatch`` calls
    ``phrase_docs`` itself with the shared postings cache; this matcher serves Whoosh's own collector.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = self.fieldname
        if hasattr(reader, "_terms"):
            mask = phrase_docs(PostingsCache(), reader, field, self.words)
            if reader.has_deletions():
                mask[list(reader.deleted_docs_set)] = False
            found = np.flatnonzero(mask).tolist()
            return ListMatcher(found) if found else NullMatcher()
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
