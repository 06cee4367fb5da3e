"""Match and rank in one pass with numpy: the exact total, every match's BM25F score, no walk in Python.

Whoosh's collector walks the matches twice (``docs_for_query`` for the total and facets, then the scored
search) and spends ~18 µs of method calls per posting on scoring. Here each segment's result is a dense pair
of arrays (a match mask and the scores, zero where nothing matched): a word's BM25F score is one vector
expression over its decoded postings (``postings``), AND / OR / NOT are mask operations and additions, and
the top of the list is an ``argpartition``. The formula, its statistics and the order of the additions are the
ones the earlier per-document code used (Whoosh's BM25F), so scores, order and totals do not change.

``evaluate`` handles the query shapes ``query.compile_query`` and ``filters`` build (Term, And, Or, AndNot,
AndMaybe, Not, Every, NullQuery, FastPhrase); for anything else it raises ``Unsupported`` and the caller uses
Whoosh's own path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from .pending import PendingSegment, PendingStats
from .phrases import FastPhrase, phrase_docs
from .postings import PostingsCache, Unsupported, segment_key

__all__ = ["Matches", "Unsupported", "evaluate", "matches_of"]
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults, which the searcher uses
Result = tuple[np.ndarray, np.ndarray]  # (match mask, scores: zero where the mask is False)


@dataclass
class Matches:
    """Every live match of a query: per segment its key, global docnum offset, match mask and scores."""

    segments: list[tuple[Any, int, np.ndarray, np.ndarray | None]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(int(np.count_nonzero(mask)) for _, _, mask, _ in self.segments)

    def docnums(self) -> np.ndarray:
        """Global document numbers of the matches, ascending."""
        parts = [np.flatnonzero(mask) + offset for _, offset, mask, _ in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def top(self, offset: int, limit: int) -> list[tuple[float, int]]:
        """``(score, docnum)`` of ranks ``offset`` to ``offset + limit``: best score first, then the lower
        docnum (the order ``heapq.nlargest`` over ``(score, -docnum)`` gave)."""
        docs = self.docnums()
        if not docs.size:
            return []
        scores = np.concatenate([scores[np.flatnonzero(mask)] for _, _, mask, scores in self.segments])
        want = offset + limit
        if docs.size > want:
            kth = np.partition(scores, docs.size - want)[docs.size - want]
            keep = scores >= kth  # ties at the cut all stay, then the docnum decides
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[offset:want]
        return [(float(s), int(d)) for s, d in zip(scores[order], docs[order], strict=True)]


def matches_of(searcher: Any, docnums: Any) -> Matches:
    """``Matches`` (unscored) for global docnums found another way (Whoosh's collector)."""
    docs = np.fromiter(docnums, dtype=np.int64)
    out = Matches()
    for leaf, offset in searcher.reader().leaf_readers():
        mask = np.zeros(leaf.doc_count_all(), dtype=bool)
        local = docs[(docs >= offset) & (docs < offset + mask.size)] - offset
        mask[local] = True
        out.segments.append((segment_key(leaf), offset, mask, None))
    return out


class Evaluator:
    """Evaluates one query on one leaf segment as dense arrays."""

    def __init__(self, stats: Any, leaf: Any, cache: Any, dead: np.ndarray | None = None) -> None:
        self.top = stats  # the searcher, or ``pending.PendingStats`` while saved records wait to be committed
        self.leaf = leaf
        self.cache = cache
        self.size = self.leaf.doc_count_all()
        self.dead = dead if dead is not None and dead.size else None  # replaced by a save not yet committed
        self.deletions = self.leaf.has_deletions() or self.dead is not None
        self._live: np.ndarray | None = None

    def live(self) -> np.ndarray:
        if self._live is None:
            live = np.ones(self.size, dtype=bool)
            if self.leaf.has_deletions():
                live[np.fromiter(self.leaf.deleted_docs_set, dtype=np.int64)] = False
            if self.dead is not None:
                live[self.dead] = False
            self._live = live
        return self._live

    def nothing(self) -> Result:
        return np.zeros(self.size, dtype=bool), np.zeros(self.size)

    def term(self, fieldname: str, text: str, boost: float = 1.0) -> Result:
        ids, weights = self.cache.terms(self.leaf, fieldname, text)
        mask, scores = self.nothing()
        if not ids.size:
            return mask, scores
        mask[ids] = True
        if self.top.schema[fieldname].scorable:
            idf = self.top.idf(fieldname, text) * boost
            avg = self.top.avg_field_length(fieldname) or 1
            top, k, kb = idf * (K1 + 1), K1 * (1 - B), K1 * B / avg
            w = weights.astype(np.float64)
            scores[ids] = top * w / (w + k + kb * self.cache.lengths(self.leaf, fieldname)[ids])
        if self.deletions:
            mask &= self.live()
            scores[~mask] = 0.0
        return mask, scores

    def run(self, q: Any) -> Result:
        if isinstance(q, FastPhrase):
            return self.phrase(q)
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.And):
            return self.conjunction(list(q.subqueries))
        if isinstance(q, wq.Or):
            return self.disjunction(list(q.subqueries))
        if isinstance(q, wq.AndNot):
            mask, scores = self.run(q.a)
            if mask.any():
                mask = mask & ~self.run(q.b)[0]
                scores = np.where(mask, scores, 0.0)
            return mask, scores
        if isinstance(q, wq.AndMaybe):
            mask, scores = self.run(q.a)
            if mask.any():
                scores = np.where(mask, scores + self.run(q.b)[1], 0.0)
            return mask, scores
        if isinstance(q, wq.Not):
            return self.live() & ~self.run(q.query)[0], np.zeros(self.size)
        if isinstance(q, wq.Every) and not q.fieldname:
            return self.live().copy(), np.zeros(self.size)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self.nothing()
        raise Unsupported(type(q).__name__)

    def conjunction(self, parts: list[Any]) -> Result:
        # the rarest part first, as before: the additions happen in the same order, so scores are bit-identical
        parts.sort(key=self._estimate)
        mask, scores = self.run(parts[0])
        for part in parts[1:]:
            if not mask.any():
                break
            other_mask, other_scores = self.run(part)
            mask = mask & other_mask
            scores = np.where(mask, scores + other_scores, 0.0)
        return mask, scores

    def disjunction(self, parts: list[Any]) -> Result:
        if not parts:
            return self.nothing()
        results = sorted((self.run(part) for part in parts), key=lambda r: int(np.count_nonzero(r[0])),
                         reverse=True)
        mask, scores = results[0][0].copy(), results[0][1].copy()
        for other_mask, other_scores in results[1:]:
            mask |= other_mask
            scores += other_scores
        return mask, scores

    def phrase(self, q: FastPhrase) -> Result:
        mask = phrase_docs(self.cache, self.leaf, q.fieldname, q.words)
        if self.deletions:
            mask &= self.live()
        scores = np.zeros(self.size)
        if mask.any():
            # ranked as the words ANDed, within the phrase's documents (as ``relax`` does for Whoosh)
            for word in q.words:
                scores += self.term(q.fieldname, word, q.boost)[1]
            scores[~mask] = 0.0
        return mask, scores

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


def evaluate(searcher: Any, q: Any, cache: PostingsCache, pending: PendingSegment | None = None,
             dead: dict[Any, np.ndarray] | None = None) -> Matches:
    """Every live document matching ``q`` with its score, per segment. Raises ``Unsupported``.

    With ``pending`` (saved records not yet committed, ``pending.PendingSegment``) the answer is the one the
    searcher will give once they are: ``dead`` masks, per segment key, the committed documents they replace."""
    if not hasattr(searcher, "leaf_searchers"):
        raise Unsupported("no leaf searchers")
    stats = searcher if pending is None else PendingStats(searcher, pending, cache)
    out = Matches()
    for leaf_searcher, offset in searcher.leaf_searchers():
        leaf = leaf_searcher.reader()
        key = segment_key(leaf)
        evaluator = Evaluator(stats, leaf, cache, (dead or {}).get(key))
        mask, scores = evaluator.run(q)
        out.segments.append((key, offset, mask, scores))
    if pending is not None and pending.size:
        mask, scores = Evaluator(stats, pending, pending).run(q)  # its own postings, held in memory
        out.segments.append((None, pending.offset, mask, scores))
    return out
