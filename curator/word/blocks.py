"""Building blocks for documents Curator writes: paragraphs, runs, tables, links and fields, fast and accessible.

python-docx resolves a style name by scanning every style on each paragraph and inserts each block after a scan
of the body, so a 200-case guide spent most of its time there. These helpers resolve each style id once per
document and build the few elements a guide needs directly (the XML python-docx would write). Tables get a
header row marked to repeat (PDF TH cells) and rows that never split; styles a user's template lacks are copied
in from python-docx's default template, list numbering included, so headings and lists stay real.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import docx
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor


def insert_before(parent: Any, child: Any, successors: tuple[str, ...]) -> None:
    """Insert ``child`` before the first of ``successors`` present (schema order), else append it."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def mark_header_row(table: Any) -> None:
    """First row repeats on each page and is a header for screen readers (PDF TH cells)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)


def is_header_row(row: Any) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def data_table(document: Any, headers: list[str], rows: list[list[str]], style: str = "Table Grid",
               container: Any = None, size: float | None = None, widths: list[float] | None = None) -> Any:
    """A table with a marked header row; cells hold plain text (never Markdown)."""
    table = new_table(document, container or document, 1 + len(rows), len(headers))
    table._tbl.tblPr.style = style_id(document, style)
    cells = first_paragraphs(table)
    width = len(headers)
    for i, text in enumerate(headers):
        add_run(cells[i], text, bold=True, size=size)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            if text:
                add_run(cells[r * width + c], text, size=size)
    mark_header_row(table)
    for tr in table._tbl.iterchildren(qn("w:tr")):
        tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))  # before tblHeader (schema order); rows stay whole
    if widths:
        set_widths(table, widths)
    return table


def first_paragraphs(table: Any) -> list[Any]:
    """The first paragraph of every cell, row by row, of a table without merged cells: python-docx's
    ``table._cells`` works out spans for every cell, which was a fifth of a 200-case guide's time."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(tc.find(W_P), table) for tr in table._tbl.iterchildren(qn("w:tr"))
            for tc in tr.iterchildren(qn("w:tc"))]


def set_widths(table: Any, widths_cm: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice both honour gridCol + tcW with a fixed layout)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.iterchildren(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(width * 567)))
    for tr in table._tbl.iterchildren(qn("w:tr")):
        for tc, width in zip(tr.iterchildren(qn("w:tc")), widths_cm, strict=False):
            tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(int(width * 567)))
            tc.tcPr.tcW.set(qn("w:type"), "dxa")


def new_table(document: Any, container: Any, rows: int, cols: int) -> Any:
    """``add_table`` without python-docx's per-call scan of every section for the page width."""
    from docx.oxml.table import CT_Tbl
    from docx.table import Table

    cache = document.__dict__.setdefault("_curator_block_width", {})
    if "width" not in cache:
        section = document.sections[-1]
        cache["width"] = section.page_width - section.left_margin - section.right_margin
    tbl = CT_Tbl.new_tbl(rows, cols, cache["width"])
    _append_block(document, container, tbl)
    return Table(tbl, container)


def add_hyperlink(paragraph: Any, text: str, url: str) -> Any:
    """A real link (w:hyperlink + external relationship) in the Hyperlink style: blue and underlined."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rstyle = OxmlElement("w:rStyle")  # LibreOffice makes a PDF link only of runs in the Hyperlink style
    rstyle.set(qn("w:val"), hyperlink_style(paragraph.part.document))
    rpr.append(rstyle)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "005EB8")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(color)
    rpr.append(underline)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = xml_safe(text)
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    return link


def hyperlink_style(document: Any) -> str:
    """The id of the 'Hyperlink' character style, added (NHS Blue, underlined) when the document lacks it."""
    cache = document.__dict__.setdefault("_curator_style_ids", {})
    if "Hyperlink" not in cache:
        from docx.enum.style import WD_STYLE_TYPE

        try:
            found = document.styles["Hyperlink"]
        except KeyError:
            found = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            found.font.color.rgb = RGBColor(0x00, 0x5E, 0xB8)
            found.font.underline = True
            found.unhide_when_used = True
        cache["Hyperlink"] = found.style_id
    return cache["Hyperlink"]


def add_field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, NUMPAGES, TOC …) marked dirty so Word updates it when the file opens."""
    def fld(kind: str) -> Any:
        run = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            char.set(qn("w:dirty"), "true")
        run.append(char)
        return run

    paragraph._p.append(fld("begin"))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    paragraph._p.append(run)
    paragraph._p.append(fld("separate"))
    paragraph.add_run(placeholder)
    paragraph._p.append(fld("end"))


def page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# -- styles a user's template may lack ---------------------------------------------------------------------
_DEFAULT_DOC: Any = None


def _default_document() -> Any:
    global _DEFAULT_DOC
    if _DEFAULT_DOC is None:
        _DEFAULT_DOC = docx.Document()
    return _DEFAULT_DOC


def style(document: Any, name: str) -> Any:
    """The named style; one missing from a user's template (Word saves only styles in use) is copied in from
    python-docx's default template, list numbering included, so headings and lists stay real."""
    try:
        return document.styles[name]
    except KeyError:
        pass
    source = _default_document().styles[name]
    if source.base_style is not None and source.base_style.name != "Normal":
        style(document, source.base_style.name)
    element = copy.deepcopy(source.element)
    num_id = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is not None:
        num_id.set(qn("w:val"), str(_copy_numbering(document, int(num_id.get(qn("w:val"))))))
    document.styles.element.append(element)
    return document.styles[name]


def style_name(document: Any, name: str) -> str:
    return style(document, name).name


def _copy_numbering(document: Any, num_id: int) -> int:
    """Copy one list definition (w:num + its w:abstractNum) from the default template under fresh ids."""
    source = _default_document().part.numbering_part.element
    target = document.part.numbering_part.element
    num = next(n for n in source.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in source.iterchildren(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    used_abstract = [int(a.get(qn("w:abstractNumId"))) for a in target.iterchildren(qn("w:abstractNum"))]
    used_num = [int(n.get(qn("w:numId"))) for n in target.iterchildren(qn("w:num"))]
    new_abstract = copy.deepcopy(abstract)
    new_abstract.set(qn("w:abstractNumId"), str(max(used_abstract, default=0) + 1))
    for nsid in new_abstract.iterchildren(qn("w:nsid")):
        new_abstract.remove(nsid)
    new_num = copy.deepcopy(num)
    new_num.set(qn("w:numId"), str(max(used_num, default=0) + 1))
    new_num.find(qn("w:abstractNumId")).set(qn("w:val"), new_abstract.get(qn("w:abstractNumId")))
    first_num = next(target.iterchildren(qn("w:num")), None)
    if first_num is not None:
        first_num.addprevious(new_abstract)  # abstractNum elements must come before every num
    else:
        target.append(new_abstract)
    target.append(new_num)
    return int(new_num.get(qn("w:numId")))


# -- fast writing ------------------------------------------------------------------------------------------
W_P, W_R, W_T, W_PPR, W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr"), qn("w:rPr")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
_RTL = re.compile(f"[{_RTL_CHARS}]")
_RTL_SPAN = re.compile(f"([{_RTL_CHARS}](?:[\\s\\d.,،؛؟!-]*[{_RTL_CHARS}])*)")


def style_id(document: Any, name: str) -> str:
    cache = document.__dict__.setdefault("_curator_style_ids", {})
    if name not in cache:
        cache[name] = style(document, name).style_id
    return cache[name]


def add_para(document: Any, container: Any, style_name: str = "Normal", text: str = "") -> Any:
    """Append a paragraph in ``style_name`` to a Document or table cell; returns a python-docx Paragraph."""
    from docx.text.paragraph import Paragraph

    p = OxmlElement("w:p")
    if style_name != "Normal":
        ppr = OxmlElement("w:pPr")
        pstyle = OxmlElement("w:pStyle")
        pstyle.set(qn("w:val"), style_id(document, style_name))
        ppr.append(pstyle)
        p.append(ppr)
    _append_block(document, container, p)
    paragraph = Paragraph(p, container)
    if text:
        add_run(paragraph, text)
    return paragraph


def _append_block(document: Any, container: Any, element: Any) -> None:
    """Append at the end of the body (before its closing sectPr: no scan of the body) or of a table cell."""
    if container is not document:
        container._tc.append(element)
        return
    body = document.element.body
    try:
        last = body[-1]  # lxml finds the last child without counting them all
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)


def xml_safe(text: str) -> str:
    """Text XML can hold: Word's vertical tab and form feed (pasted line and page breaks) become line breaks, other
    control characters (which XML 1.0 cannot carry at all) are dropped rather than failing the whole export."""
    if not _ILLEGAL.search(text):
        return text
    return _ILLEGAL.sub(lambda m: "\n" if m.group(0) in "\x0b\x0c" else "", text)


def is_rtl(text: str) -> bool:
    """True if the text holds right-to-left script (Urdu, Arabic, Hebrew …): its run then carries w:rtl."""
    return bool(_RTL.search(text))


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            color: RGBColor | None = None) -> None:
    """A run with plain text; tabs and line breaks go through python-docx, which writes w:tab and w:br.
    Right-to-left stretches get runs of their own marked w:rtl, so Welsh or English around them stays LTR."""
    text = xml_safe(text)
    rtl = is_rtl(text)
    if rtl and not _RTL_SPAN.fullmatch(text.strip()):
        for piece in _RTL_SPAN.split(text):
            if piece:
                add_run(paragraph, piece, bold=bold, italic=italic, size=size, color=color)
        return
    if any(c in text for c in "\t\n\r"):
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        run.font.rtl = rtl or None
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        return
    r = OxmlElement("w:r")
    if bold or italic or size or color is not None or rtl:
        rpr = OxmlElement("w:rPr")  # children in schema order: b, i, color, sz, rtl
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        if color is not None:
            c = OxmlElement("w:color")
            c.set(qn("w:val"), str(color))
            rpr.append(c)
        if size:
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size * 2)))
            rpr.append(sz)
        if rtl:
            rpr.append(OxmlElement("w:rtl"))
        r.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")
    r.append(t)
    paragraph._p.append(r)


# -- cross-references --------------------------------------------------------------------------------------
_BOOKMARK = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(key: str) -> str:
    """A Word bookmark name (a letter first, letters, digits and _ only, at most 40 characters)."""
    return ("cs_" + _BOOKMARK.sub("_", key))[:40]


def add_bookmark(document: Any, paragraph: Any, name: str) -> None:
    """Wrap the paragraph's content in a bookmark, the target of PAGEREF fields and PDF links."""
    counter = document.__dict__.setdefault("_curator_bookmarks", [0])
    counter[0] += 1
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(counter[0]))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(counter[0]))
    ppr = paragraph._p.find(W_PPR)
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def add_page_ref(paragraph: Any, bookmark: str, placeholder: str = "?") -> None:
    """The page a bookmark is on, as a PAGEREF field (a link too: \\h), updated by Word on open and by
    LibreOffice when it lays the document out."""
    add_field(paragraph, f"PAGEREF {bookmark} \\h", placeholder)


def shade(cell: Any, fill: str) -> None:
    """Cell background (hex, no #) of a python-docx cell or a bare w:tc, in schema order."""
    tc_pr = getattr(cell, "_tc", cell).get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    insert_before(tc_pr, shd, ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"))
