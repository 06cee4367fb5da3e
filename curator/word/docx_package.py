"""Make a checked .docx package readable by python-docx without losing a word, and say what was mended.

Word, LibreOffice, Word for the web and other writers produce packages python-docx refuses for reasons that have
nothing to do with the text: Strict Open XML namespaces, a main part called ``word/document2.xml``, a template
(.dotx) or macro (.docm) content type, a relationship to a thumbnail that is not in the zip, core properties
with the wrong content type or two of them, a part with no content type. Each is mended here on the in-memory
copy (the file is never changed) and reported, or refused with a message that names the format and the fix.
"""

from __future__ import annotations

import io
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from ..errors import FileRefused

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CORE_PROPS = "/metadata/core-properties"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#: Main-part content types read as a document; the name says what the file is.
MAIN_TYPES = {
    CT_MAIN: "",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a macro-enabled document (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "a macro-enabled template (.dotm)",
}
OTHER_MAIN = {
    "spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint presentation",
}

#: Strict Open XML namespace → transitional namespace (ISO/IEC 29500-4 lists them one to one).
STRICT = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties":
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties":
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships":
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"http://purl.oclc.org/ooxml/officeDocument/math": b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    b"http://purl.oclc.org/ooxml/officeDocument/sharedTypes":
        b"http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties":
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    b"http://purl.oclc.org/ooxml/officeDocument/customProperties":
        b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes":
        b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    b"http://purl.oclc.org/ooxml/officeDocument/customXml":
        b"http://schemas.openxmlformats.org/officeDocument/2006/customXml",
    b"http://purl.oclc.org/ooxml/officeDocument/bibliography":
        b"http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
    b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing":
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    b"http://purl.oclc.org/ooxml/drawingml/picture": b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    b"http://purl.oclc.org/ooxml/drawingml/chart": b"http://schemas.openxmlformats.org/drawingml/2006/chart",
    b"http://purl.oclc.org/ooxml/drawingml/diagram": b"http://schemas.openxmlformats.org/drawingml/2006/diagram",
    b"http://purl.oclc.org/ooxml/drawingml/lockedCanvas":
        b"http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas",
    b"http://purl.oclc.org/ooxml/drawingml/chartDrawing":
        b"http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
    b"http://purl.oclc.org/ooxml/schemaLibrary/main": b"http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    b"http://purl.oclc.org/ooxml/spreadsheetml/main": b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    b"http://purl.oclc.org/ooxml/presentationml/main": b"http://schemas.openxmlformats.org/presentationml/2006/main",
}
_STRICT_ORDER = sorted(STRICT, key=len, reverse=True)  # longest first: "…/relationships/x" before "…/relationships"


def is_strict(parts: dict[str, bytes]) -> bool:
    return any(b"http://purl.oclc.org/ooxml/" in content for name, content in parts.items()
               if name.endswith((".xml", ".rels")))


def to_transitional(content: bytes) -> bytes:
    """Strict namespaces and relationship types rewritten to their transitional twins (byte for byte else)."""
    if b"http://purl.oclc.org/ooxml/" not in content:
        return content
    for strict in _STRICT_ORDER:
        content = content.replace(strict, STRICT[strict])
    return content


def _xml(content: bytes) -> Any:
    return etree.fromstring(content, _PARSER)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _source_of(rels_name: str) -> str:
    folder, name = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _target(source: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def _content_types(parts: dict[str, bytes]) -> tuple[Any, dict[str, str], dict[str, str]]:
    root = _xml(parts["[Content_Types].xml"])
    defaults = {e.get("Extension", "").casefold(): e.get("ContentType", "") for e in root
                if isinstance(e.tag, str) and e.tag.endswith("Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in root
                 if isinstance(e.tag, str) and e.tag.endswith("Override")}
    return root, defaults, overrides


def content_type(part: str, defaults: dict[str, str], overrides: dict[str, str]) -> str:
    if part in overrides:
        return overrides[part]
    lowered = {k.casefold(): v for k, v in overrides.items()}
    if part.casefold() in lowered:
        return lowered[part.casefold()]
    return defaults.get(posixpath.splitext(part)[1].lstrip(".").casefold(), "")


def main_part_name(parts: dict[str, bytes]) -> str | None:
    """The main document part as ``_rels/.rels`` names it (Word for the web writes ``word/document2.xml``)."""
    rels = parts.get("_rels/.rels")
    if rels is not None:
        try:
            root = _xml(to_transitional(rels))
        except etree.XMLSyntaxError:
            root = None
        for rel in root if root is not None else ():
            if rel.get("Type") == OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                name = _target("", rel.get("Target", ""))
                if name in parts:
                    return name
    return "word/document.xml" if "word/document.xml" in parts else None


def normalise_package(path: Path, parts: dict[str, bytes]) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """(readable parts, notes on what was mended); raises ``FileRefused`` for a package that is not Word."""
    notes: list[dict[str, Any]] = []
    if is_strict(parts):
        parts = {n: to_transitional(c) if n.endswith((".xml", ".rels")) else c for n, c in parts.items()}
        notes.append({"kind": "package", "what": "strict", "field": None,
                      "action": "Strict Open XML read through its transitional namespaces"})
    if "[Content_Types].xml" not in parts:
        raise FileRefused(f"{path.name} is a zip file but not a Word document (it has no list of content types); "
                          "open it in Word and save it again as Word Document (.docx)")
    main = main_part_name(parts)
    if main is None:
        raise FileRefused(f"{path.name} is a zip file but not a Word document (no main document part); if it is "
                          "an Excel or PowerPoint file, copy the case study into the Curator submission form")
    try:
        root_tag = next(etree.iterparse(io.BytesIO(parts[main]), events=("start",), resolve_entities=False,
                                        no_network=True))[1].tag  # the root alone: no need to build the tree
    except (etree.XMLSyntaxError, StopIteration) as err:
        raise FileRefused(f"{path.name} is damaged: its main part cannot be read; open it in Word and save it "
                          "again as Word Document (.docx)") from err
    if root_tag != f"{{{W_MAIN}}}document":
        raise FileRefused(f"{path.name} is a zip file but not a Word document (its main part holds no document "
                          "body); check you picked the right file, or open it in Word and save it as .docx")
    try:
        ct_root, defaults, overrides = _content_types(parts)
    except etree.XMLSyntaxError as err:
        raise FileRefused(f"{path.name} is damaged (its list of content types cannot be read); open it in Word "
                          "and save it again as Word Document (.docx)") from err
    kind = content_type(main, defaults, overrides)
    for word, what in OTHER_MAIN.items():
        if word in kind:
            raise FileRefused(f"{path.name} is {what}, not a Word document; copy the case study into the Curator "
                              "submission form")
    described = MAIN_TYPES.get(kind)
    changed_ct = False
    if kind != CT_MAIN:
        _set_override(ct_root, main, CT_MAIN)
        changed_ct = True
        notes.append({"kind": "package", "what": "content type", "field": None,
                      "action": (f"read as a document: the file is {described}" if described
                                 else f"read as a document (its main part was labelled '{kind or 'with no type'}')")
                      + ("; macros are never run" if described and "macro" in described else "")})
    if main != "word/document.xml":
        notes.append({"kind": "package", "what": "main part", "field": None,
                      "action": f"main part read from {main} (named in _rels/.rels)"})
    # Parts with no content type at all: python-docx refuses the package for them.
    for name in list(parts):
        if name == "[Content_Types].xml" or name.endswith("/") or "/_rels/" in f"/{name}":
            continue
        if not content_type(name, defaults, overrides):
            _set_override(ct_root, name, "application/xml" if name.endswith(".xml") else "application/octet-stream")
            changed_ct = True
    if changed_ct:
        parts["[Content_Types].xml"] = etree.tostring(ct_root, xml_declaration=True, encoding="UTF-8",
                                                      standalone=True)
        _, defaults, overrides = _content_types(parts)
    for rels_name in [n for n in parts if n.endswith(".rels")]:
        mended = _mend_rels(parts, rels_name, defaults, overrides, notes)
        if mended is not None:
            parts[rels_name] = mended
    return parts, notes


def _set_override(root: Any, part: str, kind: str) -> None:
    for e in root:
        if isinstance(e.tag, str) and e.tag.endswith("Override") and e.get("PartName", "").lstrip("/") == part:
            e.set("ContentType", kind)
            return
    etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=f"/{part}", ContentType=kind)


def _mend_rels(parts: dict[str, bytes], rels_name: str, defaults: dict[str, str], overrides: dict[str, str],
               notes: list[dict[str, Any]]) -> bytes | None:
    """Drop relationships to parts that are missing, and core properties that python-docx cannot load."""
    source = _source_of(rels_name)
    try:
        root = _xml(parts[rels_name])
    except etree.XMLSyntaxError:
        del parts[rels_name]
        notes.append({"kind": "package", "what": "relationships", "field": None,
                      "action": f"{rels_name} could not be read and was ignored"})
        return None
    changed = False
    core_seen = False
    for rel in list(root):
        if not isinstance(rel.tag, str):
            continue
        if rel.get("TargetMode") == "External":
            continue
        rtype = rel.get("Type", "")
        target = _target(source, rel.get("Target", "") or "")
        missing = target not in parts
        bad_core = rtype.endswith(CORE_PROPS) and (
            core_seen or missing or content_type(target, defaults, overrides) != CT_CORE)
        if rtype.endswith(CORE_PROPS) and not bad_core:
            core_seen = True
        if missing or bad_core or not rel.get("Id"):
            root.remove(rel)
            changed = True
            what = rtype.rsplit("/", 1)[-1] or "part"
            why = "is not in the file" if missing else "is not usable"
            notes.append({"kind": "package", "what": "missing part" if missing else "ignored part",
                          "part": target, "field": None,
                          "action": f"{what} {target} {why}; the rest was read"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else None
