"""Word import keeps every word of real documents (issue 13): each test builds the shape a real document has
(python-docx plus lxml surgery on the XML or the zip) and checks where every word went and what the notes say."""

from __future__ import annotations

import os
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from word_samples import NSDECL, _before_sectpr

from curator.cli import main
from curator.errors import FileRefused
from curator.importers import read_file
from curator.word import reading
from curator.word.submission import write_form

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
DGM_NS = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _append(document, xml: str) -> None:
    document.element.body.append(parse_xml(xml))
    _before_sectpr(document)


def _rewrite(source: Path, target: Path, edit) -> Path:
    """Copy a .docx part by part; ``edit(name, bytes)`` returns new bytes, a (new name, bytes) pair, or None to
    leave the part out."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            result = edit(info.filename, zin.read(info))
            if result is None:
                continue
            name, content = result if isinstance(result, tuple) else (info.filename, result)
            zout.writestr(name, content)
    return target


def _one(path: Path):
    items = read_file(path)
    assert len(items) == 1
    return items[0]


def _imported(library, path: Path) -> dict:
    report = library.import_records(read_file(path))
    assert not report.refused, report.refused
    return library.get(report.imported[0]["id"])


def _cli_import(tmp_path: Path, path: Path, capsys) -> tuple[int, str]:
    code = main(["--library", str(tmp_path / "lib"), "--json", "import", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


# 1 -------------------------------------------------------------------------------------------------------
def test_headings_with_nothing_under_them_are_kept_and_the_notes_say_where(tmp_path):
    d = docx.Document()
    d.add_paragraph("Healthy hearts in Hull", style="Title")
    d.add_heading("Background", 1)
    d.add_heading("Our approach to outreach", 1)  # a heading followed directly by another heading
    d.add_paragraph("Nurses visited mosques.")
    d.add_heading("Outcomes", 1)  # a mapped section with nothing under it
    d.add_heading("Long paragraph " + "with many words in a heading style " * 8, 2)  # body text as a heading
    bold = d.add_paragraph().add_run("Ideas for the winter")  # a bold one-line "heading", nothing under it
    bold.bold = True
    d.add_heading("Next steps for the network", 1)  # the last heading of the document
    d.save(tmp_path / "h.docx")
    item = _one(tmp_path / "h.docx")
    body = item.raw["body"]
    for words in ("Background", "Our approach to outreach", "Outcomes", "with many words in a heading style",
                  "Ideas for the winter", "Next steps for the network"):
        assert words in body, words
    headings = {n["heading"]: n for n in item.notes if n["kind"] == "heading"}
    assert headings["Background"]["field"] == "body" and "nothing under it" in headings["Background"]["action"]
    assert headings["Outcomes"]["field"] == "body" and headings["Outcomes"]["section"] == "outcomes"
    assert headings["Next steps for the network"]["field"] == "body"
    assert headings["Our approach to outreach"]["field"] == "body"
    assert any(n["kind"] == "heading_style" for n in item.notes)


# 2 -------------------------------------------------------------------------------------------------------
def test_content_controls_around_rows_and_cells_and_text_boxes_in_cells_are_read(tmp_path):
    d = docx.Document()
    box = ('<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
           '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Boxed reminder in a cell</w:t></w:r></w:p>'
           '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
           '</mc:Choice></mc:AlternateContent>')
    _append(d, f'<w:tbl {NSDECL}><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
               '<w:sdt><w:sdtPr><w:alias w:val="Invoice row"/></w:sdtPr><w:sdtContent><w:tr>'
               '<w:tc><w:p><w:r><w:t>Cover page company name</w:t></w:r></w:p></w:tc>'
               '<w:tc><w:p><w:r><w:t>Quarterly report</w:t></w:r></w:p></w:tc></w:tr></w:sdtContent></w:sdt>'
               '<w:tr><w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>Wrapped cell words</w:t></w:r></w:p></w:tc>'
               '</w:sdtContent></w:sdt>'
               f'<w:tc><w:p><w:r>{box}</w:r></w:p></w:tc></w:tr></w:tbl>')
    d.save(tmp_path / "cover.docx")
    body = _one(tmp_path / "cover.docx").raw["body"]
    for words in ("Cover page company name", "Quarterly report", "Wrapped cell words", "Boxed reminder in a cell"):
        assert words in body


# 3 -------------------------------------------------------------------------------------------------------
def test_equations_drawing_text_and_smartart_are_kept_marked_and_noted(tmp_path):
    d = docx.Document()
    d.add_paragraph("Uptake model", style="Title")
    _append(d, f'<w:p {NSDECL} xmlns:m="{M_NS}"><w:r><w:t xml:space="preserve">The rate is </w:t></w:r>'
               '<m:oMath><m:r><m:t>r=n/N</m:t></m:r></m:oMath><w:r><w:t xml:space="preserve"> each year.</w:t>'
               '</w:r></w:p>')
    _append(d, f'<w:p {NSDECL}><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><a:p><a:r>'
               '<a:t>Arrow label text</a:t></a:r></a:p></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
               '</w:p>')
    data = (f'<dgm:dataModel xmlns:dgm="{DGM_NS}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<dgm:ptLst>' + "".join(f'<dgm:pt modelId="{i}"><dgm:t><a:p><a:r><a:t>{w}</a:t></a:r></a:p></dgm:t>'
                                    '</dgm:pt>' for i, w in enumerate(["Plan", "Do", "Review"]))
            + '</dgm:ptLst></dgm:dataModel>')
    part = Part(PackURI("/word/diagrams/data1.xml"),
                "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml", data.encode(),
                d.part.package)
    rid = d.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData")
    _append(d, f'<w:p {NSDECL}><w:r><w:drawing><wp:inline><a:graphic><a:graphicData>'
               f'<dgm:relIds xmlns:dgm="{DGM_NS}" xmlns:r="{R_NS}" r:dm="{rid}"/></a:graphicData></a:graphic>'
               '</wp:inline></w:drawing></w:r></w:p>')
    d.save(tmp_path / "math.docx")
    item = _one(tmp_path / "math.docx")
    body = item.raw["body"]
    assert "The rate is [equation: r=n/N] each year." in body
    assert "[drawing: Arrow label text]" in body
    assert "[diagram: Plan / Do / Review]" in body
    kinds = {n["kind"] for n in item.notes}
    assert {"equation", "drawing", "diagram"} <= kinds


# 4 -------------------------------------------------------------------------------------------------------
def test_runs_of_the_same_formatting_are_merged_before_markdown(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("Work ")
    for text, bold, italic in [("includin", False, True), ("g", False, True), (" outreach", False, True),
                               (" and ", False, False), ("He", True, False), ("alth", True, False), (" ", False, False),
                               ("checks", True, False), (".", False, False)]:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
    d.save(tmp_path / "runs.docx")
    body = _one(tmp_path / "runs.docx").raw["body"]
    assert body.strip() == "Work *including outreach* and **Health checks**."


# 5 -------------------------------------------------------------------------------------------------------
def test_numbered_lists_keep_numbers_and_nesting_and_nested_tables_are_read_once(tmp_path):
    d = docx.Document()
    d.add_paragraph("Steps", style="Title")
    d.add_paragraph("Recruit link workers", style="List Number")
    nested = d.add_paragraph("Train them in motivational interviewing", style="List Number")
    nested._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {NSDECL}><w:ilvl w:val="1"/><w:numId w:val="5"/>'
                                                '</w:numPr>'))
    d.add_paragraph("Book clinics", style="List Number")
    d.add_paragraph("A bullet after", style="List Bullet")
    table = d.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    for depth in range(6):
        cell.paragraphs[0].text = f"level {depth} words"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "deepest words"
    d.save(tmp_path / "lists.docx")
    body = _one(tmp_path / "lists.docx").raw["body"]
    assert "1. Recruit link workers\n    1. Train them in motivational interviewing\n1. Book clinics" in body
    assert "- A bullet after" in body
    assert body.count("deepest words") == 1 and body.count("level 3 words") == 1


# 6 -------------------------------------------------------------------------------------------------------
def test_label_lines_keep_second_values_and_values_that_do_not_parse_in_the_body(tmp_path):
    d = docx.Document()
    d.add_paragraph("Asthma in schools", style="Title")
    for line in ("Organisation: Hull Schools Trust", "Organisation: Humber Teaching NHS FT",
                 "Population: about 12,000 people", "Link: see the appendix", "Email: ask the office",
                 "Year: 2022", "Year: 2023"):
        d.add_paragraph(line)
    d.save(tmp_path / "labels.docx")
    item = _one(tmp_path / "labels.docx")
    raw, body = item.raw, item.raw["body"]
    assert raw["organisation"] == "Hull Schools Trust" and "Organisation: Humber Teaching NHS FT" in body
    assert "local_groups" not in raw and "Population: about 12,000 people" in body
    assert "source_url" not in raw and "Link: see the appendix" in body
    assert "Email: ask the office" in body and not raw.get("contact", {}).get("email")
    assert raw["year"] == 2022 and "Year: 2023" in body
    assert any("second 'Organisation:'" in w for w in item.warnings)


# 7 -------------------------------------------------------------------------------------------------------
def test_a_one_line_contact_is_split_into_name_role_email_and_phone(tmp_path):
    d = docx.Document()
    d.add_paragraph("Asthma in schools", style="Title")
    d.add_heading("Contact", 1)
    d.add_paragraph("Jo Bloggs, Asthma Nurse Lead, jo.bloggs@nhs.net, 01482 000000")
    d.save(tmp_path / "contact.docx")
    raw = _one(tmp_path / "contact.docx").raw
    assert raw["contact"] == {"name": "Jo Bloggs", "role": "Asthma Nurse Lead", "email": "jo.bloggs@nhs.net",
                              "phone": "01482 000000"}


def _simple(tmp_path: Path, name: str = "simple.docx") -> Path:
    d = docx.Document()
    d.add_paragraph("Warm homes on prescription", style="Title")
    d.add_heading("Background", 1)
    d.add_paragraph("Cold homes make chronic lung disease worse for 5,564 residents.")
    d.core_properties.title = "Warm homes"
    path = tmp_path / name
    d.save(path)
    return path


# 8 -------------------------------------------------------------------------------------------------------
def test_strict_open_xml_is_read_through_its_transitional_namespaces(tmp_path, library):
    from curator.word.docx_package import STRICT

    transitional_to_strict = sorted(((t, s) for s, t in STRICT.items()), key=lambda x: -len(x[0]))

    def to_strict(name: str, content: bytes) -> bytes:
        if name.endswith((".xml", ".rels")):
            for transitional, strict in transitional_to_strict:
                content = content.replace(transitional, strict)
        return content

    path = _rewrite(_simple(tmp_path), tmp_path / "strict.docx", to_strict)
    assert b"purl.oclc.org" in zipfile.ZipFile(path).read("word/document.xml")
    record = _imported(library, path)
    assert record["title"] == "Warm homes on prescription"
    assert "Cold homes make chronic lung disease worse" in record["body"]


# 9 -------------------------------------------------------------------------------------------------------
def test_main_part_is_found_through_the_package_relationships(tmp_path, library):
    def rename(name: str, content: bytes):
        if name == "word/document.xml":
            return "word/document2.xml", content
        if name == "word/_rels/document.xml.rels":
            return "word/_rels/document2.xml.rels", content
        if name in ("_rels/.rels", "[Content_Types].xml"):
            return content.replace(b"word/document.xml", b"word/document2.xml")
        return content

    record = _imported(library, _rewrite(_simple(tmp_path), tmp_path / "web.docx", rename))
    assert "Cold homes make chronic lung disease worse" in record["body"]


# 10 ------------------------------------------------------------------------------------------------------
def test_a_dangling_relationship_is_tolerated_and_reported(tmp_path, library):
    def dangle(name: str, content: bytes) -> bytes:
        if name == "word/_rels/document.xml.rels":
            return content.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                   b'openxmlformats.org/officeDocument/2006/relationships/image" '
                                   b'Target="media/image9.png"/></Relationships>')
        if name == "_rels/.rels":
            return content.replace(b"</Relationships>", b'<Relationship Id="rId98" Type="http://schemas.'
                                   b'openxmlformats.org/package/2006/relationships/metadata/thumbnail" '
                                   b'Target="docProps/thumbnail.emf"/></Relationships>')
        return content

    path = _rewrite(_simple(tmp_path), tmp_path / "dangling.docx", dangle)
    report = library.import_records(read_file(path))
    assert report.imported and not report.refused
    missing = [n for n in report.notes if n.get("what") == "missing part"]
    assert {n["part"] for n in missing} == {"word/media/image9.png", "docProps/thumbnail.emf"}
    assert any("image9.png" in w["message"] for w in report.warnings)


# 11 ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "suffix", "says"), [
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", ".dotx", "template"),
    ("application/vnd.ms-word.document.macroEnabled.main+xml", ".docx", "macros are never run"),
    ("application/vnd.ms-word.document.macroEnabled.main+xml", ".docm", "macros are never run"),
])
def test_templates_and_macro_documents_are_read_as_documents(tmp_path, library, kind, suffix, says):
    main_type = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

    def retype(name: str, content: bytes) -> bytes:
        return content.replace(main_type, kind.encode()) if name == "[Content_Types].xml" else content

    path = _rewrite(_simple(tmp_path), tmp_path / f"template{suffix}", retype)
    report = library.import_records(read_file(path))
    assert report.imported, report.refused
    assert any(says in n.get("action", "") for n in report.notes if n["kind"] == "package")


# 12 ------------------------------------------------------------------------------------------------------
def _core_twice(name: str, content: bytes):
    if name == "_rels/.rels":
        return content.replace(b"</Relationships>", b'<Relationship Id="rId77" Type="http://schemas.openxmlformats'
                               b'.org/package/2006/relationships/metadata/core-properties" Target="docProps/app.xml"/>'
                               b"</Relationships>")
    return content


def _core_wrong_type(name: str, content: bytes):
    if name == "[Content_Types].xml":
        return content.replace(b"application/vnd.openxmlformats-package.core-properties+xml", b"application/xml")
    return content


def _style_without_type(name: str, content: bytes):
    if name == "word/styles.xml":
        return re.sub(rb'(<w:style )w:type="paragraph" ', rb"\1", content)
    return content


def _merged_first_row(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Merged table", style="Title")
    tbl = d.add_table(rows=3, cols=2)
    tbl.cell(1, 0).text = "second row words"
    tbl.cell(2, 1).text = "third row words"
    tc = tbl.rows[0].cells[0]._tc
    tc.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {NSDECL}/>'))  # a continuation with nothing above it
    d.save(path)
    return path


def _long_merge(path: Path, rows: int = 1600) -> Path:
    d = docx.Document()
    d.add_paragraph("Long merge", style="Title")
    restart = ' w:val="restart"'
    rows_xml = "".join(
        f'<w:tr><w:tc><w:tcPr><w:vMerge{restart if i == 0 else ""}/></w:tcPr><w:p>'
        f'{"<w:r><w:t>merged words</w:t></w:r>" if i == 0 else ""}</w:p></w:tc>'
        f'<w:tc><w:p><w:r><w:t>row {i}</w:t></w:r></w:p></w:tc></w:tr>' for i in range(rows))
    _append(d, f'<w:tbl {NSDECL}><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{rows_xml}</w:tbl>')
    d.save(path)
    return path


@pytest.mark.parametrize("shape", ["core_twice", "core_wrong_type", "style_without_type", "merged_first_row",
                                   "merge_over_1600_rows", "name_not_utf8"])
def test_shapes_that_crashed_now_import(tmp_path, capsys, shape):
    if shape == "merged_first_row":
        path = _merged_first_row(tmp_path / "m.docx")
    elif shape == "merge_over_1600_rows":
        path = _long_merge(tmp_path / "long.docx")
    elif shape == "name_not_utf8":
        path = Path(os.fsdecode(tmp_path.as_posix().encode() + b"/caf\xe9 study.docx"))
        path.write_bytes(_simple(tmp_path).read_bytes())
    else:
        edit = {"core_twice": _core_twice, "core_wrong_type": _core_wrong_type,
                "style_without_type": _style_without_type}[shape]
        path = _rewrite(_simple(tmp_path), tmp_path / f"{shape}.docx", edit)
    code, out = _cli_import(tmp_path, path, capsys)
    assert code == 0, out
    assert "unexpected problem" not in out and "Traceback" not in out
    if shape == "merge_over_1600_rows":
        assert '"imported"' in out


# 13 ------------------------------------------------------------------------------------------------------
def _bullets(path: Path, n: int) -> Path:
    d = docx.Document()
    d.add_paragraph("Many bullets", style="Title")
    d.add_paragraph("Intro line.")
    body = d.element.body
    sect = body[-1]
    template = d.add_paragraph("x", style="List Bullet")._p
    body.remove(template)
    for i in range(n):
        p = parse_xml(f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>bullet {i}</w:t>'
                      '</w:r></w:p>')
        sect.addprevious(p)
    d.save(path)
    return path


def _read_seconds(path: Path) -> float:
    started = time.perf_counter()
    read_file(path)
    return time.perf_counter() - started


def test_bullets_and_long_merges_read_in_linear_time(tmp_path):
    small = _read_seconds(_bullets(tmp_path / "small.docx", 2000))
    large = _read_seconds(_bullets(tmp_path / "large.docx", 8000))
    assert large < 8 * max(small, 0.05), (small, large)  # 4x the bullets: ~4x the time, not ~16x
    assert _read_seconds(_long_merge(tmp_path / "merge.docx", 900)) < 10


def test_an_import_past_its_time_budget_is_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "TIME_BUDGET_S", 0.0)
    with pytest.raises(FileRefused, match=r"took more than 0 seconds to read.*split the document"):
        read_file(_bullets(tmp_path / "b.docx", 500))


# 14 ------------------------------------------------------------------------------------------------------
def test_bad_heuristic_values_stay_in_the_body_of_a_free_form_document(tmp_path, library):
    d = docx.Document()
    d.add_paragraph("A very long title paragraph " * 13, style="Title")  # 364 characters
    d.add_heading("Background", 1)
    d.add_paragraph("Year: 1985")
    d.add_paragraph("The work began in the eighties.")
    d.save(tmp_path / "odd.docx")
    report = library.import_records(read_file(tmp_path / "odd.docx"))
    assert report.imported and not report.refused
    record = library.get(report.imported[0]["id"])
    assert "Year: 1985" in record["body"] and record["year"] is None
    assert "A very long title paragraph" in record["body"] and len(record["title"]) < 300
    assert any("1985" in w["message"] for w in report.warnings)


def test_the_submission_form_still_validates_strictly(tmp_path, library, sample_record):
    record, _ = library.create(dict(sample_record, year=2021))
    write_form(tmp_path / "form.docx", record)
    path = _rewrite(tmp_path / "form.docx", tmp_path / "form1985.docx",
                    lambda n, c: c.replace(b">2021<", b">1985<") if n == "word/document.xml" else c)
    report = library.import_records(read_file(path))
    assert report.refused and "year" in report.refused[0]["error"]


# 15 ------------------------------------------------------------------------------------------------------
def test_a_renamed_rtf_is_called_rtf(tmp_path):
    path = tmp_path / "letter.docx"
    path.write_bytes(b"{\\rtf1\\ansi Hello}")
    with pytest.raises(FileRefused, match=r"Rich Text Format \(RTF\)"):
        read_file(path)


@pytest.mark.parametrize("shape", ["not_a_document_root", "bad_content_types"])
def test_refusals_never_show_python_internals(tmp_path, shape):
    def edit(name: str, content: bytes) -> bytes:
        if shape == "not_a_document_root" and name == "word/document.xml":
            return b'<?xml version="1.0"?><root/>'
        if shape == "bad_content_types" and name == "[Content_Types].xml":
            return content.replace(b"document.main+xml", b"nonsense+xml")
        return content

    path = _rewrite(_simple(tmp_path), tmp_path / f"{shape}.docx", edit)
    try:
        read_file(path)
    except FileRefused as err:
        message = str(err)
        assert not re.search(r"[A-Z][a-z]+(Error|Exception)\b|object at 0x|0x[0-9a-f]{6,}", message), message


def test_emphasis_inside_a_word_is_left_out_so_the_word_stays_whole(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("Rich abc")
    p.add_run("de").bold = True
    p.add_run("fg and ")
    p.add_run("bold").bold = True
    p.add_run(" words.")
    d.save(tmp_path / "mid.docx")
    assert _one(tmp_path / "mid.docx").raw["body"].strip() == "Rich abcdefg and **bold** words."


def test_a_second_body_and_a_damaged_theme_do_not_lose_the_text(tmp_path, library):
    def edit(name: str, content: bytes) -> bytes:
        if name == "word/document.xml":
            return content.replace(b"</w:body>", b"</w:body><w:body><w:p><w:r><w:t>Second body words</w:t></w:r>"
                                   b"</w:p></w:body>", 1)
        return content

    path = _rewrite(_simple(tmp_path), tmp_path / "two.docx", edit)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/theme/theme1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # one flipped byte: the theme fails its CRC check
    path.write_bytes(bytes(data))
    report = library.import_records(read_file(path))
    record = library.get(report.imported[0]["id"])
    assert "Second body words" in record["body"] and "Cold homes" in record["body"]
    assert any(n.get("what") == "damaged part" for n in report.notes)
