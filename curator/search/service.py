"""``SearchService``: search, search-as-you-type, facets, snippets, saved searches, rebuild and check.

Nothing touches Whoosh until the first search or change, so opening a library stays fast. One lock guards
the open index and its searcher: the UI's search worker and the thread saving records never share a
half-updated searcher. A rebuild works on a new folder outside the lock and only takes it to swap.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from ..errors import CuratorError
from ..history import now_iso
from ..progress import Cancelled, CancelToken, ProgressFn, no_progress
from . import schema as S
from . import warmup
from .facetcount import FACETS, FacetCounter
from .fastmatch import Matches, Unsupported, evaluate, matches_of
from .index import (
    IndexFolder,
    LockError,
    SegmentCache,
    in_step,
    live_rows,
    open_searcher,
    read_state,
    write_state,
)
from .pending import PendingSegment, PendingWords
from .postings import PostingsCache, segment_key
from .query import QueryError, compile_query, filter_query, relax
from .schema import document
from .snippets import snippet
from .suggest import suggestion
from .sync import MERGE_AT, SEARCH_WAIT, VIEW_MAX, IndexSync

log = logging.getLogger("curator.search")
MAX_LIMIT = 1000


class SearchService(IndexSync):
    """The library's full-text search (``library.extensions["search"]``)."""

    def __init__(self, library: Any) -> None:
        self.library = library
        self.store = library.store
        self.folder = IndexFolder(library.index_dir)
        self._lock = threading.RLock()
        self._ix: Any = None
        self._name: str | None = None
        self._searcher: Any = None
        self._reuse: Any = None  # the previous searcher's reader, whose unchanged segments the next one reuses
        self._packed: list[tuple | None] = []
        self._cache = SegmentCache()
        self._postings = PostingsCache()
        self._warming: threading.Event | None = None  # set: stop the warm-up (see ``warmup``)
        self._facet_counter = FacetCounter()
        self._known_gen: int | None = None
        self._gen_at_attach = self.store.generation
        self.notice: str | None = None
        self._view: PendingView | None = None  # the last answer's saves not yet committed, kept while unchanged
        self._init_sync()

    # -- opening, staleness, repair -------------------------------------------------------------------------
    def _ensure(self) -> None:
        """Open the index and bring it in step with SQLite, writing whatever is queued first."""
        self._apply_pending()
        if self._ix is None:
            self._open()
        else:
            self._check_fresh()
        self._flush_pending()

    def _open(self, progress: ProgressFn = no_progress) -> None:
        name = self.folder.current_name()
        if name is None:
            if not read_state(self.store).get("index"):  # never built (a new library, the demo): nothing was lost
                self._ix = None
                self._rebuild(progress, None, locked=True)
                return
            self._rebuild_locked(progress, None, reason="the search index was missing")
            return
        try:
            ix = self.folder.open(name)
            searcher = open_searcher(ix)
            self._packed = self._cache.load(searcher.reader(), self.folder.root / name)
        except Exception as err:  # noqa: BLE001 - any damage to a derived index means: rebuild it
            log.warning("search index %s unreadable (%s); rebuilding", name, err)
            self._rebuild_locked(progress, None, reason="the search index was damaged")
            return
        self._install(name, ix, searcher)
        generation = self.store.generation
        if not in_step(read_state(self.store), name, ix, generation):
            self._repair()
        self._known_gen = generation
        if len(list(searcher.reader().leaf_readers())) > MERGE_AT:
            self._nudge()  # many small segments left by an earlier session: fold them once idle

    def _install(self, name: str, ix: Any, searcher: Any = None) -> None:
        if self._warming is not None and ix is not self._ix:
            self._warming.set()  # another index: warm it after its first answer
            self._warming = None
        old = self._searcher
        self._name, self._ix, self._searcher = name, ix, searcher
        if old is not None and old is not searcher:
            old.close()
        self._drop_reuse()

    def _check_fresh(self) -> None:
        """Cheap per-search check for changes made by another process (or a rebuild elsewhere)."""
        generation = self.store.generation
        if generation == self._known_gen and self._searcher is not None and self._searcher.up_to_date():
            return
        state = read_state(self.store)
        if state.get("index") != self._name or self.folder.current_name() != self._name:
            self._ix = None
            self._open()
            return
        self._searcher_reset()
        if not in_step(state, self._name, self._ix, generation):
            self._repair()
        self._known_gen = generation

    def _searcher_reset(self) -> None:
        """Forget the searcher after a commit; its segment readers are reused by the next one."""
        if self._searcher is not None:
            self._drop_reuse()
            self._reuse = self._searcher.reader()
        self._searcher = None

    def _drop_reuse(self) -> None:
        if self._reuse is not None:
            self._reuse.close()
            self._reuse = None

    def _get_searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = open_searcher(self._ix, self._reuse)
            self._reuse = None
            self._packed = self._cache.load(self._searcher.reader(), self.folder.root / self._name)
            live = {leaf.segment().segment_id() for leaf, _ in self._searcher.reader().leaf_readers()
                    if leaf.segment() is not None}
            self._postings.keep_only(live)
            self._facet_counter.keep_only(live)
        return self._searcher

    def _diff(self, searcher: Any) -> dict[str, list[str]]:
        packed = self._cache.load(searcher.reader(), self.folder.root / self._name)
        indexed: dict[str, int] = {}
        extra: list[str] = []
        for docnum in searcher.reader().all_doc_ids():
            values = packed[docnum]
            if values is None:
                continue
            if values[S.ID] in indexed:
                extra.append(values[S.ID])
            indexed[values[S.ID]] = values[S.VERSION]
        missing, stale = [], []
        for row in self.store.query("SELECT id, version FROM case_studies WHERE deleted IS NULL ORDER BY id"):
            version = indexed.pop(row["id"], None)
            if version is None:
                missing.append(row["id"])
            elif version != row["version"]:
                stale.append(row["id"])
        return {"missing": missing, "stale": stale, "extra": sorted(set(extra) | set(indexed))}

    def _repair(self) -> None:
        """Bring the open index in step with SQLite by re-indexing only the records that differ."""
        generation = self.store.generation
        diff = self._diff(self._get_searcher())
        ids = diff["missing"] + diff["stale"] + diff["extra"]
        if ids:
            log.info("search index: repairing %d records", len(ids))
            if not self._write(ids, SEARCH_WAIT):
                return
            self._searcher_reset()
        write_state(self.store, self._name, self._ix, generation)
        self._known_gen = generation

    # -- answering while saves are committed ------------------------------------------------------------------
    def _pending_view(self) -> PendingView | None:
        """(Lock held.) The committed index plus the saves still being committed, when that answer is exact;
        None means: write them first (``_ensure``)."""
        with self._pending_lock:
            if self._pending_all or (not self._pending and not self._batches):
                return None
        if self._ix is None or self._known_gen is None:  # not yet checked against SQLite: _ensure does
            return None
        self._claim()
        ids = [i for batch in self._batches for i in batch.ids]
        if len(ids) > VIEW_MAX or len(set(ids)) != len(ids):  # many, or one record twice in flight
            return None
        searcher = self._get_searcher()
        if (self._base_gen is None or searcher.reader().generation() != self._base_gen
                or not searcher.up_to_date() or self.store.generation != self._batches[-1].generation
                or self.store.scalar("SELECT 1 FROM search_pending LIMIT 1")):
            return None  # another process wrote the index, changed records since, or left work in SQLite
        if self._view is None or self._view.searcher is not searcher or self._view.ids != ids:
            self._view = self._make_view(searcher, ids)
        return self._view

    def _make_view(self, searcher: Any, ids: list[str]) -> PendingView | None:
        dead: dict[Any, np.ndarray] = {}
        for leaf, _ in searcher.reader().leaf_readers():
            segment = segment_key(leaf)
            table = self._cache.docs_by_id(segment) if segment is not None else None
            if table is None:
                return None
            found = [d for case_id in ids for d in table.get(case_id, ())]
            if found:
                dead[segment] = np.array(found, dtype=np.int64)
        rows = live_rows(self.store, ids)
        docs = [document(json.loads(rows[i]["data"]), rows[i]["version"]) for i in ids
                if i in rows and not rows[i]["deleted"]]  # the order the writer adds them in
        segment = PendingSegment(searcher.schema, docs, searcher.reader().doc_count_all())
        return PendingView(searcher, ids, segment, dead, self._packed + segment.packed)

    # -- searching --------------------------------------------------------------------------------------------
    def _guarded(self, work: Any) -> dict[str, Any]:
        with self._lock:
            try:
                view = self._pending_view()
                if view is not None:
                    try:
                        return work(view)
                    except NeedsCommit:
                        pass
                self._ensure()
                return work(None)
            except (CuratorError, Cancelled):
                raise
            except LockError as err:
                raise CuratorError("another Curator process is rebuilding the search index; try again in a "
                                   "moment") from err
            except Exception as err:  # noqa: BLE001 - reopen (a merge may have removed files); if it is damaged,
                log.info("search failed on the open index (%s); reopening it", err)  # rebuild from SQLite
                self._searcher_reset()
                self._ix = None
                try:
                    self._ensure()
                    return work(None)
                except (CuratorError, Cancelled):
                    raise
                except Exception as again:  # noqa: BLE001
                    log.warning("search index damaged (%s); rebuilding it", again, exc_info=True)  # to the log file
                    self._rebuild_locked(no_progress, None, reason="the search index was damaged")
                    return work(None)

    def search(self, query: str, filters: dict[str, list[str]] | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
        limit, offset = _page(limit, offset)
        return self._guarded(lambda view: self._search(query or "", filters, limit, offset, view=view))

    def quick(self, query: str, limit: int = 20, filters: dict[str, list[str]] | None = None, offset: int = 0,
              facets: bool = False, suggest: bool = False) -> dict[str, Any]:
        """As-you-type: what ``search`` finds for the same text (the same exact total and order), a page of
        ``limit`` rows from ``offset``; facet counts and "did you mean" (only when nothing matches) when asked."""
        limit, offset = _page(limit, offset)
        return self._guarded(lambda view: self._search(query or "", filters, limit, offset, facets=facets,
                                                       suggest=suggest, view=view))

    def _filter(self, filters: dict[str, list[str]] | None) -> wq.Query | None:
        parts = []
        for key, values in (filters or {}).items():
            values = [values] if isinstance(values, str | int) else list(values or [])
            if values:
                parts.append(filter_query(key, values))
        return None if not parts else parts[0] if len(parts) == 1 else wq.And(parts)

    def _search(self, text: str, filters: Any, limit: int, offset: int, facets: bool = True,
                suggest: bool = True, view: PendingView | None = None) -> dict[str, Any]:
        searcher = self._get_searcher()
        reader = searcher.reader() if view is None else PendingWords(searcher.reader(), view.segment)
        parsed = compile_query(text, reader)
        fq = self._filter(filters)
        matcher = _combine(parsed.query, fq)
        scored = wq.AndMaybe(matcher, parsed.boost) if parsed.boost is not None else matcher
        packed = self._packed if view is None else view.packed
        try:
            matches = evaluate(searcher, scored, self._postings, *((view.segment, view.dead) if view else ()))
        except Unsupported as err:
            if view is not None:
                raise NeedsCommit from err
            log.info("search: %s; using Whoosh's collector", err)
            matches, top = self._whoosh_ranked(searcher, matcher, parsed.boost, limit, offset)
        else:
            top = matches.top(offset, limit) if parsed.query is not None else []
        if parsed.query is None:  # nothing to rank: newest first
            ordered = sorted(matches.docnums().tolist(), key=lambda d: packed[d][S.UPDATED], reverse=True)
            top = [(0.0, d) for d in ordered[offset:offset + limit]]
        total = matches.total
        counts = self._facet_counter.count(matches, packed) if facets else {}
        out = self._result(text, packed, top, total, counts, parsed.marks, parsed.notice)
        if suggest and not total and parsed.words:
            out["suggestion"] = suggestion(searcher, text, parsed.words)
        if self._warming is None:  # after the first answer, so it never delays it
            self._warming = warmup.start(self._ix, self._postings)
        return out

    @staticmethod
    def _whoosh_ranked(searcher: Any, matcher: wq.Query, boost: wq.Query | None, limit: int,
                       offset: int) -> tuple[Matches, list[tuple[float, int]]]:
        """Whoosh's own two passes (positions checked once, ranked with the word-only form)."""
        docs = list(searcher.docs_for_query(matcher))
        relaxed = relax(matcher)
        allow = set(docs) if relaxed is not matcher else None
        scored = wq.AndMaybe(relaxed, boost) if boost is not None else relaxed
        results = searcher.search(scored, limit=offset + limit, filter=allow)
        return matches_of(searcher, docs), results.top_n[offset:]

    def _result(self, text: str, packed: list[tuple | None], top: list[tuple[float, int]], total: int,
                facets: dict, marks: set[str], notice: str | None, summary_only: bool = False) -> dict[str, Any]:
        ids = [packed[d][S.ID] for _, d in top]
        records = {}
        if ids:
            marks_sql = ",".join("?" * len(ids))
            for row in self.store.query(f"SELECT id, data FROM case_studies WHERE id IN ({marks_sql})", ids):
                records[row["id"]] = json.loads(row["data"])
        hits = []
        for (score, _), case_id in zip(top, ids, strict=True):
            record = records.get(case_id)
            if record is None:
                continue
            hits.append({"id": case_id, "title": record.get("title", ""), "score": round(float(score), 4),
                         "snippet": snippet(record, marks, summary_only)})
        if not facets:
            facets = {name: {} for name in FACETS}
        notice = notice or self.notice
        self.notice = None
        return {"query": text, "total": total, "hits": hits, "facets": facets, "suggestion": None,
                "notice": notice}

    # -- rebuild and check ------------------------------------------------------------------------------------
    def rebuild(self, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> dict[str, Any]:
        """Build a fresh index from SQLite; searches keep answering from the old one until the swap."""
        return self._rebuild(progress or no_progress, cancel, locked=False)

    def _rebuild_locked(self, progress: ProgressFn, cancel: CancelToken | None, reason: str) -> None:
        self._ix = None
        self._rebuild(progress, cancel, locked=True)
        self.notice = f"{reason}, so it was rebuilt from the library"

    def _rebuild(self, progress: ProgressFn, cancel: CancelToken | None, locked: bool) -> dict[str, Any]:
        from .build import build_index

        started = time.perf_counter()
        name, ix, count = build_index(self.folder, self.store, progress, cancel)
        with self._lock:
            self._drain()  # saves being committed to the old index: finish them, the repair then sees them
            self._install(name, ix, None)
            self._repair()  # records changed while the new index was being built
            self.folder.publish(name)
            write_state(self.store, name, ix, self._known_gen or self.store.generation)
            self.folder.remove_old(keep=name)
        return {"documents": count, "seconds": round(time.perf_counter() - started, 3)}

    def check(self) -> dict[str, Any]:
        """Differences between the index and SQLite, after writing what is queued here and the ids another
        process left in ``search_pending`` (those are work still to do, not damage)."""
        with self._lock:
            self._apply_pending()
            self._ix is None and self._open()
            self._flush_pending()
            diff = self._diff(self._get_searcher())
        return {"ok": not any(diff.values()), **diff}

    # -- saved searches ---------------------------------------------------------------------------------------
    def saved_searches(self) -> list[dict[str, str]]:
        from .saved import listed  # in the order the user arranged them

        return listed(self.store)

    def save_search(self, name: str, query: str) -> dict[str, str]:
        name = " ".join((name or "").split())
        if not name:
            raise CuratorError("a saved search needs a name, e.g. search save boaters 'boaters OR \"canal\"'")
        with self._lock:
            self._ensure()
            compile_query(query, self._get_searcher().reader())  # refuse a malformed query now, not on re-run
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO saved_searches(name, query, created) VALUES (?, ?, ?) ON CONFLICT(name) DO "
                         "UPDATE SET query=excluded.query", (name, query, now_iso()))
        return {"name": name, "query": query}

    def saved_query(self, name: str) -> str:
        query = self.store.scalar("SELECT query FROM saved_searches WHERE name=?", (name,))
        if query is None:
            names = ", ".join(s["name"] for s in self.saved_searches()) or "none yet"
            raise CuratorError(f"no saved search called '{name}'; saved searches: {names}")
        return query

    def delete_saved_search(self, name: str) -> None:
        self.saved_query(name)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE name=?", (name,))

    def close(self) -> None:
        """Write queued changes, stop the writer thread, release the index."""
        self._stopping = True
        self._wake.set()
        if self._warming is not None:
            self._warming.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._lock:
            try:
                self._apply_pending()
            finally:
                self._searcher_reset()
                self._drop_reuse()
                self._ix = None
        self._stopping = False


class NeedsCommit(Exception):
    """The pending view cannot answer this query exactly: write the saves first, then answer."""


@dataclass
class PendingView:
    """Saves not yet committed, as one searcher sees them: the in-memory segment, the committed documents
    they replace (per segment key) and the packed values by global docnum, committed and pending."""

    searcher: Any
    ids: list[str]
    segment: PendingSegment
    dead: dict[Any, np.ndarray]
    packed: list[tuple | None]


def _combine(text_query: wq.Query | None, filter_q: wq.Query | None) -> wq.Query:
    parts = [q for q in (text_query, filter_q) if q is not None]
    if not parts:
        return wq.Every()
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _page(limit: Any, offset: Any) -> tuple[int, int]:
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError) as err:
        raise QueryError("limit and offset must be whole numbers") from err
    if limit < 1 or offset < 0:
        raise QueryError("limit must be at least 1 and offset at least 0")
    return min(limit, MAX_LIMIT), offset
