"""A full build of the index from SQLite into a new folder (rebuild, first use, a damaged index)."""

from __future__ import annotations

import contextlib
import json
import pickle
from typing import Any

from whoosh.writing import PostingPool

from ..progress import Cancelled, CancelToken, ProgressFn
from ..store import Store
from .index import IndexFolder
from .schema import document

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


def build_index(folder: IndexFolder, store: Store, progress: ProgressFn,
                cancel: CancelToken | None) -> tuple[str, Any, int]:
    """Index every live record; returns (folder name, index, documents). Cancel leaves nothing behind."""
    total = store.scalar("SELECT COUNT(*) FROM case_studies WHERE deleted IS NULL") or 0
    name, ix = folder.create()
    writer = tuned_writer(ix)
    done = 0
    try:
        last = ""
        while True:
            rows = store.query("SELECT id, version, data FROM case_studies WHERE deleted IS NULL AND id > ? "
                               "ORDER BY id LIMIT ?", (last, PAGE))
            if not rows:
                break
            for row in rows:
                writer.add_document(**document(json.loads(row["data"]), row["version"]))
            done += len(rows)
            last = rows[-1]["id"]
            progress(done, total, "Indexing case studies for search")
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
        progress(done, total, "Saving the search index")
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        ix.close()
        folder.discard(name)
        raise
    return name, ix, done
