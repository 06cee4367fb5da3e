"""Match and rank in one pass, a posting block at a time: the exact total, every match's BM25F score, no walk twice.

Whoosh's collector walks the matches twice (``docs_for_query`` for the total and facets, then the scored
search) and spends ~18 µs of method calls per posting on scoring. Here each word's postings are read a block
at a time (ids and weights as arrays, as ``phrases`` does for positions), AND / OR / NOT are set operations in
C, and the BM25F score (Whoosh's formula and statistics, so the order is Whoosh's) is one arithmetic
expression per matching document. Field lengths are read once per segment and kept.

``evaluate`` handles the query shapes ``query.compile_query`` and ``filters`` build (Term, And, Or, AndNot,
AndMaybe, Not, Every, NullQuery, FastPhrase); for anything else it raises ``Unsupported`` and the caller uses
Whoosh's own path.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .phrases import FastPhrase

POSTINGS_BUDGET = 4_000_000  # decoded postings kept between queries (~8 bytes each: ~32 MB)
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults, which the searcher uses
_LENGTH = [byte_to_length(b) or 1 for b in range(256)]


class Unsupported(Exception):
    """A query shape this module does not evaluate (the caller falls back to Whoosh)."""


class Lengths:
    """Per-segment field lengths (one list per field, read once) and recently decoded postings."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, str], list[int]] = {}
        self.postings = OrderedDict()

    def get(self, leaf: Any, field: str) -> list[int]:
        segment = leaf.segment()
        key = (segment.segment_id() if segment is not None else id(leaf), field)
        found = self._cache.get(key)
        if found is None:
            count = leaf.doc_count_all()
            found = [1] * count
            perdoc = getattr(leaf, "_perdoc", None)
            if perdoc is not None and hasattr(perdoc, "_cached_reader"):
                from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

                column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                if column is not None:
                    table = _LENGTH
                    found = [table[column[d]] for d in range(count)]
            self._cache[key] = found
        return found

    def keep_only(self, segment_ids: set[Any]) -> None:
        for key in [k for k in self._cache if k[0] not in segment_ids]:
            del self._cache[key]
        for key in [k for k in self.postings if k[0] not in segment_ids]:
            self._drop(key)

    #: decoded postings, most recently used last: typing reuses the words already typed, and decoding
    #: Whoosh's pickled, compressed blocks is most of a query's cost
    postings: OrderedDict[tuple[Any, str, str], tuple[array, array]]
    _held = 0

    def cached_postings(self, leaf: Any, field: str, text: str) -> tuple[array, array]:
        segment = leaf.segment()
        if segment is None:
            return _postings(leaf, field, text)
        key = (segment.segment_id(), field, text)
        found = self.postings.get(key)
        if found is not None:
            self.postings.move_to_end(key)
            return found
        ids, weights = _postings(leaf, field, text)
        found = (array("I", ids), array("f", weights))
        self.postings[key] = found
        self._held += len(ids)
        while self._held > POSTINGS_BUDGET and len(self.postings) > 1:
            self._drop(next(iter(self.postings)))
        return found

    def _drop(self, key: tuple[Any, str, str]) -> None:
        ids, _ = self.postings.pop(key)
        self._held -= len(ids)


def _postings(leaf: Any, field: str, text: str) -> tuple[Any, Any]:
    """(ids, weights) of one word in one segment, block by block; empty if absent."""
    try:
        matcher = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
    except TermNotFound:
        return (), ()
    except (AttributeError, TypeError) as err:
        raise Unsupported(str(err)) from err
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        ids, weights = [], []
        while matcher.is_active():  # an inlined posting list
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    ids, weights = [], []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        start = matcher._i
        ids.extend(matcher._ids[start:])
        weights.extend(matcher._weights[start:])
        matcher._next_block()
    return ids, weights


class Evaluator:
    """Evaluates one query on one leaf segment: ``{leaf docnum: score}`` of every live match."""

    def __init__(self, searcher: Any, leaf_searcher: Any, lengths: Lengths) -> None:
        self.top = searcher
        self.searcher = leaf_searcher
        self.leaf = leaf_searcher.reader()
        self.lengths = lengths
        self._all: set[int] | None = None

    def everything(self) -> set[int]:
        if self._all is None:
            docs = set(range(self.leaf.doc_count_all()))
            if self.leaf.has_deletions():
                docs.difference_update(self.leaf.deleted_docs_set)
            self._all = docs
        return self._all

    def term(self, field: str, text: str, boost: float = 1.0, within: set[int] | None = None) -> dict[int, float]:
        ids, weights = self.lengths.cached_postings(self.leaf, field, text)
        if not ids:
            return {}
        if not self.top.schema[field].scorable:
            scores = dict.fromkeys(ids, 0.0)
        else:
            idf = self.top.idf(field, text) * boost
            avg = self.top.avg_field_length(field) or 1
            lengths = self.lengths.get(self.leaf, field)
            top, k, kb = idf * (K1 + 1), K1 * (1 - B), K1 * B / avg
            if within is not None:
                scores = {d: top * w / (w + k + kb * lengths[d]) for d, w in zip(ids, weights, strict=False)
                          if d in within}
            else:
                scores = {d: top * w / (w + k + kb * lengths[d]) for d, w in zip(ids, weights, strict=False)}
        if self.leaf.has_deletions():
            for d in self.leaf.deleted_docs_set.intersection(scores):
                del scores[d]
        return scores

    def run(self, q: Any, within: set[int] | None = None) -> dict[int, float]:
        if isinstance(q, FastPhrase):
            return self.phrase(q, within)
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost, within)
        if isinstance(q, wq.And):
            return self.conjunction(list(q.subqueries), within)
        if isinstance(q, wq.Or):
            return self.disjunction(list(q.subqueries), within)
        if isinstance(q, wq.AndNot):
            found = self.run(q.a, within)
            if found:
                for d in self.run(q.b, set(found)):
                    found.pop(d, None)
            return found
        if isinstance(q, wq.AndMaybe):
            found = self.run(q.a, within)
            if found:
                for d, s in self.run(q.b, set(found)).items():
                    found[d] += s
            return found
        if isinstance(q, wq.Not):
            found = dict.fromkeys(self.everything() if within is None else within, 0.0)
            for d in self.run(q.query, set(found)):
                found.pop(d, None)
            return found
        if isinstance(q, wq.Every) and not q.fieldname:
            return dict.fromkeys(self.everything() if within is None else within & self.everything(), 0.0)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return {}
        raise Unsupported(type(q).__name__)

    def conjunction(self, parts: list[Any], within: set[int] | None) -> dict[int, float]:
        # the rarest part first: the rest only score documents it matched
        parts.sort(key=self._estimate)
        found: dict[int, float] | None = None
        for part in parts:
            scores = self.run(part, within if found is None else set(found))
            found = scores if found is None else {d: s + scores[d] for d, s in found.items() if d in scores}
            if not found:
                return {}
        return found or {}

    def disjunction(self, parts: list[Any], within: set[int] | None) -> dict[int, float]:
        results = sorted((self.run(part, within) for part in parts), key=len, reverse=True)
        if not results:
            return {}
        found = results[0]
        for other in results[1:]:
            get = found.get
            found.update({d: get(d, 0.0) + s for d, s in other.items()})
        return found

    def phrase(self, q: FastPhrase, within: set[int] | None) -> dict[int, float]:
        matcher = q.matcher(self.searcher)
        docs = set(matcher.all_ids()) if matcher.is_active() else set()
        if within is not None:
            docs &= within
        if not docs:
            return {}
        # ranked as the words ANDed, within the phrase's documents (as ``relax`` does for Whoosh)
        found = dict.fromkeys(docs, 0.0)
        for word in q.words:
            for d, s in self.term(q.fieldname, word, q.boost, docs).items():
                found[d] += s
        return found

    def _estimate(self, q: Any) -> int:
        if isinstance(q, wq.Term):
            try:
                return self.leaf.doc_frequency(q.fieldname, q.text)
            except Exception:  # noqa: BLE001
                return 0
        if isinstance(q, FastPhrase):
            return min((self._estimate(wq.Term(q.fieldname, w)) for w in q.words), default=0)
        if isinstance(q, wq.And):
            return min((self._estimate(s) for s in q.subqueries), default=0)
        if isinstance(q, wq.Or):
            return sum(self._estimate(s) for s in q.subqueries)
        if isinstance(q, wq.AndNot | wq.AndMaybe):
            return self._estimate(q.a)
        return self.leaf.doc_count_all()


def evaluate(searcher: Any, q: Any, lengths: Lengths) -> dict[int, float]:
    """``{global docnum: score}`` of every live document matching ``q``. Raises ``Unsupported``."""
    if not hasattr(searcher, "leaf_searchers"):
        raise Unsupported("no leaf searchers")
    out: dict[int, float] = {}
    for leaf_searcher, offset in searcher.leaf_searchers():
        found = Evaluator(searcher, leaf_searcher, lengths).run(q)
        if offset:
            out.update({d + offset: s for d, s in found.items()})
        else:
            out.update(found)
    return out
