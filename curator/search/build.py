"""A full build of the index from SQLite into a new folder (rebuild, first use, a damaged index), on two cores."""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import pickle
import queue as queue_mod
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.writing import PostingPool

from ..progress import Cancelled, CancelToken, ProgressFn
from ..store import Store
from .index import IndexFolder
from .schema import build_schema, document

log = logging.getLogger("curator.search")

PAGE = 500
CHUNK = 8192  # postings pickled per call when the writer spills sorted runs to disk


class ChunkedPool(PostingPool):
    """Whoosh's external sort pickles every posting separately when it spills to disk (a third of a full
    build); this writes and reads runs in chunks, which Python's pickle does far faster."""

    def _write_run(self, f, items):  # type: ignore[override]
        chunk = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):  # type: ignore[override]
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class PreloadedLengths:
    """Field lengths read once per field instead of once per posting while postings are written."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname, default)
                                                 for d in range(self._reader.doc_count_all())]
        return lengths[docnum]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def tuned_writer(ix: Any, **kwargs: Any) -> Any:
    """A writer for bulk writes: chunked spill files and preloaded field lengths (same index format)."""
    writer = ix.writer(limitmb=WRITER_MB, **kwargs)
    if type(writer.pool) is PostingPool:
        writer.pool = ChunkedPool(writer._tempstorage, writer.newsegment, limitmb=WRITER_MB)
    original = writer.per_document_reader
    writer.per_document_reader = lambda: PreloadedLengths(original())
    return writer
WRITER_MB = 96  # memory the writer may use before spilling sorted runs to disk (RSS goal: ≤ 300 MB)


PARALLEL_FROM = 2000  # libraries at least this large are built by two processes (one half each)


def build_index(folder: IndexFolder, store: Store, progress: ProgressFn,
                cancel: CancelToken | None) -> tuple[str, Any, int]:
    """Index every live record; returns (folder name, index, documents). Cancel leaves nothing behind.

    A large library is split in two by id: a second process builds the upper half into its own segment while
    this one builds the lower half, then the second segment's file is moved beside the first and both are
    listed in one new table of contents, so both cores work and nothing is indexed twice. Where a second
    process cannot start, this process builds everything.
    """
    total = store.scalar("SELECT COUNT(*) FROM case_studies WHERE deleted IS NULL") or 0
    name, ix = folder.create()
    helper = None
    try:
        upper = _split(store, total)
        if upper is not None:
            helper = _Helper.start(store.path, folder.root / f"{name}.part", upper)
        done = _build_range(ix, store, None if helper is None else upper, progress, cancel, total, helper)
        if helper is not None:
            done += helper.finish(progress, cancel, done, total)
            ix = _adopt(folder, name, ix, helper.folder)
    except BaseException:
        if helper is not None:
            helper.stop()
        ix.close()
        folder.discard(name)
        raise
    return name, ix, done


def _split(store: Store, total: int) -> str | None:
    """The first id of the upper half, when the library is large enough and a second core exists."""
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return None
    return store.scalar("SELECT id FROM case_studies WHERE deleted IS NULL ORDER BY id LIMIT 1 OFFSET ?",
                        (total // 2,))


def _build_range(ix: Any, store: Store, upper: str | None, progress: ProgressFn, cancel: CancelToken | None,
                 total: int, helper: _Helper | None = None) -> int:
    """Index records with ids below ``upper`` (all if None) into ``ix`` and commit."""
    writer = tuned_writer(ix)
    done = 0
    try:
        for rows in _pages(store, below=upper):
            for row in rows:
                writer.add_document(**document(json.loads(row["data"]), row["version"]))
            done += len(rows)
            progress(done + (helper.done() if helper else 0), total, "Indexing case studies for search")
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
        progress(done + (helper.done() if helper else 0), total, "Saving the search index")
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return done


class _Helper:
    """The second process building the upper half; it reports progress through a queue."""

    def __init__(self, process: Any, queue: Any, folder: Path) -> None:
        self.process, self.queue, self.folder = process, queue, folder
        self._done = 0
        self.result: int | None = None
        self.error: str | None = None

    @classmethod
    def start(cls, db_path: Path, folder: Path, upper: str) -> _Helper | None:
        try:
            context = multiprocessing.get_context("spawn")  # the same on Windows, macOS and Linux
            queue = context.Queue()
            process = context.Process(target=_build_upper, args=(str(db_path), str(folder), upper, queue),
                                      daemon=True, name="curator-index-build")
            process.start()
        except (OSError, RuntimeError, ValueError) as err:
            log.info("second indexing process did not start (%s); building in one process", err)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return cls(process, queue, folder)

    def _drain(self) -> None:
        while True:
            try:
                kind, value = self.queue.get_nowait()
            except queue_mod.Empty:
                return
            if kind == "progress":
                self._done = value
            elif kind == "done":
                self.result = value
            else:
                self.error = value

    def done(self) -> int:
        self._drain()
        return self._done

    def finish(self, progress: ProgressFn, cancel: CancelToken | None, mine: int, total: int) -> int:
        """Wait for the upper half (still reporting progress and honouring cancel); its document count."""
        while self.result is None and self.error is None:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            self.process.join(0.2)
            self._drain()
            if not self.process.is_alive():
                self._drain()
                if self.result is None and self.error is None:
                    self.error = f"exit code {self.process.exitcode}"
            progress(mine + self._done, total, "Indexing case studies for search")
        self.process.join(5)
        if self.error is not None:
            raise RuntimeError(f"the second indexing process failed: {self.error}")
        return self.result or 0

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(5)
        shutil.rmtree(self.folder, ignore_errors=True)


def _build_upper(db_path: str, folder: str, upper: str, queue: Any) -> None:
    """In the second process: index ids from ``upper`` on into a new index in ``folder``."""
    try:
        store = Store(Path(db_path))
        try:
            path = Path(folder)
            path.mkdir(parents=True, exist_ok=True)
            ix = windex.create_in(str(path), build_schema())
            writer = tuned_writer(ix)
            done = 0
            for rows in _pages(store, from_=upper):
                for row in rows:
                    writer.add_document(**document(json.loads(row["data"]), row["version"]))
                done += len(rows)
                queue.put(("progress", done))
            writer.commit()
            ix.close()
        finally:
            store.close()
        queue.put(("done", done))
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which fails the rebuild cleanly
        queue.put(("error", f"{type(err).__name__}: {err}"))


def _adopt(folder: IndexFolder, name: str, ix: Any, part: Path) -> Any:
    """Move the second process's segment beside the first and list both in one new table of contents."""
    from whoosh.index import TOC

    other = windex.open_dir(str(part))
    theirs = other._read_toc()
    other.close()
    mine = ix._read_toc()
    target = folder.root / name
    for segment in theirs.segments:
        for file in part.glob(f"{segment.segment_id()}.*"):
            os.replace(file, target / file.name)
    TOC(mine.schema, [*mine.segments, *theirs.segments], mine.generation + 1).write(ix.storage, ix.indexname)
    shutil.rmtree(part, ignore_errors=True)
    ix.close()
    return folder.open(name)


def _pages(store: Any, *, from_: str | None = None, below: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """The library's case studies in id order, a page at a time, optionally only ids ≥ ``from_`` or < ``below``
    (the two halves a two-process build splits at)."""
    last = ""
    clauses, bounds = ["deleted IS NULL", "id > ?"], []
    if from_ is not None:
        clauses.append("id >= ?")
        bounds.append(from_)
    if below is not None:
        clauses.append("id < ?")
        bounds.append(below)
    sql = f"SELECT id, version, data FROM case_studies WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ?"
    while True:
        rows = store.query(sql, (last, *bounds, PAGE))
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]
