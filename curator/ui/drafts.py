"""Editor drafts kept on disk while someone types, so a crash or power cut loses nothing.

Each open editor writes ``LIBRARY/drafts/<key>.json`` (atomically) a moment after each change: the record id
(or none for a new one), the fields as typed, and when. A save or an explicit discard deletes it; whatever is
left at the next start is offered back.
"""

from __future__ import annotations

import json
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


class Drafts:
    def __init__(self, library: Library) -> None:
        self.folder = library.folder / "drafts"

    def new_key(self, case_id: str | None) -> str:
        return case_id or f"new-{uuid.uuid4().hex[:10]}"

    def save(self, key: str, case_id: str | None, fields: dict[str, Any]) -> None:
        self.folder.mkdir(exist_ok=True)
        data = {"case_id": case_id, "saved_at": now_iso(), "fields": fields}
        write_text_atomic(self.folder / f"{key}.json", json.dumps(data, ensure_ascii=False, indent=1))

    def discard(self, key: str) -> None:
        (self.folder / f"{key}.json").unlink(missing_ok=True)

    def pending(self) -> list[Draft]:
        """Drafts left by an editor that never saved or discarded (unreadable files are skipped, not deleted)."""
        out = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                out.append(Draft(path.stem, data.get("case_id"), dict(data["fields"]), data.get("saved_at", ""),
                                 path))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return out
