"""Reading text out of WordprocessingML as Word shows it, including what python-docx leaves out.

``paragraph.text`` in python-docx skips tracked insertions and content controls inside a paragraph; this reads
every visible run (w:t, tabs, breaks, inserted text, fields' results, hyperlinks, footnote marks), equations
(``m:t``, marked ``[equation: …]``) and text drawn in shapes (``a:t``, marked ``[drawing: …]``), and leaves out
deleted text and text boxes, which the importer reads separately. Tables are walked in the XML, not through
python-docx's ``table.rows``/``row.cells``: those hide rows and cells wrapped in content controls, repeat a
merged cell's text on every row it spans, and take quadratic time (and recursion) on long vertical merges.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from docx.oxml.ns import qn

from ..errors import FileRefused

W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_DEL, W_TXBX, W_INSTR = qn("w:del"), qn("w:txbxContent"), qn("w:instrText")
W_FOOTREF, W_ENDREF = qn("w:footnoteReference"), qn("w:endnoteReference")
W_NOBREAK, W_SOFTHYPHEN, W_SYM = qn("w:noBreakHyphen"), qn("w:softHyphen"), qn("w:sym")
W_P, W_TBL, W_TR, W_TC, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
W_SDTCONTENT, W_DRAWING = qn("w:sdtContent"), qn("w:drawing")
W_TYPE, W_ID = qn("w:type"), qn("w:id")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
M_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
M_OMATH, M_T = f"{M_NS}oMath", f"{M_NS}t"
A_T, A_P = f"{A_NS}t", f"{A_NS}p"
SKIP = {W_DEL, W_TXBX, MC_FALLBACK, qn("w:pPr"), qn("w:rPr"), W_INSTR, qn("w:delText"), qn("w:moveFrom")}
#: Wrappers whose children are block content (paragraphs, tables) or rows or cells as if they stood alone.
TRANSPARENT = {W_SDT, qn("w:customXml"), qn("w:smartTag"), qn("w:ins"), qn("w:moveTo")}

#: The whole read of one document must finish within this many seconds (like the zip budget for bytes).
TIME_BUDGET_S = 20.0


class Deadline:
    """A time budget checked while walking: the import ends with a message, never hangs."""

    def __init__(self, name: str, seconds: float | None = None) -> None:
        self.name = name
        self.seconds = TIME_BUDGET_S if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds
        self.ticks = 0

    def check(self) -> None:
        self.ticks += 1
        if self.ticks % 64 == 0 and time.monotonic() > self.ends:
            raise FileRefused(f"{self.name} took more than {self.seconds:.0f} seconds to read, so the import was "
                              "stopped and nothing was changed; split the document into smaller files (one case "
                              "study each) and import them one by one")


def paragraph_text(p: Any) -> str:
    """The text of one w:p element as the reader sees it (tracked insertions included, deletions not)."""
    out: list[str] = []
    _walk(p, out)
    return "".join(out)


def math_text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(M_T))


def drawing_text(element: Any) -> str:
    """Text typed in a shape or WordArt (``a:t``), paragraphs apart; text boxes are read on their own."""
    lines = []
    for p in element.iter(A_P):
        if any(a.tag in (W_TXBX, MC_FALLBACK) for a in p.iterancestors()):
            continue
        text = "".join(t.text or "" for t in p.iter(A_T))
        if text.strip():
            lines.append(text.strip())
    return " / ".join(lines)


def _walk(element: Any, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in SKIP:
            continue
        if tag == W_T:
            out.append(child.text or "")
        elif tag == W_TAB:
            out.append("\t")
        elif tag in (W_BR, W_CR):
            if child.get(W_TYPE) in (None, "textWrapping"):
                out.append("\n")
            else:
                out.append(" ")
        elif tag == W_NOBREAK:
            out.append("-")
        elif tag in (W_FOOTREF, W_ENDREF):
            out.append(f"[{'n' if tag == W_ENDREF else ''}{child.get(W_ID)}]")
        elif tag == W_SOFTHYPHEN:
            continue
        elif tag == M_OMATH:
            text = math_text(child)
            if text.strip():
                out.append(f"[equation: {text.strip()}]")
        elif tag == W_DRAWING:
            text = drawing_text(child)
            if text:
                out.append(f" [drawing: {text}] ")
        elif isinstance(tag, str):
            _walk(child, out)


def blocks(container: Any) -> Iterator[Any]:
    """The paragraphs and tables of a body, cell, text box or content control, through any wrappers."""
    for child in container:
        tag = child.tag
        if tag in (W_P, W_TBL):
            yield child
        elif tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from blocks(content)
        elif tag in TRANSPARENT:
            yield from blocks(child)


def _children(container: Any, tag: str) -> Iterator[Any]:
    """Direct ``tag`` children, also those wrapped in content controls or custom XML (rows, cells)."""
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in TRANSPARENT:
            yield from _children(child, tag)


def table_rows(tbl: Any) -> Iterator[Any]:
    return _children(tbl, W_TR)


def row_cells(tr: Any) -> Iterator[Any]:
    return _children(tr, W_TC)


def is_header_row(tr: Any) -> bool:
    tr_pr = tr.find(qn("w:trPr"))
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def text_boxes(p: Any) -> Iterator[Any]:
    """Text boxes anchored in a paragraph (the DrawingML copy; the VML fallback repeats it)."""
    for box in p.iter(W_TXBX):
        parent = box.getparent()
        while parent is not None and parent is not p and parent.tag not in (MC_FALLBACK, W_TXBX):
            parent = parent.getparent()
        if parent is p:
            yield box


def cell_lines(cell: Any) -> list[str]:
    """Every paragraph of a python-docx cell, one per line (the submission form's exact read-back)."""
    return [paragraph_text(p) for p in cell._tc.iter(W_P)]


def cell_block_lines(tc: Any, deadline: Deadline | None = None) -> list[str]:
    """A cell's text, one line per paragraph; text boxes in it and nested tables (row by row) read once each."""
    lines: list[str] = []
    for block in blocks(tc):
        if deadline is not None:
            deadline.check()
        if block.tag == W_P:
            lines.append(paragraph_text(block))
            for box in text_boxes(block):
                lines.extend(cell_block_lines(box, deadline))
        else:
            for tr in table_rows(block):
                lines.append(" | ".join(" ".join(cell_block_lines(c, deadline)).strip() for c in row_cells(tr)))
    return lines


def cell_text(tc: Any, deadline: Deadline | None = None) -> str:
    return "\n".join(cell_block_lines(getattr(tc, "_tc", tc), deadline))


def deleted_text(element: Any) -> list[str]:
    """Text of tracked deletions under ``element``, one string per w:del."""
    found = []
    for node in element.iter(W_DEL, qn("w:moveFrom")):
        text = "".join(t.text or "" for t in node.iter(qn("w:delText"), W_T))
        if text.strip():
            found.append(text)
    return found


def style_elements(styles_root: Any) -> dict[str, Any]:
    """styleId → w:style element, read from the XML (python-docx fails on a style without a type)."""
    if styles_root is None:
        return {}
    return {s.get(qn("w:styleId")): s for s in styles_root.iter(qn("w:style")) if s.get(qn("w:styleId"))}


def style_names(elements: dict[str, Any]) -> dict[str, str]:
    names = {}
    for style_id, element in elements.items():
        name = element.find(qn("w:name"))
        names[style_id] = (name.get(qn("w:val")) if name is not None else None) or style_id
    return names


def style_outline_levels(elements: dict[str, Any]) -> dict[str, int]:
    """Heading level (1-9) of each paragraph style with an outline level, itself or through its basedOn chain."""
    levels: dict[str, int] = {}
    for start, element in elements.items():
        style_id: str | None = start
        seen: set[str] = set()
        while element is not None and style_id is not None and style_id not in seen:
            seen.add(style_id)
            outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            value = outline.get(qn("w:val"), "9") if outline is not None else ""
            if value.isdigit():
                if int(value) < 9:
                    levels[start] = int(value) + 1
                break
            based = element.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
            element = elements.get(style_id) if style_id else None
    return levels


def style_numbering(elements: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """styleId → (numId, level) for paragraph styles that number their paragraphs (List Number, List Bullet)."""
    out: dict[str, tuple[str, int]] = {}
    for start, element in elements.items():
        seen: set[str] = set()
        style_id: str | None = start
        while element is not None and style_id not in seen:
            seen.add(style_id or "")
            num = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num is not None:
                num_id = num.find(qn("w:numId"))
                ilvl = num.find(qn("w:ilvl"))
                if num_id is not None:
                    level = ilvl.get(qn("w:val"), "0") if ilvl is not None else "0"
                    out[start] = (num_id.get(qn("w:val"), "0"), int(level) if level.isdigit() else 0)
                break
            based = element.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
            element = elements.get(style_id) if style_id else None
    return out


def numbering_formats(numbering_root: Any) -> dict[tuple[str, int], str]:
    """(numId, level) → number format ("bullet", "decimal", "lowerLetter" …) from numbering.xml."""
    if numbering_root is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for a in numbering_root.iter(qn("w:abstractNum")):
        levels = {}
        for lvl in a.iter(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            ilvl = lvl.get(qn("w:ilvl"), "0")
            if ilvl.isdigit():
                levels[int(ilvl)] = fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal"
        abstract[a.get(qn("w:abstractNumId"), "")] = levels
    out: dict[tuple[str, int], str] = {}
    for num in numbering_root.iter(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {})
        for level, fmt in levels.items():
            out[(num.get(qn("w:numId"), ""), level)] = fmt
    return out
