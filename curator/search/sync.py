"""Keeping the index in step with SQLite: the listener, the writer thread, queued and locked-out writes.

Committing a saved case study to Whoosh takes 50-100 ms, so neither the save nor the next search waits for
it: the listener queues the ids and wakes one writer thread, which takes them as a *batch* and commits it
outside the service lock. Until it has, a search answers from the committed index plus the batch analysed
in memory (``pending``), exactly as it will once the commit lands. Anything unusual (everything changed,
another process wrote the index or left ids in ``search_pending``, the same record twice in flight, many
records, a query shape the array search does not handle) makes the search wait for the writer instead, and
``close()`` writes whatever is left, so a search never misses a saved change.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
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
WRITE_DELAY = 0.25  # the writer thread commits once no save has arrived for this long...
WRITE_MAX_DELAY = 1.0  # ...or this long after the first one
VIEW_MAX = 50  # saved records a search analyses in memory rather than wait for their commit
LOCKED_NOTICE = ("another Curator window is updating the search index; your change is saved and will appear "
                 "in search within moments")


@dataclass(eq=False)
class Batch:
    """Ids the writer thread commits together (one new segment), in the order it adds them."""

    ids: list[str]
    generation: int  # the SQLite generation these saves bring the index to
    writing: bool = False


class IndexSync:
    """Mixed into ``SearchService``; uses its lock, store, open index and ``_repair``."""

    _lock: threading.RLock
    _ix: Any
    _cache: Any  # index.SegmentCache: which documents a change replaces
    _get_searcher: Any
    _searcher: Any
    _view: Any
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
        self._batches: list[Batch] = []  # claimed, not yet committed (the first may be being written)
        self._written = threading.Condition(self._lock)  # notified when a batch is committed (or given up)
        self._base_gen: int | None = None  # the Whoosh generation the batches in flight build on

    def _write(self, ids: list[str], wait: float, merge: bool = True) -> bool:
        """Index these ids; False (and a notice) if another process holds the writer lock."""
        if self._ix is None:  # closed or being reopened: the ids wait in search_pending for the next search
            return False
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
            # commit once saves pause (WRITE_DELAY, at most WRITE_MAX_DELAY): the search that usually follows a
            # save then has the cores to itself, answering from memory (``pending``) meanwhile
            started = time.monotonic()
            while not self._stopping and time.monotonic() - started < WRITE_MAX_DELAY:
                self._wake.clear()
                if not self._wake.wait(WRITE_DELAY):
                    break
            if self._stopping:
                return
            try:
                self._write_batches()
                # merge only once saves pause, so a save followed by a search never waits for a merge
                if not self._wake.wait(MERGE_IDLE) and not self._stopping:
                    self._merge_small()
            except Exception:  # noqa: BLE001 - never kill the writer thread; the next search repairs
                log.warning("search index update failed", exc_info=True)

    # -- batches: committed outside the service lock --------------------------------------------------------
    def _claim(self) -> None:
        """(Service lock held.) Queued ids become the next batch; an "everything changed" stays queued."""
        with self._pending_lock:
            if self._pending_all or not self._pending:
                return
            ids = sorted(self._pending)
            self._pending = set()
        if not self._batches:
            self._base_gen = self._ix.latest_generation() if self._ix is not None else None
        self._batches.append(Batch(ids, self.store.generation))

    def _write_batches(self) -> None:
        """The writer thread: commit batches in order, each outside the service lock, so searches go on."""
        while not self._stopping:
            with self._lock:
                if self._ix is None or self._pending_all:
                    self._apply_pending()  # opening or "everything changed": under the lock, as a search would
                    return
                self._claim()
                if not self._batches or self._batches[0].writing:
                    return
                batch = self._batches[0]
                before = self._begin(batch)
            ok = self._write_batch(batch)
            with self._lock:
                self._finish(batch, ok, before)

    def _write_batch(self, batch: Batch) -> bool:
        """Commit one batch; a failure (disk, a damaged segment) is logged and its ids wait in search_pending,
        where the next search retries them (and repairs the index if it has to)."""
        try:
            return self._write(batch.ids, index_mod.WRITER_WAIT, merge=False)
        except Exception:  # noqa: BLE001 - saved in SQLite already: never lose the queue or raise from close()
            log.warning("search index: could not write %d saved records; will retry", len(batch.ids),
                        exc_info=True)
            return False

    def _drain(self) -> None:
        """(Service lock held.) Return once no batch is in flight: wait for the one being written, write the
        rest here. Anything that writes or swaps the index under the lock calls this first."""
        while self._batches:
            batch = self._batches[0]
            if batch.writing:
                self._written.wait(1.0)  # releases the lock, so the writer thread can finish
                continue
            before = self._begin(batch)
            self._finish(batch, self._write_batch(batch), before)

    def _begin(self, batch: Batch) -> str | None:
        """(Service lock held.) Mark the first batch as being written; the SQLite generation the index state
        says before it. Read before marking: a failure here leaves the batch for the next writer, never
        marked as being written by nobody."""
        before = read_state(self.store).get("generation")
        batch.writing = True
        self._locked_until = 0.0  # a save always tries (and waits a little) for the lock
        return before

    def _finish(self, batch: Batch, ok: bool, before: str | None) -> None:
        """(Service lock held.) A batch is committed (``ok``) or queued in SQLite for a later search."""
        if batch in self._batches:
            self._batches.remove(batch)
        self._view = None  # the searcher's answer from memory (``service.PendingView``) is out of date
        if not ok:
            with self.store.transaction() as conn:
                conn.executemany("INSERT OR IGNORE INTO search_pending(case_id) VALUES (?)",
                                 [(i,) for i in batch.ids])
        else:
            searching = self._searcher is not None  # a process that only saves does not open a searcher
            self._searcher_reset()
            if self._known_gen is not None and before == str(self._known_gen) and self._ix is not None:
                write_state(self.store, self._name, self._ix, batch.generation)
                self._known_gen = batch.generation
            if searching and not self._stopping and self._ix is not None:
                try:  # open the next searcher here, off the next search's path (3-4 ms with its new segment)
                    self._get_searcher()
                except Exception:  # noqa: BLE001 - the next search reopens (and if need be repairs) the index
                    self._searcher_reset()
        if self._batches and self._ix is not None:
            self._base_gen = self._ix.latest_generation()
        self._written.notify_all()

    def _apply_pending(self) -> None:
        """(Service lock held.) Write everything queued now: batches in flight, then what is still queued."""
        self._drain()
        with self._pending_lock:
            if not self._pending and not self._pending_all:
                return
            everything = self._pending_all
            if everything:
                self._pending, self._pending_all = set(), False
        if self._ix is None and not self._open_for_writing():
            with self._pending_lock:
                self._pending = set()  # no index yet: the first search builds it from SQLite
            return
        if everything:
            self._repair()
            return
        self._claim()
        self._drain()

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
