"""Whoosh's posting lists decoded into numpy arrays, a block at a time, and kept between queries.

Decoding a Whoosh block (zlib + pickle) is the one cost left per cold word, so each decoded list is kept
(least recently used dropped first, within a byte budget): typing reuses the words already typed, and a
background warm-up decodes the library's most frequent words after the index opens. Ids and weights become
``int32``/``float32`` arrays (the delta decoding is one ``cumsum``); a phrase word's positions become a
sorted ``int64`` array of ``doc << 32 | position`` keys, so an exact phrase is array intersections.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

BUDGET_BYTES = 96 << 20  # decoded postings kept between queries
LENGTH_OF_BYTE = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=np.float64)
_NONE = np.zeros(0, dtype=np.int32)


class Unsupported(Exception):
    """A query shape or index layout the fast path does not handle (the caller falls back to Whoosh)."""


def segment_key(leaf: Any) -> Any:
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else None


def _blocks(leaf: Any, field: str, text: str) -> list[tuple[Any, Any, Any]] | None:
    """Each block's raw (id deltas, weights, values) of one word in one segment, [] if absent; None when the
    postings are inlined in the term info (a word in one document) and must be read through the matcher."""
    try:
        matcher = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
    except TermNotFound:
        return []
    except (AttributeError, TypeError) as err:
        raise Unsupported(str(err)) from err
    if not all(hasattr(matcher, a) for a in ("_read_data", "_next_block", "_data", "_blocklength")):
        return None
    out = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        ids, weights, values = matcher._data[:3]
        if weights is None or isinstance(weights, float):
            weights = np.full(matcher._blocklength, 1.0 if weights is None else weights, dtype=np.float32)
        out.append((ids, weights, values))
        matcher._next_block()
    return out


def _matcher_lists(leaf: Any, field: str, text: str, values: bool) -> tuple[list[int], list[float], list[Any]]:
    matcher = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
    ids, weights, raw = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            raw.append(matcher.value())
        matcher.next()
    return ids, weights, raw


def decode(leaf: Any, field: str, text: str, positions: bool = False) -> tuple[np.ndarray, ...]:
    """(doc ids ``int32`` ascending, weights ``float32``) of one word in one segment, empty if absent; with
    ``positions``, also its sorted ``doc << 32 | position`` keys (``FastPositions``' encoding: big-endian
    uint32 count, first position, then gaps), from the same blocks."""
    blocks = _blocks(leaf, field, text)
    if blocks is None:
        ids, weights, raw = _matcher_lists(leaf, field, text, values=positions)
        blocks = [(np.diff(np.asarray(ids, dtype=np.int64), prepend=0), weights, raw)]
    if not blocks:
        empty = (_NONE, np.zeros(0, dtype=np.float32))
        return (*empty, np.zeros(0, dtype=np.int64)) if positions else empty
    # each block's ids are deltas from 0 (Whoosh's delta_decode restarts per block)
    ids = np.concatenate([np.cumsum(np.asarray(d, dtype=np.int64)) for d, _, _ in blocks])
    weights = np.concatenate([np.asarray(w, dtype=np.float32) for _, w, _ in blocks])
    if not positions:
        return ids.astype(np.int32), weights
    raw = [v for _, _, values in blocks for v in values]
    return ids.astype(np.int32), weights, keys_from_values(ids, raw)


def keys_from_values(ids: np.ndarray, raw: list[bytes]) -> np.ndarray:
    """Sorted ``doc << 32 | position`` keys from each posting's ``FastPositions`` bytes (``ids`` int64)."""
    if not raw:
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(b"".join(raw), dtype=">u4").astype(np.int64)
    sizes = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)) // 4  # count + first + gaps
    starts = np.cumsum(sizes) - sizes
    counts = sizes - 1
    gaps = words.copy()
    gaps[starts] = 0  # the count slot adds nothing; each posting's positions are then a running sum
    running = np.cumsum(gaps)
    keep = np.ones(len(words), dtype=bool)
    keep[starts] = False
    found = running[keep] - np.repeat(running[starts], counts)
    return (np.repeat(ids, counts) << 32) | found


def _narrow(values: np.ndarray) -> np.ndarray:
    return values.astype(np.uint16 if not values.size or values.max() < 1 << 16 else np.uint32)


def _length_bytes(column: Any, count: int) -> np.ndarray:
    """A segment's one-byte field lengths: the column's bytes as they lie (documents past its end have none),
    or one read per document where the reader is not Whoosh's fixed-size numeric column."""
    try:
        if column._fixedlen == 1 and not column._reverse:
            raw = column._dbfile.get(column._basepos, min(column._count, count))
            codes = np.zeros(count, dtype=np.uint8)
            codes[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
            return codes
    except AttributeError:
        pass
    return np.fromiter((column[d] for d in range(count)), dtype=np.uint8, count=count)


class PostingsCache:
    """Decoded postings and field lengths per segment, shared by the query thread and the warm-up thread."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._lengths: dict[tuple[Any, str], np.ndarray] = {}
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()
        self.held = 0

    def _get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def _put(self, key: tuple[Any, ...], value: tuple[np.ndarray, ...]) -> None:
        size = sum(a.nbytes for a in value)
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.held += size
            while self.held > self.budget and len(self._items) > 1:
                self._drop(next(iter(self._items)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        self.held -= sum(a.nbytes for a in self._items.pop(key))

    def has(self, leaf: Any, field: str, text: str) -> bool:
        with self._lock:
            return (segment_key(leaf), field, text) in self._items

    def terms(self, leaf: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (segment_key(leaf), field, text)
        if key[0] is None:
            return decode(leaf, field, text)
        found = self._get(key)
        if found is None:
            found = decode(leaf, field, text)
            self._put(key, found)
        return found

    def positions(self, leaf: Any, field: str, text: str) -> np.ndarray:
        """Sorted ``doc << 32 | position`` keys. Kept compact (positions per document and the positions,
        ``uint16`` where they fit: a quarter of the keys' bytes, so the phrase words of a 50,000-record
        library fit the budget beside the rest); the keys are rebuilt per query (~5 ms per million)."""
        key = (segment_key(leaf), field, text, "positions")
        if key[0] is None:
            return decode(leaf, field, text, positions=True)[2]
        found = self._get(key)
        ids = None
        if found is None:
            ids, weights, keys = decode(leaf, field, text, positions=True)
            counts = np.diff(np.searchsorted(keys >> 32, ids), append=keys.size)
            found = (_narrow(counts), _narrow(keys & 0xFFFFFFFF))
            self._put(key, found)
            self._put(key[:3], (ids, weights))  # the phrase's ranking wants the same word's weights next
        if ids is None:
            ids = self.terms(leaf, field, text)[0]
        counts, places = found
        return (np.repeat(ids.astype(np.int64), counts) << 32) | places

    def lengths(self, leaf: Any, field: str) -> np.ndarray:
        """Each document's length of ``field`` as Whoosh scores it (its one-byte approximation, at least 1)."""
        key = (segment_key(leaf) or id(leaf), field)
        found = self._lengths.get(key)
        if found is None:
            count = leaf.doc_count_all()
            codes = np.zeros(count, dtype=np.uint8)
            perdoc = getattr(leaf, "_perdoc", None)
            if perdoc is not None and hasattr(perdoc, "_cached_reader"):
                from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

                column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                if column is not None:
                    codes = _length_bytes(column, count)
            found = self._lengths[key] = LENGTH_OF_BYTE[codes]
        return found

    def keep_only(self, segment_ids: set[Any]) -> None:
        """Forget segments merged away or replaced."""
        with self._lock:
            for key in [k for k in self._lengths if k[0] not in segment_ids]:
                del self._lengths[key]
            for key in [k for k in self._items if k[0] not in segment_ids]:
                self._drop(key)
