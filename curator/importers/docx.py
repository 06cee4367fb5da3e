"""Word (.docx) reader: a filled Curator submission form, or a free-form case study as organisations write them.

The file is checked first (``curator.word.docx_safety``): hostile or broken files are refused with a reason and
nothing else happens. A form is read field by field; anything else goes through the free-form reader, which
maps headings by their wording and reports where every heading, table, text box and comment went.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import FileRefused
from ..word.docx_safety import open_docx_noted
from . import ImportItem


def shown_name(path: Path) -> str:
    """The file name as text that can be printed and stored: a name that is not valid UTF-8 (a zip from an
    old Windows machine) keeps its readable letters, with a replacement mark for the bytes that are not."""
    name = path.name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_docx(path: Path) -> list[ImportItem]:
    shown = shown_name(path)
    try:
        return _read(path, Path(shown))
    except FileRefused as err:
        if shown != path.name:
            raise FileRefused(str(err).replace(path.name, shown)) from err
        raise


def _read(path: Path, shown: Path) -> list[ImportItem]:
    document, parts, package_notes = open_docx_noted(path)
    from ..word import submission
    from ..word.freeform import body_pictures, read_freeform

    if _is_form(document):
        raw, notes, warnings = submission.read_form(document)
        if not _has_text(raw):
            raise FileRefused(f"{shown.name} is an empty submission form; fill in at least the title and import it "
                              "again")
        attachments, picture_notes = body_pictures(document)
        return [_with_alt_text(ImportItem(shown.name, raw, warnings=warnings, notes=notes + picture_notes,
                                          attachments=attachments))]

    item = read_freeform(shown, document, parts)
    item.notes[:0] = package_notes
    item.warnings[:0] = [f"{n['action']}" for n in package_notes if n.get("what") in ("missing part", "damaged part")]
    return [_with_alt_text(item)]


def _is_form(document: Any) -> bool:
    """A Curator submission form (its keyword, or two question/answer tables), read from the XML so that odd
    core properties or a merged first row (python-docx fails on both) cannot stop a free-form import."""
    from docx.oxml.ns import qn

    from ..word.reading import W_P, paragraph_text, row_cells, table_rows
    from ..word.submission import FORM_KEYWORD, QA_HEADERS

    try:
        if FORM_KEYWORD in (document.core_properties.keywords or ""):
            return True
    except (KeyError, ValueError, TypeError, AttributeError):
        pass
    found = 0
    for tbl in document.element.body.iter(qn("w:tbl")):
        first = next(table_rows(tbl), None)
        if first is None:
            continue
        header = tuple(" ".join("\n".join(paragraph_text(p) for p in tc.iter(W_P)).split())
                       for tc in row_cells(first))
        found += header[:2] == QA_HEADERS
        if found >= 2:
            return True
    return False


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
