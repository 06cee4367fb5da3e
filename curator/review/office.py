"""Office files for the review: atomic saves for Word and Excel, and accessible Word building blocks (see platform-facts §5): Arial, en-GB, a title
property, built-in headings and list styles, tables with a repeating header row. Markdown is rendered simply
(headings, lists, bold); text is never altered otherwise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..errors import CuratorError

_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(?!\s)(.+?)(?<!\s)\*")
_LIST = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")


def new_document(title: str, *, landscape: bool = False) -> Any:
    doc = Document()
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
    doc.core_properties.title = title
    doc.core_properties.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    rpr.append(lang)
    heading(doc, title, 1)
    return doc


def _style_id(doc: Any, name: str) -> str:
    """Style ids looked up once per document: python-docx resolves a style name with an XPath search on every
    paragraph, which made a 90-case Word pack take seconds."""
    cache = doc.__dict__.setdefault("_curator_styles", {})
    if name not in cache:
        cache[name] = doc.styles[name].style_id
    return cache[name]


def paragraph(doc: Any, text: str = "", style: str | None = None) -> Any:
    """A paragraph in a built-in style (e.g. 'List Bullet'), text verbatim."""
    para = doc.add_paragraph(text)
    if style:
        para._p.style = _style_id(doc, style)
    return para


def heading(doc: Any, text: str, level: int) -> Any:
    return paragraph(doc, text, f"Heading {level}")


def add_table(doc: Any, headers: list[str], rows: list[list[Any]], widths_cm: list[float] | None = None) -> Any:
    """A data table whose first row repeats as a header (PDF TH cells when exported tagged)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table._tbl.tblPr.style = _style_id(doc, "Table Grid")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)
    if widths_cm:
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)  # the grid, which LibreOffice reads; Word reads the cells
            for cell in column.cells:
                cell.width = Cm(width)
    return table


def add_runs(paragraph: Any, text: str) -> None:
    """Text with **bold** and *italic* spans as such runs; everything else verbatim."""
    pos = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > pos:
            paragraph.add_run(text[pos:match.start()])
        if match.group(1) is not None:
            paragraph.add_run(match.group(1)).bold = True
        else:
            paragraph.add_run(match.group(2)).italic = True
        pos = match.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def add_markdown(doc: Any, text: str, base_level: int = 3) -> None:
    """Headings (all at ``base_level``), bullet and numbered lists, paragraphs."""
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        found_heading = re.match(r"^(#{1,6})\s+(.*)$", lines[0])
        if found_heading and len(lines) == 1:
            heading(doc, found_heading.group(2).strip(), base_level)  # never skip a level
            continue
        if all(_LIST.match(line) for line in lines):
            for line in lines:
                found = _LIST.match(line)
                add_runs(paragraph(doc, "", "List Number" if found.group(1) else "List Bullet"), found.group(2))
            continue
        add_runs(paragraph(doc), " ".join(line.strip() for line in lines))


def append_row(ws: Any, values: list[Any]) -> None:
    """Append to an openpyxl sheet keeping text as text: openpyxl would store '=…' as a formula, so a title or
    comment starting with '=' would run in Excel (spreadsheet formula injection)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def check_folder(out: Path) -> None:
    if not out.parent.is_dir():
        raise CuratorError(f"cannot write {out}: the folder {out.parent} does not exist")


def save(doc: Any, out: str | Path) -> None:
    """Save a Word document or an Excel workbook beside the target and rename it, so a crash or a file held
    open in Word or Excel never leaves half a file."""
    out = Path(out)
    check_folder(out)
    partial = out.with_name(out.name + ".partial")
    try:
        doc.save(str(partial))
        partial.replace(out)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"cannot write {out} ({err.strerror}); if it is open in Word or Excel, close it and "
                           "try again") from err
