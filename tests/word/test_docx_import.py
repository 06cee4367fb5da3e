"""Word in: the submission form round trip, a Welsh and Urdu filled form, free-form case studies, hostile files."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import docx
import pytest
from word_samples import (
    BILLION_LAUGHS,
    free_form_case_study,
    replace_part,
    text_box,
    tiny_png,
    zip_bomb,
)

from curator.cli import main
from curator.errors import FileRefused
from curator.importers import read_file
from curator.word.submission import QA_HEADERS, TICK_NOUN, write_form

META = ("created", "updated")


def _import(library, path: Path, **kwargs):
    return library.import_records(read_file(path), **kwargs)


def test_every_demo_record_survives_record_to_form_to_record(library, tmp_path, demo_records):
    target = library.__class__.open(tmp_path / "other")
    try:
        source = library.import_records([__import__("curator.importers").importers.ImportItem("d", r)
                                         for r in demo_records], on_duplicate="keep")
        assert len(source.imported) == len(demo_records)
        for row in source.imported:
            record = library.get(row["id"])
            write_form(tmp_path / "form.docx", record)
            report = _import(target, tmp_path / "form.docx")
            assert not report.refused, report.refused
            back = target.get(report.imported[0]["id"])
            assert {k: v for k, v in back.items() if k not in META} == \
                   {k: v for k, v in record.items() if k not in META}
    finally:
        target.close()


def test_round_trip_keeps_awkward_text_unknown_fields_and_attachments(library, tmp_path, sample_record):
    raw = dict(sample_record, body="  Indented\tline\n\n**A&E** <5% & Health Innovation Yorkshire & Humber\n",
               lessons=["One", "Two\nwith a second line"], population_groups=["core20", "plus_ethnic_minority"],
               clinical_areas=["cross_smoking_cessation", "adult_maternity"], year=2021, review_by="2027-03-31",
               signoff={"wording_approved_by": "Comms", "comms_signoff": True, "image_rights": "",
                        "note": "kept"},
               attachments=[{"name": "photo.png", "sha256": "a" * 64}], local_colour={"x": [1, 2]})
    record, _ = library.create(raw)
    write_form(tmp_path / "f.docx", record)
    other = library.__class__.open(tmp_path / "lib2")
    try:
        report = _import(other, tmp_path / "f.docx")
        back = other.get(report.imported[0]["id"])
    finally:
        other.close()
    assert {k: v for k, v in back.items() if k not in META} == {k: v for k, v in record.items() if k not in META}
    assert back["clinical_areas"] == ["cross_smoking_cessation", "adult_maternity"]  # order kept by numbering


def _fill(form: Path, out: Path, answers: dict[str, list[str]], ticks: dict[str, dict[str, str]],
          outcomes: list[tuple[str, str]]) -> Path:
    """What a person does in Word: type into the answer column, mark tick boxes, add outcome rows."""
    d = docx.Document(form)
    for table in d.tables:
        header = tuple(c.text for c in table.rows[0].cells)
        if header[:2] == QA_HEADERS:
            for row in table.rows[1:]:
                label = row.cells[0].paragraphs[0].text
                if label in answers:
                    cell = row.cells[1]
                    cell.paragraphs[0].add_run(answers[label][0])
                    for line in answers[label][1:]:
                        cell.add_paragraph(line)
        elif header[1] in ticks:
            for row in table.rows[1:]:
                if row.cells[1].text in ticks[header[1]]:
                    row.cells[0].paragraphs[0].add_run(ticks[header[1]][row.cells[1].text])
        elif header[:2] == ("Measure", "Value"):
            for row, (measure, value) in zip(table.rows[1:], outcomes, strict=False):
                row.cells[0].text, row.cells[1].text = measure, value
            for measure, value in outcomes[len(table.rows) - 1:]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = measure, value
    d.save(out)
    return out


def test_filled_template_in_welsh_and_urdu_is_read_exactly(library, tmp_path):
    assert main(["--library", str(library.folder), "template", "submission", str(tmp_path / "blank.docx")]) == 0
    title = "Gwiriadau pwysedd gwaed yn siopau barbwr Caerdydd"
    summary = ["Cafodd 1,200 o ddynion wiriad; ŵyr ac wyres yn helpu.", "بلڈ پریشر کی جانچ حجام کی دکانوں میں"]
    filled = _fill(tmp_path / "blank.docx", tmp_path / "filled.docx",
                   {"Title": [title], "Summary": summary, "Integrated Care System (ICS)": ["Birmingham and Solihull"],
                    "Lessons learned": ["Gwersi: talu partneriaid", "", "شراکت داروں کو ادائیگی کریں"],
                    "Contact may be published": ["Yes"], "Start year": ["2023/24"]},
                   {TICK_NOUN["clinical_areas"]: {"Smoking cessation": "2", "Maternity": "1"},
                    TICK_NOUN["population_groups"]: {"Ethnic minority communities": "x"}},
                   [("Dynion a wiriwyd", "1,212")] * 5 + [("مریض", "۲۸۷")])
    report = _import(library, filled)
    assert not report.refused, report.refused
    record = library.get(report.imported[0]["id"])
    assert record["title"] == title
    assert record["summary"] == "\n".join(summary)
    assert record["lessons"] == ["Gwersi: talu partneriaid", "شراکت داروں کو ادائیگی کریں"]
    assert record["ics"] == "E54000055" and record["year"] == 2023 and record["contact_consent"] is True
    assert any("read '2023/24' as 2023" in w["message"] for w in report.warnings)
    assert record["clinical_areas"] == ["adult_maternity", "cross_smoking_cessation"]
    assert record["population_groups"] == ["plus_ethnic_minority"]
    assert record["outcomes"][-1] == {"measure": "مریض", "value": "۲۸۷"} and len(record["outcomes"]) == 6


def test_blank_template_imports_as_a_clear_refusal(tmp_path):
    write_form(tmp_path / "blank.docx")
    with pytest.raises(FileRefused, match="empty submission form"):
        read_file(tmp_path / "blank.docx")


def test_free_form_case_study_maps_headings_labels_tables_and_reports_the_rest(library, tmp_path):
    path = free_form_case_study(tmp_path / "Brookvale case study.docx")
    report = _import(library, path)
    assert not report.refused, report.refused
    record = library.get(report.imported[0]["id"])
    assert record["title"] == "Community pharmacy blood pressure checks in Brookvale"
    assert record["organisation"] == "Brookvale Primary Care Network"
    assert record["ics"] == "E54000055" and record["programme"] == "InHIP"
    assert record["period"] == "12 months from April 2023"  # from a content control
    assert record["clinical_areas"] == ["adult_hypertension_lipids", "cross_smoking_cessation"]
    assert record["outcomes"] == [{"measure": "Men checked", "value": "1,212"},
                                  {"measure": "Referred to clinic", "value": "287 (24%)"},
                                  {"measure": "New diagnoses", "value": "96"}]
    assert record["lessons"] == ["Pay community partners for their time", "Name one clinician for follow-up"]
    assert record["partners"] == ["Aston Brook Community Pharmacy", "Birmingham City Council Public Health"]
    assert record["contact"]["name"] == "Jane Example" and record["contact"]["role"] == "Programme Lead"
    assert record["contact"]["email"] == "jane.example@nhs.net" and record["contact_consent"] is False
    body = record["body"]
    assert "## Reasons for the project" in body and "**blood pressure**" in body
    assert "- Checks were free\n- No appointment was needed" in body
    assert "Readings were sent the same day" in body and "within a week" not in body  # tracked changes
    assert body.count("Key fact: 1 in 4 men") == 1  # text box read once, not from its fallback copy too
    assert "[1] Practice audit, March 2023." in body  # footnote
    assert "Check Jane" not in body  # comments are reported, not imported
    notes = report.notes
    headings = {n["heading"]: n["field"] for n in notes if n["kind"] == "heading"}
    assert headings == {"Reasons for the project": "body", "Approach": "body, period", "Impact": "outcomes",
                        "What we learned": "lessons", "Who was involved": "partners", "Contact": "contact"}
    kinds = {n["kind"] for n in notes}
    assert {"comment", "tracked_deletion", "text_box", "content_control", "header", "footer", "footnote",
            "picture"} <= kinds
    assert next(n for n in notes if n["kind"] == "comment")["author"] == "Editor"
    assert record["attachments"][0]["name"] == "image1.png"
    assert (library.attachments_dir / record["attachments"][0]["sha256"]).read_bytes() == tiny_png()


@pytest.mark.parametrize("heading,field", [
    ("Background", "body"), ("The challenge", "body"), ("Implementation", "body"), ("Results", "outcomes"),
    ("Key learning", "lessons"), ("Partners", "partners"), ("Overview", "summary"), ("Further information", "contact"),
])
def test_heading_wording_variants(tmp_path, heading, field):
    d = docx.Document()
    d.add_heading("A project title", level=1)
    d.add_heading(heading, level=2)
    d.add_paragraph("Partner: item one" if field == "partners" else "Item one", style="List Bullet")
    d.save(tmp_path / "v.docx")
    item = read_file(tmp_path / "v.docx")[0]
    assert item.raw["title"] == "A project title"
    assert next(n for n in item.notes if n["kind"] == "heading")["section"] == field


def test_title_from_large_bold_first_line_and_bold_line_sections(tmp_path):
    d = docx.Document()
    d.add_paragraph().add_run("Walk-in smoking cessation clinic").bold = True
    d.add_paragraph().add_run("Lessons").bold = True
    d.add_paragraph("Start small and listen to staff.")
    text_box(d, ["ICS: Greater Manchester"])
    d.save(tmp_path / "b.docx")
    item = read_file(tmp_path / "b.docx")[0]
    assert item.raw["title"] == "Walk-in smoking cessation clinic"
    assert item.raw["lessons"] == ["Start small and listen to staff."]
    assert item.raw["ics"] == "E54000057"


# -- hostile and broken files: each refused with its own message, quickly, changing nothing ------------------
def _valid(tmp_path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Title", style="Title")
    d.save(tmp_path / "valid.docx")
    return tmp_path / "valid.docx"


HOSTILE = {
    "random": (lambda p: p.write_bytes(os.urandom(4096)), "not a Word document"),
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "text": (lambda p: p.write_text("Title: my case study\nSummary: …\n", encoding="utf-8"), "plain text"),
    "ole2": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000), "save it|Save As"),
    "truncated": (None, "damaged or incomplete"),
    "bomb": (None, "zip bomb"),
    "laughs": (None, "XML that Word never writes"),
    "no_text": (None, "has no text"),
    "not_word_zip": (lambda p: zipfile.ZipFile(p, "w").writestr("xl/workbook.xml", "<x/>"), "not a Word document"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_files_are_refused_with_a_specific_message_and_change_nothing(library, tmp_path, kind):
    make, message = HOSTILE[kind]
    path = tmp_path / ("old.doc" if kind == "ole2" else f"{kind}.docx")
    if kind == "truncated":
        data = _valid(tmp_path).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "bomb":
        zip_bomb(path)
    elif kind == "laughs":
        replace_part(_valid(tmp_path), path, "word/document.xml", BILLION_LAUGHS)
    elif kind == "no_text":
        d = docx.Document()
        d.add_paragraph()
        d.add_paragraph().add_run().add_picture(__import__("io").BytesIO(tiny_png()))
        d.save(path)
    else:
        make(path)
    generation = library.store.generation
    started = time.perf_counter()
    code = main(["--library", str(library.folder), "--json", "import", str(path)])
    elapsed = time.perf_counter() - started
    assert code == 1
    with pytest.raises(FileRefused, match=message):
        read_file(path)
    assert library.count() == 0 and library.store.generation == generation
    assert elapsed < 30  # bounded: a bomb or entity expansion would run for minutes or exhaust memory


def test_blank_template_has_a_place_for_every_field_and_lists_the_choices(tmp_path):
    from curator.model import FIELD_ORDER
    from curator.vocab import vocabularies
    from curator.word.submission import SECTIONS, TABLE_HEADERS

    write_form(tmp_path / "blank.docx")
    d = docx.Document(tmp_path / "blank.docx")
    headers = [tuple(c.text for c in t.rows[0].cells) for t in d.tables]
    places = {p.split(".")[0] for _, qs in SECTIONS for p, _, _ in qs} | set(TICK_NOUN) | set(TABLE_HEADERS)
    assert set(FIELD_ORDER) <= places
    assert all(h in headers for h in TABLE_HEADERS.values())
    vocab = vocabularies()
    text = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert all(t.label in text for t in [*vocab.ics, *vocab.areas, *vocab.groups, *vocab.actions])
    assert d.core_properties.author == "" and d.core_properties.title == "Case study submission form"


def test_export_submission_command_and_its_errors(library, tmp_path, sample_record, capsys):
    record, _ = library.create(sample_record)
    out = tmp_path / "one.docx"
    assert main(["--library", str(library.folder), "export", "submission", record["id"], str(out)]) == 0
    assert read_file(out)[0].raw["title"] == sample_record["title"]
    assert main(["--library", str(library.folder), "export", "submission", "cs-missing", str(out)]) == 2
    assert "no case study with id 'cs-missing'" in capsys.readouterr().err
    assert main(["--library", str(library.folder), "export", "submission", record["id"],
                 str(tmp_path / "no-such-folder" / "x.docx")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_picture_pasted_into_a_filled_form_is_kept_as_an_attachment(library, tmp_path, sample_record):
    write_form(tmp_path / "f.docx", dict(sample_record, ics="E54000057"))
    d = docx.Document(tmp_path / "f.docx")
    d.add_paragraph().add_run().add_picture(__import__("io").BytesIO(tiny_png()))
    d.save(tmp_path / "f.docx")
    report = _import(library, tmp_path / "f.docx")
    record = library.get(report.imported[0]["id"])
    assert [a["name"] for a in record["attachments"]] == ["image1.png"]
    assert any(n["kind"] == "picture" for n in report.notes)


def test_free_form_without_heading_styles(tmp_path):
    """Bold lines as sections, labels in paragraphs, dashes and colons in bullets, a 3-column results table."""
    from docx.shared import Pt

    from curator.word.blocks import add_hyperlink

    d = docx.Document()
    title = d.add_paragraph().add_run("Digital inclusion hubs in Hull libraries")
    title.font.size = Pt(18)
    for line in ("ICS: Humber & North Yorkshire ICB", "Year: started in 2021",
                 "Population groups: Core20, Ethnic minority communities, carers"):
        d.add_paragraph(line)
    d.add_paragraph().add_run("The challenge").bold = True
    link = d.add_paragraph("Read more on ")
    add_hyperlink(link, "the council website", "https://example.org/hubs")
    d.add_paragraph().add_run("Results").bold = True
    d.add_paragraph("People supported – 1,040", style="List Bullet")
    d.add_paragraph("Everyone enjoyed it", style="List Bullet")
    table = d.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("Site", "Opened", "Visits"), ("Central", "2021", "800")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    d.add_paragraph().add_run("Top tips").bold = True
    d.add_paragraph("1. Recruit volunteers locally")
    d.add_paragraph().add_run("Further information").bold = True
    d.add_paragraph("Sam Patel – Digital Inclusion Lead")
    d.add_paragraph("Tel: 01482 000000")
    d.save(tmp_path / "hubs.docx")
    item = read_file(tmp_path / "hubs.docx")[0]
    raw = item.raw
    assert raw["title"] == "Digital inclusion hubs in Hull libraries"
    assert raw["ics"] == "E54000051" and raw["year"] == 2021
    assert raw["population_groups"] == ["core20", "plus_ethnic_minority", "local_other"]
    assert raw["local_groups"] == ["carers"]  # not guessed as 'Young carers'
    assert raw["outcomes"] == [{"measure": "People supported", "value": "1,040"},
                               {"measure": "Central", "value": "Opened: 2021; Visits: 800"}]
    assert raw["lessons"] == ["Recruit volunteers locally"]
    assert raw["contact"] == {"name": "Sam Patel", "role": "Digital Inclusion Lead", "phone": "01482 000000"}
    assert "[the council website](https://example.org/hubs)" in raw["body"]
    assert "## Results\n\n- Everyone enjoyed it" in raw["body"]
    assert any("local" in w for w in item.warnings)


def test_malformed_xml_part_is_refused_as_damaged(tmp_path):
    d = docx.Document()
    d.add_paragraph("text")
    d.save(tmp_path / "ok.docx")
    replace_part(tmp_path / "ok.docx", tmp_path / "bad.docx", "word/styles.xml", b"<w:styles><unclosed></w:styles>")
    with pytest.raises(FileRefused, match="not well-formed XML"):
        read_file(tmp_path / "bad.docx")


def test_a_section_heading_is_never_taken_for_the_title(tmp_path):
    d = docx.Document()
    d.add_heading("Background", level=1)
    d.add_paragraph("Why we started.")
    d.add_heading("What we did", level=1)
    d.add_paragraph("We did it.")
    d.save(tmp_path / "Hull hubs.docx")
    item = read_file(tmp_path / "Hull hubs.docx")[0]
    assert item.raw["title"] == "Hull hubs" and "no title found" in item.warnings[0]
    assert item.raw["body"].startswith("## Background\n\nWhy we started.")


def test_house_heading_styles_with_an_outline_level_are_headings(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    house = d.styles.add_style("Trust Heading", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    house.element.get_or_add_pPr().append(outline)
    d.styles.add_style("Trust Heading Blue", WD_STYLE_TYPE.PARAGRAPH).base_style = house
    d.add_paragraph("Lung checks on the coast", style="Trust Heading")
    d.add_paragraph("What we learned", style="Trust Heading Blue")
    d.add_paragraph("Go where people are.")
    d.save(tmp_path / "t.docx")
    item = read_file(tmp_path / "t.docx")[0]
    assert item.raw["title"] == "Lung checks on the coast" and item.raw["lessons"] == ["Go where people are."]
