"""A full build of the index from SQLite into a new folder (rebuild, first use, a damaged index)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from ..progress import Cancelled, CancelToken, ProgressFn
from ..store import Store
from .index import IndexFolder
from .schema import document

PAGE = 500
WRITER_MB = 96  # memory the writer may use before spilling sorted runs to disk (RSS goal: ≤ 300 MB)


def build_index(folder: IndexFolder, store: Store, progress: ProgressFn,
                cancel: CancelToken | None) -> tuple[str, Any, int]:
    """Index every live record; returns (folder name, index, documents). Cancel leaves nothing behind."""
    total = store.scalar("SELECT COUNT(*) FROM case_studies WHERE deleted IS NULL") or 0
    name, ix = folder.create()
    writer = ix.writer(limitmb=WRITER_MB)
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
