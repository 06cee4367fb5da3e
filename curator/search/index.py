"""The index on disk, its bookkeeping in SQLite, and writing records into it.

Layout: ``index/CURRENT`` names the live sub-folder (``ix-…``). A rebuild writes a new sub-folder while
searches keep reading the old one, then swaps the name in one atomic rename; no folder is ever renamed
while open, which Windows would refuse. SQLite's ``search_state`` says which sub-folder, Whoosh generation
and SQLite generation the index reflects, so a missing, replaced or stale index is seen on open.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from ..store import Store
from . import onedoc
from .schema import ID, SCHEMA_VERSION, build_schema, document
from .viewfile import install as _install_view_files

_install_view_files()  # read mapped segments in place instead of copying each sub-file into the heap
onedoc.install()  # a save's one-document segment: the same bytes, written without Whoosh's per-term bookkeeping

BULK = 200  # more records than this in one write (an import) use the bulk writer
WRITER_WAIT = 3.0  # seconds a change waits for another process's writer before it is queued
__all__ = ["IndexFolder", "SegmentCache", "LockError", "write_records", "read_state", "write_state"]


class IndexFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name if name and (self.root / name).is_dir() and windex.exists_in(str(self.root / name)) else None

    def open(self, name: str) -> windex.Index:
        return windex.open_dir(str(self.root / name))

    def create(self) -> tuple[str, windex.Index]:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"ix-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        (self.root / name).mkdir()
        return name, windex.create_in(str(self.root / name), build_schema())

    def publish(self, name: str) -> None:
        partial = self.root / "CURRENT.partial"
        partial.write_text(name, encoding="utf-8")
        os.replace(partial, self.pointer)

    def discard(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def remove_old(self, keep: str) -> None:
        """Best effort: a folder another process still has open stays until a later swap."""
        for child in self.root.glob("ix-*"):
            if child.name != keep:
                shutil.rmtree(child, ignore_errors=True)


def read_state(store: Store) -> dict[str, str]:
    return {r["key"]: r["value"] for r in store.query("SELECT key, value FROM search_state")}


def write_state(store: Store, name: str, ix: windex.Index, generation: int) -> None:
    values = {"index": name, "whoosh_generation": str(ix.latest_generation()), "generation": str(generation),
              "schema": SCHEMA_VERSION}
    with store.transaction() as conn:
        conn.executemany("INSERT INTO search_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value=excluded.value", list(values.items()))


def in_step(state: dict[str, str], name: str, ix: windex.Index, generation: int) -> bool:
    return (state.get("index") == name and state.get("schema") == SCHEMA_VERSION
            and state.get("whoosh_generation") == str(ix.latest_generation())
            and state.get("generation") == str(generation))


def live_rows(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{id: {"data", "version", "deleted"}}`` for the given ids (absent ids are simply missing)."""
    out: dict[str, dict[str, Any]] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.query(f"SELECT id, data, version, deleted FROM case_studies WHERE id IN ({marks})", chunk):
            out[row["id"]] = row
    return out


def unmapped(ix: windex.Index) -> windex.Index:
    """The same index opened without mmap, for writers.

    A writer opens a reader over every segment (to find the document a save replaces); with mmap, each
    write mapped the whole index again and the maps outlived the writer, so memory grew with every save.
    """
    storage = ix.storage
    if getattr(storage, "supports_mmap", False) and getattr(storage, "folder", None):
        return windex.FileIndex(FileStorage(storage.folder, supports_mmap=False), indexname=ix.indexname)
    return ix


def write_records(ix: windex.Index, store: Store, ids: Iterable[str], *, timeout: float = WRITER_WAIT,
                  merge: bool = True, known: SegmentCache | None = None) -> int:
    """Make the index agree with SQLite for these ids (add, replace or remove). Raises ``LockError``.

    With ``known`` (the searching side's per-segment values) the documents a change replaces are found in
    memory: Whoosh's ``update_document`` opens a reader over every segment to look the id up, 20-60 ms a
    save once saves have left a few dozen small segments. Any segment ``known`` has not read (another
    process wrote it) means Whoosh's own lookup."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    rows = live_rows(store, ids)
    if len(ids) > BULK:
        from .build import tuned_writer

        writer = tuned_writer(unmapped(ix), timeout=timeout, delay=0.05)
    else:
        writer = unmapped(ix).writer(timeout=timeout, delay=0.05)
    try:
        tables = [known.docs_by_id(segment.segment_id()) for segment in writer.segments] if known else [None]
        found_here = all(table is not None for table in tables)
        for case_id in ids:
            row = rows.get(case_id)
            alive = row is not None and not row["deleted"]
            if found_here:
                for segment, table in zip(writer.segments, tables, strict=True):
                    for docnum in table.get(case_id, ()):  # type: ignore[union-attr]
                        segment.delete_document(docnum)
                if alive:
                    writer.add_document(**document(json.loads(row["data"]), row["version"]))
            elif not alive:
                writer.delete_by_term("id", case_id)
            else:
                writer.update_document(**document(json.loads(row["data"]), row["version"]))
        writer.commit(merge=merge)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return len(ids)


def open_searcher(ix: windex.Index, previous: Any = None) -> Searcher:
    """A searcher on the index's latest state, reusing ``previous``'s readers of unchanged segments.

    Reusing matters: a fresh ``ix.searcher()`` after every save opens (and maps) every segment again, and the
    old maps linger, so memory grew with each save (to ~1 GB after 20 saves at 10,000 records). Whoosh's own
    reuse (``Searcher.refresh()``) is wrong: each reused reader keeps its old segment object and its cached
    ``deleted_docs_set``, both from before the save, so a replaced document is still counted. Here each
    reused reader gets the new segment object and its deleted-documents cache is dropped.
    """
    if not hasattr(ix, "_read_toc"):  # another Whoosh: plain searcher, no reuse
        return ix.searcher()
    toc = ix._read_toc()
    reusable: dict[str, Any] = {}
    if previous is not None:
        for leaf, _ in previous.leaf_readers():
            segment = leaf.segment()
            if segment is not None and not leaf.is_closed:
                reusable[segment.segment_id()] = leaf
    readers = []
    try:
        for segment in toc.segments:
            leaf = reusable.pop(segment.segment_id(), None)
            if leaf is not None and hasattr(leaf, "_perdoc"):
                leaf._segment = segment
                leaf._perdoc._segment = segment
                leaf._gen = toc.generation
                leaf.__dict__.pop("deleted_docs_set", None)  # a cached_property: the real refresh fault
            else:
                if leaf is not None:
                    reusable[segment.segment_id()] = leaf
                leaf = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            readers.append(leaf)
    finally:
        for leaf in reusable.values():
            leaf.close()
    if not readers:
        reader: Any = EmptyReader(toc.schema)
    elif len(readers) == 1:
        reader = readers[0]
    else:
        reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix)


def merge_all_but_largest(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold every segment but the largest into one (small saves pile up as segments)."""
    if len(segments) < 3:
        return segments
    largest = max(segments, key=lambda s: s.doc_count_all())
    for segment in segments:
        if segment is not largest:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return [largest]


class SegmentCache:
    """Per-document packed values (id, version, facets), read once per segment and reused across searchers.

    A fresh searcher after each change (never ``Searcher.refresh()``, which can keep counting a replaced
    document) costs only the new small segment's column, not the whole index. Segments never change once
    written, so each one's values are also kept beside it as one pickle (``facets-<segment>.pickle``): a
    new process reads 50,000 documents' values in one load instead of 50,000 column reads.
    """

    def __init__(self) -> None:
        self._segments: dict[Any, list[tuple]] = {}
        self._by_id: dict[Any, dict[str, list[int]]] = {}

    def docs_by_id(self, key: Any) -> dict[str, list[int]] | None:
        """``{case id: [segment docnums]}`` of one segment read before (deleted documents included: deleting
        one again is harmless); None if this cache has not read it or a document has no values."""
        found = self._by_id.get(key)
        if found is None:
            values = self._segments.get(key)
            if values is None or any(v is None for v in values):
                return None
            found = {}
            for docnum, value in enumerate(values):
                found.setdefault(value[ID], []).append(docnum)
            self._by_id[key] = found
        return found

    def load(self, reader: Any, folder: Path | None = None) -> list[tuple | None]:
        """One list indexed by global docnum (deleted documents keep their slot)."""
        out: list[tuple | None] = []
        seen = set()
        fresh = False
        for leaf, offset in reader.leaf_readers():
            key = leaf.segment().segment_id() if leaf.segment() is not None else id(leaf)
            seen.add(key)
            values = self._segments.get(key)
            if values is None:
                values = self._segments[key] = self._read(leaf, key, folder)
                fresh = True
            if len(out) != offset:
                out.extend([None] * (offset - len(out)))
            out.extend(values)
        for key in list(self._segments):
            if key not in seen:
                del self._segments[key]
                self._by_id.pop(key, None)
        if fresh and folder is not None:  # segments merged away leave their saved values behind
            for path in folder.glob("facets-*.pickle"):
                if path.stem.removeprefix("facets-") not in seen:
                    with contextlib.suppress(OSError):
                        path.unlink()
        return out

    @staticmethod
    def _read(leaf: Any, key: Any, folder: Path | None) -> list[tuple | None]:
        count = leaf.doc_count_all()
        saved = folder / f"facets-{key}.pickle" if folder is not None and isinstance(key, str) else None
        if saved is not None and saved.is_file():
            with contextlib.suppress(Exception):  # unreadable: fall back to the column
                values = pickle.loads(saved.read_bytes())
                if isinstance(values, list) and len(values) == count:
                    return values
        values = list(leaf.column_reader("facets")) if leaf.has_column("facets") and count else []
        values += [None] * (count - len(values))
        if saved is not None:
            with contextlib.suppress(OSError):
                partial = saved.with_suffix(".partial")
                partial.write_bytes(pickle.dumps(values, pickle.HIGHEST_PROTOCOL))
                os.replace(partial, saved)
        return values
