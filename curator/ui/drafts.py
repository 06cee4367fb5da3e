"""Editor drafts kept on disk while someone types, so a crash or power cut loses nothing.

Each open editor writes ``LIBRARY/drafts/<key>.json`` (atomically) a moment after each change: the record id
(or none for a new one), the fields as typed, and when. A save or an explicit discard deletes it; whatever is
left at the next start is offered back.

The file name is never built from user data: a key is ``draft-`` and random hex made here (the record id is
kept inside the file), and any other key is refused, so a crafted id cannot write or delete a file elsewhere.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..history import now_iso
from ..library import Library, write_text_atomic


@dataclass
class Draft:
    key: str
    case_id: str | None
    fields: dict[str, Any]
    saved_at: str
    path: Path


_KEY = re.compile(r"(?:draft|new)-[0-9a-f]{10,32}")


class Drafts:
    def __init__(self, library: Library) -> None:
        self.folder = library.folder / "drafts"

    def new_key(self, case_id: str | None = None) -> str:
        """A fresh key for one editor; never derived from the record id (that is user data)."""
        return f"draft-{uuid.uuid4().hex[:16]}"

    def path(self, key: str) -> Path:
        """The draft file of ``key``; a key this class did not make is refused."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"not a draft key: {key!r}")
        return self.folder / f"{key}.json"

    def save(self, key: str, case_id: str | None, fields: dict[str, Any]) -> None:
        path = self.path(key)
        self.folder.mkdir(exist_ok=True)
        data = {"case_id": case_id, "saved_at": now_iso(), "fields": fields}
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))

    def discard(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def pending(self) -> list[Draft]:
        """Drafts left by an editor that never saved or discarded (unreadable files are skipped, not deleted)."""
        out = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            if not _KEY.fullmatch(path.stem):
                continue  # not a file this class wrote
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                out.append(Draft(path.stem, data.get("case_id"), dict(data["fields"]), data.get("saved_at", ""),
                                 path))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return out
