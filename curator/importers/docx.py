"""Word (.docx) reader: a filled Curator submission form, or a free-form case study as organisations write them.

The file is checked first (``curator.word.docx_safety``): hostile or broken files are refused with a reason and
nothing else happens. A form is read field by field; anything else goes through the free-form reader, which
maps headings by their wording and reports where every heading, table, text box and comment went.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import FileRefused
from ..word.docx_safety import open_docx
from . import ImportItem


def read_docx(path: Path) -> list[ImportItem]:
    document, parts = open_docx(path)
    from ..word import submission
    from ..word.freeform import body_pictures, read_freeform

    if submission.is_form(document):
        raw, notes, warnings = submission.read_form(document)
        if not _has_text(raw):
            raise FileRefused(f"{path.name} is an empty submission form; fill in at least the title and import it "
                              "again")
        attachments, picture_notes = body_pictures(document)
        return [_with_alt_text(ImportItem(path.name, raw, warnings=warnings, notes=notes + picture_notes,
                                          attachments=attachments))]

    return [_with_alt_text(read_freeform(path, document, parts))]


def _with_alt_text(item: ImportItem) -> ImportItem:
    """List each picture on the record with the alt text Word holds for it, so the guide can place it."""
    alt_by_name = {n["name"]: n.get("alt", "") for n in item.notes if n.get("kind") == "picture"}
    rows = item.raw.setdefault("attachments", []) if isinstance(item.raw, dict) else []
    listed = {r.get("sha256") for r in rows if isinstance(r, dict)}
    for name, content in item.attachments:
        digest = hashlib.sha256(content).hexdigest()
        if digest not in listed:
            listed.add(digest)
            rows.append({"name": name, "sha256": digest, **({"alt": alt_by_name[name]} if alt_by_name.get(name) else {})})
    return item


def _has_text(value: object) -> bool:
    """True if anything was typed (yes/no answers alone do not make a case study)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(_has_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_text(v) for v in value)
    return False
