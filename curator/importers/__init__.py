"""Readers that turn files into candidate records for ``Library.import_records``.

A reader never writes to the library: it returns ``ImportItem``s (raw dicts plus what it noticed) or raises
``FileRefused`` for a file it cannot read at all. Validation, duplicate checks and storage happen in one
place, the library, so every source gets the same rules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FileRefused


@dataclass
class ImportItem:
    """One candidate record read from a file."""

    source: str  # where it came from, for the report: "file.json#3", "form.docx"
    raw: Any  # the record as read, before validation
    warnings: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, content)
    notes: list[dict[str, Any]] = field(default_factory=list)  # structured report lines (e.g. heading → field)


Reader = Callable[[Path], list[ImportItem]]

#: File suffix -> "module:function". Loaded lazily so the CLI starts fast.
READERS: dict[str, str] = {
    ".json": "curator.importers.structured:read_json",
    ".jsonl": "curator.importers.structured:read_jsonl",
    ".csv": "curator.importers.structured:read_csv",
    ".docx": "curator.importers.docx:read_docx",
    ".doc": "curator.importers.docx:read_docx",
    ".docm": "curator.importers.docx:read_docx",  # macro documents and templates are read as documents;
    ".dotx": "curator.importers.docx:read_docx",  # macros are never run
    ".dotm": "curator.importers.docx:read_docx",
}


def reader_for(path: Path) -> Reader:
    spec = READERS.get(path.suffix.lower())
    if spec is None:
        kinds = ", ".join(sorted(READERS))
        raise FileRefused(f"{path.name}: Curator cannot import {path.suffix or 'files without an extension'}; "
                          f"use one of {kinds}")
    module, func = spec.split(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as err:
        raise FileRefused(f"{path.name}: importing {path.suffix} files is not available in this build") from err


def read_file(path: Path) -> list[ImportItem]:
    if not path.exists():
        raise FileRefused(f"{path}: no such file; check the path")
    if path.is_dir():
        raise FileRefused(f"{path} is a folder; name the files to import")
    return reader_for(path)(path)
