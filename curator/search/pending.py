"""Records saved but not yet committed to Whoosh, searchable at once as a segment held in memory.

Committing a save's one-document segment costs 40-70 ms of Python (about 700 terms, each pickled, compressed
and hashed into the term table), and a search that waited for it was 3-4x slower than FTS5's save-and-find.
Here the saved records are analysed exactly as the writer will index them (the schema's own
``field.index``), so a search answers from the committed segments plus this one while the writer thread
commits in the background. The answer is the one the search would give after the commit, bit for bit:

- each saved record takes the document number it will have (after every committed document, in the order
  the writer adds them); the document it replaces is masked out of its committed segment (``dead``);
- BM25F statistics are the committed ones plus these documents', as Whoosh's will be after the commit
  (Whoosh counts a replaced document in its statistics until segments are merged, so nothing is subtracted);
- prefix expansion sees these documents' words with the same document frequencies (``PendingWords``).
"""

from __future__ import annotations

from collections import Counter
from math import log
from typing import Any

import numpy as np
from whoosh.util.numeric import length_to_byte

from .postings import LENGTH_OF_BYTE, keys_from_values
from .schema import FastFrequency, FastPositions, PlainFrequency, analyse

__all__ = ["PendingSegment", "PendingStats", "PendingWords"]
_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_WEIGHTS = np.zeros(0, dtype=np.float32)


class PendingSegment:
    """Index documents (``schema.document`` output, in the writer's order) as one in-memory segment.

    Offers the few reader calls the array search uses (document counts, deletions, document frequency,
    field lengths, words by prefix) and the postings cache's (``terms``, ``positions``, ``lengths``), so
    ``fastmatch`` evaluates it like a committed segment with itself as the cache. ``offset`` is the global number of its first document. A
    field is analysed the first time a query asks about it (most queries touch three of fourteen fields)."""

    def __init__(self, schema: Any, docs: list[dict[str, Any]], offset: int) -> None:
        self.schema = schema
        self.offset = offset
        self.size = len(docs)
        self.packed: list[tuple] = [doc["facets"] for doc in docs]
        self._docs = docs
        self._fields: dict[str, _Field] = {}

    def _field(self, name: str) -> _Field:
        found = self._fields.get(name)
        if found is None:
            found = self._fields[name] = _Field(self.schema[name], name, self._docs)
        return found

    # -- what the array search asks of a segment ----------------------------------------------------------
    def doc_count_all(self) -> int:
        return self.size

    def has_deletions(self) -> bool:
        return False  # the view refuses a record saved twice in flight, the one case that would delete here

    def doc_frequency(self, field: str, text: str | bytes) -> int:
        word = _text(text)
        return sum(word in counts for counts in self._field(field).counts)

    def field_length(self, field: str) -> int:
        return self._field(field).total

    # -- and of the postings cache: this segment is its own source of decoded postings ------------------------
    def lengths(self, leaf: Any, field: str) -> np.ndarray:
        """Each document's length of ``field`` as Whoosh scores it (the one-byte approximation, at least 1)."""
        return self._field(field).lengths

    def terms(self, leaf: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(ids ``int32``, weights ``float32``), as ``PostingsCache.terms`` gives them for a committed segment."""
        word = _text(text)
        found = self._field(field)
        ids = [d for d, counts in enumerate(found.counts) if word in counts]
        weights = np.array([found.counts[d][word] * found.boost for d in ids], dtype=np.float32)
        return np.array(ids, dtype=np.int32), weights

    def positions(self, leaf: Any, field: str, text: str) -> np.ndarray:
        """Sorted ``doc << 32 | position`` keys, as ``PostingsCache.positions`` gives them."""
        ids = self.terms(leaf, field, text)[0]
        found = self._field(field)
        return keys_from_values(ids.astype(np.int64), [found.positions(int(d), _text(text)) for d in ids])

    def words(self, field: str, prefix: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for counts in self._field(field).counts:
            for word in counts:
                if word.startswith(prefix):
                    out[word] = out.get(word, 0) + 1
        return out


def _text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


class _Field:
    """One field of the pending documents as ``SegmentWriter.add_document`` indexes it: per document each
    word's frequency (its weight is frequency x the format's field boost, as the schema's ``word_values``
    give it), the length byte and the field's total length. A phrase word's positions are worked out only
    when a phrase asks for them."""

    def __init__(self, field: Any, name: str, docs: list[dict[str, Any]]) -> None:
        self.counts: list[Counter] = []
        self.total = 0
        self._values: list[Any] = []
        self._fmt = field.format
        self._ours = type(self._fmt) in (FastPositions, FastFrequency, PlainFrequency)
        self.boost = self._fmt.field_boost if self._ours else 1.0  # weight = count x boost
        codes = np.zeros(len(docs), dtype=np.uint8)
        for docnum, doc in enumerate(docs):
            value = doc.get(name) if field.indexed else None
            self._values.append(value)
            if value is None:
                self.counts.append(Counter())
                continue
            if self._ours and isinstance(value, str):
                counts = Counter(analyse(value, self._fmt.stemming))
                length = len(counts) and sum(counts.values())
            else:  # ids and keywords through Whoosh: keep each word's weight itself (boost 1)
                items = list(field.index(value))
                counts = Counter({tbytes.decode("utf-8"): weight for tbytes, _, weight, _ in items})
                length = sum(freq for _, freq, _, _ in items)
            self.counts.append(counts)
            length = length if field.scorable else 0
            if length:
                codes[docnum] = length_to_byte(length)
                self.total += length
        self.lengths = LENGTH_OF_BYTE[codes]

    def positions(self, docnum: int, word: str) -> bytes:
        """The word's positions in ``FastPositions``' encoding (as the committed segment would store them)."""
        places = [pos for pos, w in enumerate(analyse(self._values[docnum], self._fmt.stemming)) if w == word]
        return FastPositions.encode(None, places)  # type: ignore[arg-type]


class PendingStats:
    """The searcher's statistics as they will be once the pending documents are committed."""

    def __init__(self, searcher: Any, pending: PendingSegment, cache: Any) -> None:
        self.schema = searcher.schema
        self._searcher = searcher
        self._pending = pending
        self._cache = cache
        self._leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        self._count = searcher.doc_count_all() + pending.doc_count_all()

    def doc_count_all(self) -> int:
        return self._count

    def idf(self, field: str, text: str) -> float:
        """Whoosh's ``WeightingModel.idf``: ``log(documents / (frequency + 1)) + 1``, deleted ones counted.

        A committed segment's frequency is the length of the word's decoded postings (deleted documents
        included, as in Whoosh's term info), which the search reads next anyway: asking the term tables as
        well doubled the lookups, one per segment, for a word saved a moment ago."""
        n = sum(self._cache.terms(leaf, field, text)[0].size for leaf in self._leaves)
        n += self._pending.doc_frequency(field, text)
        return log(self._count / (n + 1)) + 1

    def avg_field_length(self, field: str, default: Any = None) -> Any:
        if not self.schema[field].scorable:
            return default
        return (self._searcher.field_length(field) + self._pending.field_length(field)) / (self._count or 1)


class _Info:
    __slots__ = ("_df",)

    def __init__(self, df: int) -> None:
        self._df = df

    def doc_frequency(self) -> int:
        return self._df


class PendingWords:
    """A reader for ``query.compile_query``: prefixes expand over committed and pending words alike."""

    def __init__(self, reader: Any, pending: PendingSegment) -> None:
        self._reader = reader
        self._pending = pending

    def iter_prefix(self, field: str, prefix: str | bytes) -> Any:
        found: dict[bytes, int] = {}
        for term, info in self._reader.iter_prefix(field, prefix):
            found[term if isinstance(term, bytes) else term.encode("utf-8")] = info.doc_frequency()
        for term, df in self._pending.words(field, _text(prefix)).items():
            key = term.encode("utf-8")
            found[key] = found.get(key, 0) + df
        for term in sorted(found):
            yield term, _Info(found[term])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)
