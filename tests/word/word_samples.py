"""Word files for the tests, built here with python-docx and lxml so no binary fixture hides what is tested."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"')


def tiny_png() -> bytes:
    """A valid 2×2 PNG, built by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x00\x5e\xb8" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def text_box(document, lines: list[str]) -> None:
    """A text box as Word writes it: a DrawingML shape with a VML fallback holding the same text."""
    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    xml = (f'<w:p {NSDECL}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
           f'<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx>'
           f'</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
           f'<v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict>'
           f'</mc:Fallback></mc:AlternateContent></w:r></w:p>')
    document.element.body.append(parse_xml(xml))
    _before_sectpr(document)


def content_control(document, alias: str, text: str) -> None:
    xml = (f'<w:sdt {NSDECL}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{alias.lower()}"/></w:sdtPr>'
           f'<w:sdtContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    document.element.body.append(parse_xml(xml))
    _before_sectpr(document)


def tracked_paragraph(document, kept: str, inserted: str, deleted: str) -> None:
    xml = (f'<w:p {NSDECL}><w:r><w:t xml:space="preserve">{kept}</w:t></w:r>'
           f'<w:ins w:id="901" w:author="Reviewer" w:date="2024-01-01T00:00:00Z"><w:r><w:t>{inserted}</w:t></w:r>'
           f'</w:ins><w:del w:id="902" w:author="Reviewer" w:date="2024-01-01T00:00:00Z"><w:r>'
           f'<w:delText>{deleted}</w:delText></w:r></w:del></w:p>')
    document.element.body.append(parse_xml(xml))
    _before_sectpr(document)


def footnote(document, paragraph, text: str) -> None:
    xml = (f'<w:footnotes {NSDECL}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {NSDECL}><w:footnoteReference w:id="1"/></w:r>'))


def _before_sectpr(document) -> None:
    body = document.element.body
    sect = body.find(f"{{{W_NS}}}sectPr")
    if sect is not None:
        body.remove(sect)
        body.append(sect)


def bold_line(document, text: str) -> None:
    document.add_paragraph().add_run(text).bold = True


def free_form_case_study(path: Path) -> Path:
    """A case study as a trust might write it: varied headings, a details table, text box, header, footnote,
    comment, tracked changes, a picture, measure table and bullets."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Brookvale PCN · Case study"
    d.sections[0].footer.paragraphs[0].text = "Printed copies are uncontrolled"
    d.add_paragraph("Community pharmacy blood pressure checks in Brookvale", style="Title")
    details = d.add_table(rows=3, cols=2)
    for row, (label, value) in zip(details.rows, [("Organisation", "Brookvale Primary Care Network"),
                                                  ("Integrated Care System", "Birmingham and Solihull"),
                                                  ("Programme", "InHIP")], strict=True):
        row.cells[0].text = label
        row.cells[1].text = value
    d.add_paragraph("Clinical areas: Hypertension case-finding and lipid management; Smoking cessation")
    d.add_heading("Reasons for the project", level=1)
    intro = d.add_paragraph("Men in the most deprived fifth of the area rarely had their ")
    intro.add_run("blood pressure").bold = True
    intro.add_run(" recorded.")
    footnote(d, intro, "Practice audit, March 2023.")
    d.add_heading("Approach", level=2)
    d.add_paragraph("Pharmacists offered walk-in checks on Saturdays.")
    d.add_paragraph("Checks were free", style="List Bullet")
    d.add_paragraph("No appointment was needed", style="List Bullet")
    tracked_paragraph(d, "Readings were sent ", "the same day", "within a week")
    text_box(d, ["Key fact: 1 in 4 men had a raised reading."])
    content_control(d, "Period", "Period: 12 months from April 2023")
    bold_line(d, "Impact")
    table = d.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Measure", "Result"), ("Men checked", "1,212"),
                                       ("Referred to clinic", "287 (24%)")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    d.add_paragraph("New diagnoses: 96", style="List Bullet")
    d.add_heading("What we learned", level=1)
    d.add_paragraph("Pay community partners for their time", style="List Bullet")
    d.add_paragraph("Name one clinician for follow-up", style="List Bullet")
    d.add_heading("Who was involved", level=1)
    d.add_paragraph("Aston Brook Community Pharmacy", style="List Bullet")
    d.add_paragraph("Birmingham City Council Public Health", style="List Bullet")
    d.add_heading("Contact", level=1)
    contact = d.add_paragraph("Jane Example, Programme Lead")
    d.add_paragraph("jane.example@nhs.net")
    d.add_comment(contact.runs, text="Check Jane is happy to be named", author="Editor", initials="ED")
    d.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()), width=Pt(20))
    d.inline_shapes[-1]._inline.docPr.set("descr", "A pharmacist taking a reading")
    d.save(path)
    return path


# -- hostile and broken files ----------------------------------------------------------------------------
def zip_bomb(path: Path, inflated: int = 300 * 2**20) -> Path:
    """A .docx-shaped zip whose document.xml inflates to ``inflated`` bytes of zeros (~0.3 MB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"\x00" * 2**20
            for _ in range(inflated // 2**20):
                fh.write(block)
    return path


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                             for i in range(1, 10))
                  + b']><w:document xmlns:w="' + W_NS.encode() + b'"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r>'
                  + b"</w:p></w:body></w:document>")


def replace_part(source: Path, target: Path, name: str, content: bytes) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, content if info.filename == name else zin.read(info))
    return target
