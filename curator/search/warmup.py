"""Decode the library's most frequent words in the background once the index is open.

The first keystrokes of a session are common words, which match most of the library; decoding their Whoosh
blocks is then nearly all of a keystroke: ~1 ms per 128 postings, mostly ``zlib`` inflating the positions
stored in the same blocks (~80 ms for a word in every document at 10,000 records, ~400 ms at 50,000).
``zlib`` lets go of the GIL, so the work goes to the other core. A thread decodes the most frequent words of the searched fields into the shared postings cache,
within a share of its budget, through readers of its own (a Whoosh reader's files keep a read position, so
the search's readers are never shared across threads), reading files rather than mapping them (a mapped file
cut short under a reader kills the process with SIGBUS; a read just fails). It stops when the index changes
or the service closes.
"""

from __future__ import annotations

import heapq
import logging
import threading
from typing import Any

from whoosh.reading import SegmentReader

from .index import unmapped
from .postings import PostingsCache

log = logging.getLogger("curator.search")
FIELDS = ("title", "quick", "all")  # the boosts every word query adds (small), then matching (large)
SHARE = 0.25  # of the postings cache's budget: ~15 s of one core at 50,000 records
WORDS_PER_FIELD = 200


def frequent_words(reader: Any, field: str, count: int) -> list[str]:
    """The ``count`` words of ``field`` in the most documents, most first."""
    found = heapq.nlargest(count, ((info.doc_frequency(), term) for term, info in reader.iter_field(field)))
    return [t.decode("utf-8") if isinstance(t, bytes) else t for _, t in found]


def warm(ix: Any, cache: PostingsCache, stop: threading.Event) -> int:
    """Decode frequent words of every segment (largest first) until the budget share is used; how many."""
    toc = ix._read_toc()
    storage = unmapped(ix).storage
    limit = cache.budget * SHARE
    done = 0
    for segment in sorted(toc.segments, key=lambda s: s.doc_count_all(), reverse=True):
        reader = SegmentReader(storage, toc.schema, segment, generation=toc.generation)
        try:
            for field in FIELDS:
                if field not in toc.schema:
                    continue
                for word in frequent_words(reader, field, WORDS_PER_FIELD):
                    if stop.is_set() or cache.held >= limit:
                        return done
                    if not cache.has(reader, field, word):
                        cache.terms(reader, field, word)
                        done += 1
        finally:
            reader.close()
    return done


def start(ix: Any, cache: PostingsCache) -> threading.Event:
    """Warm ``cache`` from ``ix`` on a daemon thread; set the returned event to stop it."""
    stop = threading.Event()

    def run() -> None:
        try:
            log.debug("search warm-up: %d words decoded", warm(ix, cache, stop))
        except Exception:  # noqa: BLE001 - a warm-up is only ever a head start; searches decode what they need
            log.debug("search warm-up stopped", exc_info=True)

    threading.Thread(target=run, name="curator-search-warmup", daemon=True).start()
    return stop
