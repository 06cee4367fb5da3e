"""Taking an offline review back: ``review merge FILE`` accepts a ``.curatorpack`` or a scoring sheet
(``.xlsx``), tells them apart by content, checks it whole and merges it whole, or refuses and merges nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..library import Library
from ..progress import CancelToken, ProgressFn, no_progress
from . import offline
from . import reviewers as reviewers_mod
from .packs import ReviewPack
from .sheets import read_sheet


def read_returned(path: str | Path) -> offline.Returned:
    path = Path(path)
    if not path.is_file():
        raise CuratorError(f"{path} does not exist; check the file name")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        raise offline.MergeRefused(f"{path.name} is neither a review pack nor an Excel scoring sheet (it is not a "
                                   "zip file); nothing merged") from None
    if "manifest.json" in names:
        return ReviewPack.open(path).returned()
    if "[Content_Types].xml" in names:
        return read_sheet(path)
    raise offline.MergeRefused(f"{path.name} is neither a review pack nor an Excel scoring sheet; nothing merged")


def merge(library: Library, path: str | Path) -> dict[str, Any]:
    """``{"file", "kind", "reviewer", "merged": [{"case", "outcome"}], "not_scored": [ids]}``; outcome is
    added, replaced (an earlier score by the same reviewer, kept in history), unchanged, draft or kept."""
    returned = read_returned(path)
    if returned.kind == "pack":
        from .packs import verify_keyed

        verify_keyed(library, path)  # the pack's signature under this library's own key
    return offline.merge_returned(library, returned, str(path))


def merge_files(library: Library, paths: list[str | Path], *, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None) -> dict[str, Any]:
    """Merge several returned files, each whole or not at all: ``{"merged": [merge reports, plus "name"],
    "refused": [{"file", "name", "error"}]}``. One refused file never stops the others."""
    merged, refused = [], []
    for n, path in enumerate(paths):
        if cancel is not None:
            cancel.check()
        progress(n, len(paths), f"Merging {Path(path).name}…")
        try:
            report = merge(library, path)
        except CuratorError as err:
            refused.append({"file": str(path), "name": Path(path).name, "error": str(err)})
        else:
            names = reviewers_mod.lookup(library)
            merged.append(dict(report, name=names[report["reviewer"]].name if report["reviewer"] in names else ""))
    progress(len(paths), len(paths), "Done")
    return {"merged": merged, "refused": refused}
