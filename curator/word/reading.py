"""Reading text out of WordprocessingML as Word shows it, including what python-docx leaves out.

``paragraph.text`` in python-docx skips tracked insertions and content controls inside a paragraph; this reads
every visible run (w:t, tabs, breaks, inserted text, fields' results, hyperlinks, footnote marks) and leaves
out deleted text and text boxes, which the importer reports separately.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_DEL, W_TXBX, W_INSTR = qn("w:del"), qn("w:txbxContent"), qn("w:instrText")
W_FOOTREF, W_ENDREF = qn("w:footnoteReference"), qn("w:endnoteReference")
W_NOBREAK, W_SOFTHYPHEN, W_SYM = qn("w:noBreakHyphen"), qn("w:softHyphen"), qn("w:sym")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SKIP = {W_DEL, W_TXBX, MC_FALLBACK, qn("w:pPr"), qn("w:rPr"), W_INSTR, qn("w:delText"), qn("w:moveFrom")}


def paragraph_text(p: Any) -> str:
    """The text of one w:p element as the reader sees it (tracked insertions included, deletions not)."""
    out: list[str] = []
    _walk(p, out)
    return "".join(out)


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
            if child.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == W_NOBREAK:
            out.append("-")
        elif tag in (W_FOOTREF, W_ENDREF):
            out.append(f"[{'n' if tag == W_ENDREF else ''}{child.get(qn('w:id'))}]")
        elif tag == W_SOFTHYPHEN:
            continue
        else:
            _walk(child, out)


def cell_text(cell: Any) -> str:
    """A table cell's paragraphs, one per line (nested tables are read row by row)."""
    lines = []
    for child in cell._tc:
        if child.tag == qn("w:p"):
            lines.append(paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                lines.append(" | ".join("\n".join(paragraph_text(p) for p in tc.iter(qn("w:p")))
                                        for tc in tr.iter(qn("w:tc"))))
    return "\n".join(lines)


def cell_lines(cell: Any) -> list[str]:
    return [paragraph_text(p) for p in cell._tc.iter(qn("w:p"))]


def deleted_text(element: Any) -> list[str]:
    """Text of tracked deletions under ``element``, one string per w:del."""
    found = []
    for node in element.iter(W_DEL, qn("w:moveFrom")):
        text = "".join(t.text or "" for t in node.iter(qn("w:delText"), W_T))
        if text.strip():
            found.append(text)
    return found


def style_outline_levels(document: Any) -> dict[str, int]:
    """Heading level (1-9) of each paragraph style with an outline level, itself or through its basedOn chain."""
    elements = {s.style_id: s.element for s in document.styles}
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
