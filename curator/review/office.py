"""Office files for the review: atomic saves for Word and Excel, and Word building blocks in the house style
shared with the guide and the submission form (``curator.word.house``): A4, Arial, NHS colours with contrast of
at least 4.5:1, en-GB, a title property and nothing else personal in the properties, built-in headings and list
styles, tables whose header row repeats and whose rows never split across pages. Markdown is rendered by the
guide's writer (bold, italic, lists, links; no literal asterisks or underscores); text is never altered otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.shared import Cm

from ..errors import CuratorError
from ..word import blocks, house
from ..word.markdown_docx import MarkdownWriter


def new_document(title: str, *, landscape: bool = False) -> Any:
    doc = house.new_document()
    house.set_properties(doc, title=title)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
    house.page_number_footer(section, title if len(title) < 60 else "")
    heading(doc, title, 1)
    return doc


def paragraph(doc: Any, text: str = "", style: str | None = None) -> Any:
    """A paragraph in a built-in style (e.g. 'List Bullet'), text verbatim."""
    return blocks.add_para(doc, doc, style or "Normal", text)


def heading(doc: Any, text: str, level: int) -> Any:
    return paragraph(doc, text, f"Heading {level}")


def add_table(doc: Any, headers: list[str], rows: list[list[Any]], widths_cm: list[float] | None = None) -> Any:
    """A data table whose first row repeats as a header (PDF TH cells when exported tagged); rows stay whole."""
    text_rows = [["" if value is None else str(value) for value in row] for row in rows]
    for row in text_rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells for {len(headers)} columns")
    return blocks.data_table(doc, [str(h) for h in headers], text_rows, widths=widths_cm)


def add_runs(paragraph: Any, text: str) -> None:
    """One line of Markdown as runs: **bold**, *italic* and _italic_ become formatting, never literal marks."""
    doc = paragraph.part.document
    MarkdownWriter(doc).inline_text(paragraph, text)


def add_markdown(doc: Any, text: str, base_level: int = 3) -> None:
    """Markdown as real Word formatting; its headings start at ``base_level`` and never skip one."""
    MarkdownWriter(doc).write(doc, text or "", heading_level=base_level)


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
    if out.suffix.lower() == ".docx" and hasattr(doc, "core_properties"):
        house.save_clean(doc, out)  # no thumbnail, template path or authoring application in the file
        return
    check_folder(out)
    partial = out.with_name(out.name + ".partial")
    try:
        doc.save(str(partial))
        partial.replace(out)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"cannot write {out} ({err.strerror}); if it is open in Word or Excel, close it and "
                           "try again") from err
