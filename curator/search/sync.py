"""Keeping the index in step with SQLite: the listener, the writer thread, queued and locked-out writes.

Indexing one long case study takes 0.1-0.3 s in Whoosh, so saves do not wait for it: the listener queues
the ids and wakes one writer thread. Any search, and ``close()``, first writes whatever is still queued
(under the service lock), so a search never misses a saved change.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..history import Changes
from . import index as index_mod
from .index import LockError, in_step, merge_all_but_largest, read_state, unmapped, write_records, write_state

log = logging.getLogger("curator.search")
SEARCH_WAIT = 0.1  # a search waits this long for another process's writer before answering from what it has
LOCK_RETRY = 2.0  # after a failed wait, searches do not wait again for this many seconds
MERGE_AT = 8  # segments before the writer thread folds the small ones together...
MERGE_IDLE = 2.0  # ...once no change has arrived for this many seconds
MERGE_WAIT = 60.0  # a write waits this long for this process's own merge to finish
LOCKED_NOTICE = ("another Curator window is updating the search index; your change is saved and will appear "
                 "in search within moments")


class IndexSync:
    """Mixed into ``SearchService``; uses its lock, store, open index and ``_repair``."""

    _lock: threading.RLock
    _ix: Any
    _cache: Any  # index.SegmentCache: which documents a change replaces
    store: Any
    notice: str | None

    def _init_sync(self) -> None:
        self._locked_until = 0.0
        self._pending: set[str] = set()
        self._pending_all = False
        self._pending_lock = threading.Lock()
        self._wake = threading.Event()
        self._merge_done = threading.Event()  # clear while this process's writer thread merges segments
        self._merge_done.set()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def _write(self, ids: list[str], wait: float, merge: bool = True) -> bool:
        """Index these ids; False (and a notice) if another process holds the writer lock."""
        if time.monotonic() < self._locked_until:
            self.notice = LOCKED_NOTICE
            return False
        # our own idle merge holds the writer lock: wait for it rather than answer without a just-saved change
        self._merge_done.wait(MERGE_WAIT)
        try:
            write_records(self._ix, self.store, ids, timeout=wait, merge=merge, known=self._cache)
        except LockError:
            self._locked_until = time.monotonic() + LOCK_RETRY
            self.notice = LOCKED_NOTICE
            return False
        return True

    def _flush_pending(self) -> None:
        pending = [r["case_id"] for r in self.store.query("SELECT case_id FROM search_pending")]
        if not pending or not self._write(pending, SEARCH_WAIT):
            return
        with self.store.transaction() as conn:
            conn.executemany("DELETE FROM search_pending WHERE case_id=?", [(i,) for i in pending])
        self._searcher_reset()

    def on_change(self, changes: Changes) -> None:
        """Listener: queue what one committed operation changed; the writer thread indexes it at once.

        The save returns without waiting for Whoosh (a document takes 0.1-0.3 s to index); any search, and
        ``close()``, first writes whatever is still queued, so a search never misses a saved change.
        """
        with self._pending_lock:
            self._pending |= changes.ids | changes.removed
            self._pending_all = self._pending_all or changes.everything
        self._nudge()

    def _nudge(self) -> None:
        """Wake the writer thread (starting it if needed): it writes the queue, then merges when idle."""
        self._wake.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="curator-search-writer", daemon=True)
            self._thread.start()

    def flush(self) -> None:
        """Index every queued change now (waits for the writer thread if it is busy)."""
        with self._lock:
            self._apply_pending()

    def _work(self) -> None:
        while not self._stopping:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            try:
                self.flush()
                # merge only once saves pause, so a save followed by a search never waits for a merge
                if not self._wake.wait(MERGE_IDLE) and not self._stopping:
                    self._merge_small()
            except Exception:  # noqa: BLE001 - never kill the writer thread; the next search repairs
                log.warning("search index update failed", exc_info=True)

    def _apply_pending(self) -> None:
        with self._pending_lock:
            ids, everything = sorted(self._pending), self._pending_all
            self._pending, self._pending_all = set(), False
        if not ids and not everything:
            return
        if self._ix is None and not self._open_for_writing():
            return
        if everything:
            self._repair()
            return
        before = read_state(self.store).get("generation")
        self._locked_until = 0.0  # a save always tries (and waits a little) for the lock
        if not self._write(ids, index_mod.WRITER_WAIT, merge=False):
            with self.store.transaction() as conn:
                conn.executemany("INSERT OR IGNORE INTO search_pending(case_id) VALUES (?)", [(i,) for i in ids])
            return
        self._searcher_reset()
        if self._known_gen is not None and before == str(self._known_gen):
            generation = self.store.generation
            write_state(self.store, self._name, self._ix, generation)
            self._known_gen = generation

    def _open_for_writing(self) -> bool:
        """Open the index without searching (a process that only saves); False if there is none yet."""
        name = self.folder.current_name()
        if name is None:
            return False  # the first search builds it
        try:
            ix = self.folder.open(name)
        except Exception:  # noqa: BLE001 - damaged: the next search rebuilds it
            return False
        self._install(name, ix)
        if in_step(read_state(self.store), name, ix, self._gen_at_attach):
            self._known_gen = self._gen_at_attach
        return True

    def _merge_small(self) -> None:
        """Fold small segments together once there are many, off the save path (searches keep answering)."""
        with self._lock:
            ix = self._ix
            if ix is None or len(ix._segments()) <= MERGE_AT:
                return
        try:
            writer = unmapped(ix).writer(timeout=0.0)
        except LockError:
            return
        self._merge_done.clear()
        try:
            writer.commit(mergetype=merge_all_but_largest)
        except BaseException:
            writer.cancel()
            raise
        finally:
            self._merge_done.set()
        with self._lock:
            if self._ix is ix:
                self._searcher_reset()
                if read_state(self.store).get("generation") == str(self._known_gen):
                    write_state(self.store, self._name, ix, self._known_gen)
