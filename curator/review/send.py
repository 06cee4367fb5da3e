"""Sending the round out: for each reviewer a ``.curatorpack`` and/or an Excel sheet with its Word pack, written
to one folder so a person can attach them to e-mails. The window's "Send to reviewers…" and ``review send``.

Each file is made by ``packs.make_pack`` / ``sheets.make_sheet`` (and registered there), so a file written
before a Cancel is complete and can be merged when it comes back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..library import Library
from ..progress import CancelToken, ProgressFn, no_progress
from . import packs, sheets
from . import reviewers as reviewers_mod

KINDS = ("pack", "sheet")


def safe_name(name: str) -> str:
    """A reviewer's name as a file name on Windows too (no \\ / : * ? " < > |, no trailing dots)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name)
    return " ".join(cleaned.split()).strip(" .") or "reviewer"


def _free(path: Path) -> Path:
    """``path``, or ``name (2).ext`` … if it exists: never overwrite a file someone may have returned."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return candidate


def _sheet_path(folder: Path, base: str) -> Path:
    """A sheet name whose Word pack beside it is free too."""
    out = _free(folder / f"{base} scores.xlsx")
    while out.with_name(sheets.word_pack_name(out)).exists():
        out = _free(out.with_name(f"{out.stem} (2).xlsx"))
    return out


def send(library: Library, folder: str | Path, *, kinds: tuple[str, ...] = KINDS, reviewers: list[str] | None = None,
         progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> dict[str, Any]:
    """Write the files; ``{"folder", "files": [{"reviewer", "name", "cases", "pack"?, "sheet"?, "word_pack"?}],
    "skipped": [{"reviewer", "name", "reason"}]}``. Reviewers with nothing assigned are skipped, with the reason."""
    folder = Path(folder)
    kinds = tuple(k for k in KINDS if k in kinds)
    if not kinds:
        raise CuratorError("choose what to send: review packs (for reviewers with Curator), Excel sheets, or both")
    if not folder.is_dir():
        raise CuratorError(f"{folder} is not a folder; choose an existing folder to write the files to")
    panel = [reviewers_mod.get(library, ref) for ref in reviewers] if reviewers else \
        reviewers_mod.list_reviewers(library)
    if not panel:
        raise CuratorError("there are no reviewers yet; add them first (Review › Reviewers…, or 'reviewer add')")
    assigned = {r["reviewer_id"]: r["n"] for r in library.store.query(
        "SELECT a.reviewer_id, COUNT(*) AS n FROM review_assignments a JOIN case_studies c ON c.id = a.case_id "
        "WHERE c.deleted IS NULL GROUP BY a.reviewer_id")}
    files, skipped = [], []
    total = len(panel) * len(kinds)
    step = 0
    for reviewer in panel:
        if not assigned.get(reviewer.id):
            skipped.append({"reviewer": reviewer.id, "name": reviewer.name,
                            "reason": "no case studies assigned; assign reviewers first"})
            step += len(kinds)
            continue
        base = safe_name(reviewer.name)
        entry: dict[str, Any] = {"reviewer": reviewer.id, "name": reviewer.name}
        for kind in kinds:
            if cancel is not None:
                cancel.check()
            progress(step, total, f"Writing the {'review pack' if kind == 'pack' else 'Excel sheet'} for "
                                  f"{reviewer.name}…")
            if kind == "pack":
                made = packs.make_pack(library, reviewer.id, _free(folder / f"{base} review{packs.SUFFIX}"))
                entry["pack"] = made["file"]
            else:
                made = sheets.make_sheet(library, reviewer.id, _sheet_path(folder, base))
                entry["sheet"], entry["word_pack"] = made["file"], made["word_pack"]
            entry["cases"] = made["cases"]
            step += 1
        files.append(entry)
    progress(total, total, "Done")
    return {"folder": str(folder), "files": files, "skipped": skipped}
