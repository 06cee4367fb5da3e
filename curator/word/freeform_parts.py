"""The parts of a free-form Word file outside the body's flow: pictures, headers and footers, footnotes and
endnotes, comments. Each is reported in the import notes; only pictures and footnotes are imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from .reading import paragraph_text

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def excerpt(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def xml_part(parts: dict[str, bytes], name: str | None) -> Any:
    """An already checked part (docx_safety), parsed with entities off; None when absent."""
    return etree.fromstring(parts[name], _PARSER) if name and name in parts else None


_xml = xml_part


def related_parts(document: Any) -> dict[str, list[str]]:
    """Relationship kind ("styles", "footnotes", "header" …) → part names, found from the main part's own
    relationships (the main part is not always word/document.xml, nor its neighbours word/styles.xml)."""
    out: dict[str, list[str]] = {}
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        try:
            name = str(rel.target_part.partname).lstrip("/")
        except (KeyError, ValueError, AttributeError):
            continue
        out.setdefault(rel.reltype.rsplit("/", 1)[-1], []).append(name)
    for names in out.values():
        names.sort()
    return out


def body_pictures(document: Any) -> tuple[list[tuple[str, bytes]], list[dict[str, Any]]]:
    """Pictures in the body (text boxes and tables included) as attachments, with their alt text noted."""
    attachments: list[tuple[str, bytes]] = []
    notes: list[dict[str, Any]] = []
    seen = set()
    for blip in document.element.body.iter(A_BLIP):
        rid = blip.get(R_EMBED)
        rel = document.part.rels.get(rid) if rid else None
        if rel is None or rel.is_external or rid in seen:
            continue
        seen.add(rid)
        part = rel.target_part
        name = Path(str(part.partname)).name
        alt = ""
        for ancestor in blip.iterancestors(f"{WP}inline", f"{WP}anchor"):
            doc_pr = ancestor.find(f"{WP}docPr")
            alt = (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
            break
        attachments.append((name, part.blob))
        notes.append({"kind": "picture", "name": name, "alt": alt, "field": "attachments"})
    return attachments, notes


def page_furniture(parts: dict[str, bytes], related: dict[str, list[str]]) -> list[dict[str, Any]]:
    notes = []
    for kind in ("header", "footer"):
        for name in related.get(kind, []):
            root = _xml(parts, name)
            if root is None:
                continue
            text = " ".join(t for t in (paragraph_text(p) for p in root.iter(qn("w:p"))) if t.strip())
            if text.strip():
                notes.append({"kind": kind, "text": excerpt(text), "field": None,
                              "action": "reported, not imported (page furniture)"})
    return notes


def footnotes(parts: dict[str, bytes], related: dict[str, list[str]]) -> tuple[list[dict[str, Any]], list[str]]:
    """(notes, body lines "[id] text") for footnotes and endnotes ("[n1] …" for endnotes)."""
    notes, lines = [], []
    for kind, tag, prefix in (("footnotes", "w:footnote", ""), ("endnotes", "w:endnote", "n")):
        root = _xml(parts, (related.get(kind) or [None])[0])
        for note in root.iter(qn(tag)) if root is not None else ():
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = " ".join(t for t in (paragraph_text(p).strip() for p in note.iter(qn("w:p"))) if t)
            if text:
                lines.append(f"[{prefix}{note.get(qn('w:id'))}] {text}")
                notes.append({"kind": "endnote" if prefix else "footnote", "text": excerpt(text), "field": "body"})
    return notes, lines


def comments(parts: dict[str, bytes], related: dict[str, list[str]]) -> list[dict[str, Any]]:
    root = _xml(parts, (related.get("comments") or [None])[0])
    out = []
    for comment in root.iter(qn("w:comment")) if root is not None else ():
        text = " ".join(paragraph_text(p) for p in comment.iter(qn("w:p"))).strip()
        out.append({"kind": "comment", "author": comment.get(qn("w:author"), ""), "text": excerpt(text),
                    "field": None, "action": "reported, not imported"})
    return out
